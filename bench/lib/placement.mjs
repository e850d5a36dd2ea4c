/**
 * Which CPU each process runs on. The machine this was tuned on has 2 cores for three busy processes
 * (load generator, server under test, mock upstream), so one core is always shared; docs/benchmarks.md
 * has the measurements behind the default. The gateway and the thin proxy always get the same place.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';

export const PLACEMENTS = {
  // The default for throughput: the server under test gets a core of its own, so the load generator
  // never takes its CPU.
  split: {
    about: 'server under test alone on CPU 1; load generator and mock upstream share CPU 0',
    runner: '0',
    upstream: '0',
    server: '1',
  },
  // The default for the one-connection phase, where nothing runs in parallel. Calling the mock directly
  // crosses from CPU 0 to CPU 1 and back; through a proxy it crosses exactly as often (the proxy and the
  // mock meet on CPU 1), so "added p50" is what the proxy itself costs. Under `split` the direct call
  // never leaves CPU 0 while a proxied one crosses four times, and each crossing wakes an idle virtual
  // CPU (~40 µs on this VM): the figure then charges the proxy for the hypervisor.
  'upstream-with-server': {
    about: 'load generator alone on CPU 0; server under test and mock upstream share CPU 1',
    runner: '0',
    upstream: '1',
    server: '1',
  },
  none: { about: 'no pinning: the OS scheduler places every process' },
};

function hasTaskset() {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The placement to use: the requested one if this machine can honour it, else `none` with a reason. */
export function choosePlacement(name) {
  const placement = PLACEMENTS[name];
  if (!placement)
    throw new Error(`unknown placement '${name}' (known: ${Object.keys(PLACEMENTS).join(', ')})`);
  if (name === 'none') return { name, ...placement };
  if (availableParallelism() < 2) return { name: 'none', ...PLACEMENTS.none, fallback: 'fewer than 2 CPUs' };
  if (!hasTaskset()) return { name: 'none', ...PLACEMENTS.none, fallback: 'taskset not found' };
  return { name, ...placement };
}

/** Moves a running process, all its threads included, to `cpus`. */
function pin(cpus, pid) {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

/** Pins the runner (the load generator), all its threads included, to its CPU. */
export function pinRunner(placement) {
  if (placement.runner !== undefined) pin(placement.runner, process.pid);
}

/** Moves running processes (all their threads) to `placement`: used between phases. */
export function repin(placement, { runner, upstream, servers }) {
  if (!hasTaskset()) return;
  // `none` spreads them over every CPU again (cpus(), not availableParallelism(): this process is pinned).
  const every = `0-${cpus().length - 1}`;
  pin(placement.runner ?? every, runner);
  pin(placement.upstream ?? every, upstream);
  for (const pid of servers) pin(placement.server ?? every, pid);
}
