/**
 * The three phases of a benchmark: the alternated throughput comparison at N connections, the
 * one-connection latency comparison, and the memory soak. Each run is bounded by its duration.
 */
import { assertAlive } from './children.mjs';
import { runLoad } from './load.mjs';
import { cpuMeter, sampleRss } from './procfs.mjs';
import { median, slope, spread } from './stats.mjs';

const RSS_SAMPLE_MS = 250;
const LATENCY_WARMUP_S = 1;
/**
 * A run during which work we did not start used more than this share of a core is marked noisy: on a
 * 2-core machine that much foreign work moves the figures by more than the differences measured.
 */
export const NOISY_OTHER_PCT = 20;
/** A soak "trends upward" when its RSS floor rises by more than this share from the first half to the second. */
const SOAK_RISE_LIMIT = 0.05;

const round2 = (n) => (n === undefined ? undefined : Math.round(n * 100) / 100);
// Latencies are tenths of a millisecond apart: keep microseconds.
const round3 = (n) => (n === undefined ? undefined : Math.round(n * 1000) / 1000);

/** One warmed-up, measured run against a target, with its RSS peak and the CPU use of each process. */
export async function measureRun(target, { upstream, connections, seconds, warmup }) {
  assertAlive(target.handle);
  const load = { origin: target.handle.url, connections, request: target.request };
  if (warmup > 0) await runLoad({ ...load, seconds: warmup });
  const rss = sampleRss(target.handle.pid, RSS_SAMPLE_MS);
  const cpu = cpuMeter([target.handle.pid, upstream.pid, process.pid]);
  const result = await runLoad({ ...load, seconds });
  const { perPid, other } = cpu.stop();
  const [server, upstreamCpu, generator] = perPid;
  const samples = rss.stop();
  assertAlive(target.handle);
  assertAlive(upstream);
  return {
    ...result,
    rss_peak_mb: round2(Math.max(...samples.map((s) => s.rss_mb))),
    // CPU time of the server per answered request: unlike req/s, barely moved by other work on the machine.
    cpu_us_per_req: result.ok > 0 && server !== undefined ? round2((server * 1e4) / result.rps) : undefined,
    cpu_pct: {
      server: round2(server),
      upstream: round2(upstreamCpu),
      generator: round2(generator),
      other: round2(other),
    },
  };
}

export function isNoisy(run) {
  return run.cpu_pct.other > NOISY_OTHER_PCT;
}

function summarize(runs) {
  const pick = (f) => runs.map(f);
  return {
    rps: round2(median(pick((r) => r.rps))),
    rps_spread: round2(spread(pick((r) => r.rps))),
    p50_ms: round3(median(pick((r) => r.p50_ms))),
    p99_ms: round3(median(pick((r) => r.p99_ms))),
    rss_peak_mb: round2(median(pick((r) => r.rss_peak_mb))),
    cpu_us_per_req: round2(median(pick((r) => r.cpu_us_per_req))),
    cpu_pct: {
      server: round2(median(pick((r) => r.cpu_pct.server))),
      upstream: round2(median(pick((r) => r.cpu_pct.upstream))),
      generator: round2(median(pick((r) => r.cpu_pct.generator))),
      other: round2(median(pick((r) => r.cpu_pct.other))),
    },
    failures: runs.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0),
    noisy_runs: runs.filter(isNoisy).length,
  };
}

/**
 * Rounds of runs over `targets`, in the same order every round (gateway, proxy, gateway, proxy...),
 * so slow drift of the machine hits every target alike. Returns every run and the medians.
 */
