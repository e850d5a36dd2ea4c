/** What the benchmark prints, and the JSON file it leaves in bench/results/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isNoisy, NOISY_OTHER_PCT } from './phases.mjs';

const fmt = (n, digits = 2) => (n === undefined || n === null ? '-' : Number(n).toFixed(digits));
const int = (n) => (n === undefined ? '-' : Math.round(n).toLocaleString('en-US'));

export function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function runLine(round, target, run) {
  const cpu = run.cpu_pct;
  return (
    `  round ${round}  ${target.id.padEnd(24)} ${int(run.rps).padStart(7)} req/s  p50 ${fmt(run.p50_ms)} ms  ` +
    `p99 ${fmt(run.p99_ms)} ms  rss ${fmt(run.rss_peak_mb, 0)} MB  srv ${fmt(run.cpu_us_per_req, 0)} us/req  cpu ${fmt(cpu.server, 0)}/${fmt(cpu.upstream, 0)}/${fmt(cpu.generator, 0)}/${fmt(cpu.other, 0)}%` +
    (isNoisy(run) ? '  NOISY' : '') +
    (run.non2xx + run.errors + run.timeouts > 0
      ? `  FAILURES non2xx=${run.non2xx} errors=${run.errors} timeouts=${run.timeouts}`
      : '')
  );
}

export function throughputTable(summaries, ratios) {
  const ratioOf = new Map(ratios.map((r) => [r.id, r]));
  return table(
    [
      'target',
      'req/s',
      'spread',
      'p50 ms',
      'p99 ms',
      'RSS MB',
      'CPU% srv/up/gen/other',
      'srv CPU us/req',
      'vs proxy',
      'vs proxy (CPU)',
      'failures',
    ],
    summaries.map((s) => [
      s.id,
      int(s.rps),
      s.rps_spread === undefined ? '-' : `${fmt(s.rps_spread * 100, 1)}%`,
      fmt(s.p50_ms),
      fmt(s.p99_ms),
      fmt(s.rss_peak_mb, 0),
      `${fmt(s.cpu_pct.server, 0)}/${fmt(s.cpu_pct.upstream, 0)}/${fmt(s.cpu_pct.generator, 0)}/${fmt(s.cpu_pct.other, 0)}`,
      fmt(s.cpu_us_per_req, 0),
      ratioOf.has(s.id) ? fmt(ratioOf.get(s.id).ratio) : '',
      ratioOf.has(s.id) ? fmt(ratioOf.get(s.id).cpu_ratio) : '',
      s.failures,
    ]),
  );
}

export function pairedLine(round, target, base, run) {
  return (
    `  round ${round}  ${target.id.padEnd(24)} ${int(run.rps).padStart(7)} req/s  ${base.id} ${int(run.base_rps).padStart(7)} req/s  ratio ${fmt(run.ratio, 3)}` +
    (run.failures > 0 ? `  FAILURES ${run.failures}` : '')
  );
}

export function pairedTable(paired) {
  return table(
    ['target', 'vs', 'req/s ratio (median)', 'range', 'failures'],
    paired.map((p) => [
      p.id,
      p.vs,
      fmt(p.ratio, 3),
      `${fmt(p.ratio_range[0], 3)}–${fmt(p.ratio_range[1], 3)}`,
      p.failures,
    ]),
  );
}

/** A warning when other work disturbed some runs, or nothing. */
export function noiseWarning(summaries) {
  const noisy = summaries.reduce((n, s) => n + s.noisy_runs, 0);
  const total = summaries.reduce((n, s) => n + s.runs.length, 0);
  if (noisy === 0) return '';
  return `\nwarning: in ${noisy} of ${total} runs other processes used more than ${NOISY_OTHER_PCT}% of a core (NOISY above); rerun on a quiet machine`;
}

export function latencyTable(summaries, added) {
  const addedOf = new Map(added.map((a) => [a.id, a.added_p50_ms]));
  return table(
    ['target (1 connection)', 'req/s', 'p50 ms', 'p99 ms', 'added p50 ms'],
    summaries.map((s) => [
      s.id,
      int(s.rps),
      fmt(s.p50_ms, 3),
      fmt(s.p99_ms, 3),
      addedOf.has(s.id) ? fmt(addedOf.get(s.id), 3) : '(baseline)',
    ]),
  );
}

export function soakReport(result) {
  const series = result.series.map((s) => `${s.t_s}s:${fmt(s.rss_mb, 0)}`).join('  ');
  return [
    `soak ${result.id}: ${int(result.rps)} req/s, failures ${result.failures}`,
    `  RSS MB every sample  ${series}   (slope ${fmt(result.slope_mb_per_min)} MB/min)`,
    `  RSS floor (lowest, sampled every 250 ms): first half ${fmt(result.floors_mb[0], 1)} MB, ` +
      `second half ${fmt(result.floors_mb[1], 1)} MB -> ${result.trend}`,
  ].join('\n');
}

export function profileReport(summary) {
  return [
    `profile ${summary.file} (${int(summary.busy_ms)} ms busy)`,
    table(
      ['package', 'self ms', 'share'],
      summary.packages.map((p) => [p.name, int(p.self_ms), `${fmt(p.share, 1)}%`]),
    ),
    '',
    table(
      ['function', 'self ms', 'share'],
      summary.functions.map((f) => [f.name, int(f.self_ms), `${fmt(f.share, 1)}%`]),
    ),
  ].join('\n');
}

/** Writes the whole result as JSON; returns the file's path. */
export function writeResults(dir, result) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${result.started_at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
