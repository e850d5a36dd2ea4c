/**
 * Which CPU each process runs on. The machine this was tuned on has 2 cores for three busy processes
 * (load generator, server under test, mock upstream), so one core is always shared; docs/benchmarks.md
 * has the measurements behind the default. The gateway and the thin proxy always get the same place.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

export const PLACEMENTS = {
  split: {
    about: 'server under test alone on CPU 1; load generator and mock upstream share CPU 0',
    runner: '0',
    upstream: '0',
    server: '1',
  },
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

/** Pins the runner (the load generator), all its threads included, to its CPU. */
export function pinRunner(placement) {
  if (placement.runner === undefined) return;
  execFileSync('taskset', ['-a', '-p', '-c', placement.runner, String(process.pid)], { stdio: 'ignore' });
}