export async function alternate(targets, { rounds, connections, seconds, warmup, upstream, log }) {
  const runs = new Map(targets.map((t) => [t.id, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const target of targets) {
      const run = await measureRun(target, { upstream, connections, seconds, warmup });
      runs.get(target.id).push(run);
      log(round, target, run);
    }
  }
  return targets.map((t) => ({
    id: t.id,
    kind: t.kind,
    workload: t.workload,
    runs: runs.get(t.id),
    ...summarize(runs.get(t.id)),
  }));
}

/** The one-connection rounds: the same alternation, one connection, a short warm-up. */
export function latencyRounds(targets, { rounds, seconds, upstream, log }) {
  return alternate(targets, { rounds, connections: 1, seconds, warmup: LATENCY_WARMUP_S, upstream, log });
}

/**
 * Each gateway against the proxy measured for the same workload in the same run: `ratio` of req/s, and
 * `cpu_ratio`, proxy CPU per request over gateway CPU per request — the throughput ratio the two would
 * reach if each had a core to itself, which other work on the machine barely moves.
 */
export function ratios(summaries) {
  const proxies = new Map(summaries.filter((s) => s.kind === 'proxy').map((s) => [s.workload, s]));
  return summaries
    .filter((s) => s.kind === 'gateway')
    .map((s) => {
      const proxy = proxies.get(s.workload);
      return {
        id: s.id,
        vs: proxy.id,
        ratio: round2(s.rps / proxy.rps),
        cpu_ratio: s.cpu_us_per_req ? round2(proxy.cpu_us_per_req / s.cpu_us_per_req) : undefined,
      };
    });
}

/**
 * Paired rounds: `base` and `other` under the same load at the same moment, sharing the server's CPU.
 * The scheduler splits that CPU between them, so other/base req/s is the inverse ratio of their CPU
 * cost per request, and a change in the machine's speed during a round hits both alike. On a VM whose
 * speed drifts, sequential runs move by 10–50% while this ratio moves by a few percent (and is 1.00
 * for a gateway paired with an identical one). Both must be warm: the first gateway has served every
 * earlier pair, so a short warm-up leaves the other one behind (4 s cost it 3–4% here; 12 s did not).
 */
export async function pairedRounds(base, other, { rounds, connections, seconds, warmup, upstream, log }) {
  const load = (target, s) =>
    runLoad({ origin: target.handle.url, connections, request: target.request, seconds: s });
  if (warmup > 0) await Promise.all([load(base, warmup), load(other, warmup)]);
  const runs = [];
  for (let round = 1; round <= rounds; round++) {
    // Which load starts first alternates, so its head start (connections opened first) favours neither.
    const [a, b] =
      round % 2 === 1
        ? await Promise.all([load(base, seconds), load(other, seconds)])
        : (await Promise.all([load(other, seconds), load(base, seconds)])).reverse();
    for (const handle of [base.handle, other.handle, upstream]) assertAlive(handle);
    const run = {
      base_rps: round2(a.rps),
      rps: round2(b.rps),
      ratio: round3(b.rps / a.rps),
      failures: [a, b].reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0),
    };
    runs.push(run);
    log(round, run);
  }
  const ratios = runs.map((r) => r.ratio);
  return {
    id: other.id,
    vs: base.id,
    runs,
    ratio: round3(median(ratios)),
    ratio_range: [Math.min(...ratios), Math.max(...ratios)],
    failures: runs.reduce((n, r) => n + r.failures, 0),
  };
}

/** Median p50 of each target minus the median p50 of calling the mock directly with the same workload. */
export function addedLatency(summaries) {
  const direct = new Map(summaries.filter((s) => s.kind === 'direct').map((s) => [s.workload, s]));
  return summaries
    .filter((s) => s.kind !== 'direct')
    .map((s) => ({ id: s.id, added_p50_ms: round3(s.p50_ms - direct.get(s.workload).p50_ms) }));
}

/**
 * The trend of RSS over a soak. A busy V8 process's RSS is a sawtooth (the heap grows until a major GC,
 * then shrinks, every few seconds under load), so a line through a dozen raw samples rises or falls by
 * chance. The floor — the lowest RSS, sampled every 250 ms — only climbs when memory is kept: the
 * verdict compares the floor of the second half of the soak with the floor of the first.
 */
export function rssTrend(samples, { seconds }) {
  const floorOf = (part) => Math.min(...part.map((s) => s.rss_mb));
  const first = floorOf(samples.filter((s) => s.t_s < seconds / 2));
  const second = floorOf(samples.filter((s) => s.t_s >= seconds / 2));
  const rise = second - first;
  return {
    floors_mb: [round2(first), round2(second)],
    floor_rise_mb: round2(rise),
    trend: rise > SOAK_RISE_LIMIT * first ? 'upward' : 'flat',
  };
}

/** One long run against one gateway, sampling RSS; reports the series and its trend. */
export async function soak(target, { seconds, intervalS, connections, warmup, upstream }) {
  assertAlive(target.handle);
  const load = { origin: target.handle.url, connections, request: target.request };
  if (warmup > 0) await runLoad({ ...load, seconds: warmup });
  const coarse = sampleRss(target.handle.pid, intervalS * 1000);
  const fine = sampleRss(target.handle.pid, RSS_SAMPLE_MS);
  const result = await runLoad({ ...load, seconds });
  const series = coarse.stop().map((s) => ({ t_s: Math.round(s.t_s), rss_mb: round2(s.rss_mb) }));
  const trend = rssTrend(fine.stop(), { seconds });
  assertAlive(target.handle);
  assertAlive(upstream);
  const perSecond = slope(series.map((s) => ({ x: s.t_s, y: s.rss_mb })));
  return {
    id: target.id,
    rps: round2(result.rps),
    failures: result.non2xx + result.errors + result.timeouts,
    series,
    slope_mb_per_min: round2(perSecond * 60),
    ...trend,
  };
}
