/**
 * Resident memory and CPU time of other processes. Linux: /proc (cheap enough to sample 4 times a
 * second). Elsewhere: `ps` for memory, and no CPU figures.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const HAS_PROC = existsSync('/proc/self/status');
const CLOCK_TICKS = HAS_PROC ? Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100 : 100;

/** Resident set size in bytes, or undefined once the process is gone. */
export function rssBytes(pid) {
  try {
    if (!HAS_PROC)
      return (
        Number(
          execFileSync('ps', ['-o', 'rss=', '-p', String(pid)])
            .toString()
            .trim(),
        ) * 1024
      );
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return kb ? Number(kb[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds the process has used so far (all threads), or undefined. */
export function cpuSeconds(pid) {
  if (pid === process.pid) {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  }
  if (!HAS_PROC) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at state, field 3; utime and
    // stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/**
 * Samples RSS of `pid` every `intervalMs` until stopped; `stop()` returns the samples as
 * `{ t_s, rss_mb }`, time measured from the start.
 */
export function sampleRss(pid, intervalMs) {
  const start = Date.now();
  const samples = [];
  const take = () => {
    const bytes = rssBytes(pid);
    if (bytes !== undefined) samples.push({ t_s: (Date.now() - start) / 1000, rss_mb: bytes / 2 ** 20 });
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

/** CPU seconds the whole machine has spent busy (all CPUs, every process), or undefined. */
function machineBusySeconds() {
  if (!HAS_PROC) return undefined;
  // cpu  user nice system idle iowait irq softirq steal ...
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n', 1)[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS;
}

/**
 * CPU used between `start()` and `stop()` by each of `pids` and by everything else on the machine
 * (`other`: work we did not start, which makes the figures move), as percentages of one core.
 */
export function cpuMeter(pids) {
  const startedAt = process.hrtime.bigint();
  const distinct = [...new Set(pids)];
  const before = distinct.map(cpuSeconds);
  const machineBefore = machineBusySeconds();
  return {
    stop() {
      const wall = Number(process.hrtime.bigint() - startedAt) / 1e9;
      const pct = (from, to) =>
        from === undefined || to === undefined ? undefined : (100 * (to - from)) / wall;
      const used = new Map(distinct.map((pid, i) => [pid, pct(before[i], cpuSeconds(pid))]));
      const ours = [...used.values()].reduce((sum, p) => sum + (p ?? 0), 0);
      const machine = pct(machineBefore, machineBusySeconds());
      return {
        perPid: pids.map((pid) => used.get(pid)),
        other: machine === undefined ? undefined : Math.max(0, machine - ours),
      };
    },
  };
}
