/** Command-line options of `pnpm bench`. */
import { parseArgs } from 'node:util';
import { SCENARIOS } from '../scenarios.mjs';
import { PLACEMENTS } from './placement.mjs';

export const USAGE = `usage: pnpm bench [options]

  --scenarios LIST        comma-separated scenarios, measured side by side (default: kernel)
                          known: ${Object.keys(SCENARIOS).join(', ')}
  --runs N                measured runs per target, alternated (default: 3)
  --duration S            seconds per measured run (default: 10)
  --warmup S              seconds of load before each measured run, not counted (default: 3)
  --connections N         concurrent connections (default: 50)
  --latency-runs N        one-connection rounds for the added-latency figure; 0 skips (default: 3)
  --latency-duration S    seconds per one-connection run (default: 5)
  --paired-runs N         rounds in which each other scenario's gateway is loaded at the same moment as the
                          first one's, both on the server CPU: their req/s ratio, immune to the machine's
                          drift (default: 0, off)
  --paired-duration S     seconds per paired round (default: 5)
  --paired-warmup S       seconds both gateways of a pair are loaded before their rounds (default: 12)
  --soak S                then load the first scenario's gateway for S seconds, sampling RSS (default: 0, off)
  --soak-interval S       seconds between soak RSS samples (default: 5)
  --placement NAME        CPU placement: ${Object.keys(PLACEMENTS).join(' | ')} (default: split)
  --latency-placement NAME
                          CPU placement of the one-connection phase (default: upstream-with-server)
  --profile               run the gateways under --cpu-prof and print their top CPU costs
  --gateway FILE          the gateway CLI to measure (default: apps/gateway/dist/cli.js)
  --lock-wait S           wait up to S seconds for another benchmark on this machine to end (default: 1800)
  --help`;

const OPTIONS = {
  scenarios: { type: 'string', default: 'kernel' },
  runs: { type: 'string', default: '3' },
  duration: { type: 'string', default: '10' },
  warmup: { type: 'string', default: '3' },
  connections: { type: 'string', default: '50' },
  'latency-runs': { type: 'string', default: '3' },
  'latency-duration': { type: 'string', default: '5' },
  'paired-runs': { type: 'string', default: '0' },
  'paired-duration': { type: 'string', default: '5' },
  'paired-warmup': { type: 'string', default: '12' },
  soak: { type: 'string', default: '0' },
  'soak-interval': { type: 'string', default: '5' },
  placement: { type: 'string', default: 'split' },
  'latency-placement': { type: 'string', default: 'upstream-with-server' },
  profile: { type: 'boolean', default: false },
  gateway: { type: 'string' },
  'lock-wait': { type: 'string', default: '1800' },
  help: { type: 'boolean', default: false },
};

// Upper bounds keep every run finite even with a typo (an hour at most).
const LIMITS = {
  runs: [0, 100],
  duration: [1, 3600],
  warmup: [0, 600],
  connections: [1, 1000],
  'latency-runs': [0, 100],
  'latency-duration': [1, 600],
  'paired-runs': [0, 100],
  'paired-duration': [1, 600],
  'paired-warmup': [0, 600],
  soak: [0, 3600],
  'soak-interval': [1, 600],
  'lock-wait': [0, 86_400],
};

function number(name, text) {
  const value = Number(text);
  const [min, max] = LIMITS[name];
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`--${name} expects a whole number from ${min} to ${max}, got '${text}'`);
  }
  return value;
}

export function parseOptions(argv) {
  const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true });
  if (values.help) return { help: true };
  const scenarios = values.scenarios
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = scenarios.filter((s) => !SCENARIOS[s]);
  if (scenarios.length === 0 || unknown.length > 0) {
    throw new Error(
      `unknown scenario(s): ${unknown.join(', ') || '(none given)'}; known: ${Object.keys(SCENARIOS).join(', ')}`,
    );
  }
  for (const name of [values.placement, values['latency-placement']]) {
    if (!PLACEMENTS[name]) {
      throw new Error(`unknown placement '${name}'; known: ${Object.keys(PLACEMENTS).join(', ')}`);
    }
  }
  if (values.profile && values.soak !== '0') {
    throw new Error(
      '--profile and --soak do not mix: the profiler keeps every sample in memory, so RSS grows',
    );
  }
  const options = {
    scenarios: [...new Set(scenarios)],
    placement: values.placement,
    latencyPlacement: values['latency-placement'],
    profile: values.profile,
  };
  options.gateway = values.gateway;
  for (const name of Object.keys(LIMITS)) {
    options[name.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = number(name, values[name]);
  }
  return options;
}
