#!/usr/bin/env node
/**
 * `pnpm bench`: the gateway against a thin node:http proxy, both in front of the same mock upstream on
 * 127.0.0.1, under autocannon. Prints a table, writes bench/results/bench-*.json. See docs/benchmarks.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOptions, USAGE } from './lib/args.mjs';
import { killChildrenOnExit, startNode, stop, stopAll } from './lib/children.mjs';
import { probe } from './lib/load.mjs';
import { acquireBenchLock } from './lib/lock.mjs';
import { addedLatency, alternate, latencyRounds, pairedRounds, ratios, soak } from './lib/phases.mjs';
import { choosePlacement, pinRunner, repin } from './lib/placement.mjs';
import { summarizeProfile } from './lib/profile.mjs';
import * as report from './lib/report.mjs';
import { SCENARIOS } from './scenarios.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH, '..');
const RESULTS = join(BENCH, 'results');
const DEFAULT_GATEWAY = join(ROOT, 'apps/gateway/dist/cli.js');
const BUSY_LOAD = 0.5;
const BUILD_TIMEOUT_MS = 10 * 60_000;

function ensureGatewayBuilt(cli) {
  if (existsSync(cli)) return;
  if (cli !== DEFAULT_GATEWAY) throw new Error(`${cli} does not exist`);
  console.log('apps/gateway/dist is missing: building the gateway and its packages first');
  const build = spawnSync('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=@switchyard/gateway...'], {
    cwd: ROOT,
    stdio: 'inherit',
    timeout: BUILD_TIMEOUT_MS,
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
  });
  if (build.status !== 0 || !existsSync(cli))
    throw new Error('the gateway build failed; run `pnpm build` and retry');
}

function machine() {
  let commit;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
  } catch {}
  return {
    cpu: cpus()[0]?.model,
    cpus: cpus().length,
    memory_gb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    commit,
    loadavg_at_start: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** The targets: one gateway per scenario, and the proxy and direct baselines once per workload. */
function planTargets(scenarios, processes) {
  const gateways = [];
  const proxies = new Map();
  const directs = new Map();
  for (const name of scenarios) {
    const request = SCENARIOS[name].request ?? {};
    const workload = JSON.stringify(request);
    const suffix = workload === '{}' ? '' : `:${name}`;
    gateways.push({
      id: `gateway:${name}`,
      kind: 'gateway',
      workload,
      request,
      handle: processes.gateways.get(name),
    });
    if (!proxies.has(workload)) {
      proxies.set(workload, {
        id: `proxy${suffix}`,
        kind: 'proxy',
        workload,
        request,
        handle: processes.proxy,
      });
      directs.set(workload, {
        id: `direct${suffix}`,
        kind: 'direct',
        workload,
        request,
        handle: processes.upstream,
      });
    }
  }
  // Throughput: each gateway, then its workload's proxy the first time it is needed: G P G P ...
  const placed = new Set();
  const throughput = [];
  for (const g of gateways) {
    throughput.push(g);
    if (!placed.has(g.workload)) throughput.push(proxies.get(g.workload));
    placed.add(g.workload);
  }
  const latency = [...directs.keys()].flatMap((w) => [
    directs.get(w),
    proxies.get(w),
    ...gateways.filter((g) => g.workload === w),
  ]);
  return { gateways, throughput, latency };
}

async function startProcesses(options, placement, profileDir) {
  const env = { NODE_ENV: 'production' };
  const upstream = await startNode({
    name: 'mock upstream',
    args: [join(BENCH, 'servers/mock-upstream.mjs')],
    env,
    cpus: placement.upstream,
  });
  const proxy = await startNode({
    name: 'thin proxy',
    args: [join(BENCH, 'servers/thin-proxy.mjs')],
    env: { ...env, UPSTREAM_URL: upstream.url, TARGET_MODEL: 'gpt-4o-mini' },
    cpus: placement.server,
  });
  const gateways = new Map();
  for (const name of options.scenarios) {
    const profile = profileDir
      ? ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `gateway-${name}.cpuprofile`]
      : [];
    const config = join(BENCH, 'configs', SCENARIOS[name].config);
    const handle = await startNode({
      name: `gateway (${name})`,
      args: [...profile, options.gateway, '--config', config],
      env: { ...env, BENCH_UPSTREAM_URL: upstream.url },
      cpus: placement.server,
    });
    gateways.set(name, handle);
  }
  return { upstream, proxy, gateways };
}

function pids(processes) {
  return {
    runner: process.pid,
    upstream: processes.upstream.pid,
    servers: [processes.proxy.pid, ...[...processes.gateways.values()].map((g) => g.pid)],
  };
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) return console.log(USAGE);
  options.gateway = resolve(options.gateway ?? DEFAULT_GATEWAY);
  ensureGatewayBuilt(options.gateway);
  killChildrenOnExit();
  await acquireBenchLock({ waitS: options.lockWait });
  const result = { started_at: new Date().toISOString(), machine: machine(), options };
  // Both chosen before the runner is pinned: a pinned process sees one CPU.
  const placement = choosePlacement(options.placement);
  const latencyPlacement = choosePlacement(options.latencyPlacement);
  result.placement = placement;
  pinRunner(placement);

  console.log(
    `switchyard bench  ${result.started_at}  ${result.machine.cpus} x ${result.machine.cpu}  node ${process.version}`,
  );
  console.log(
    `placement ${placement.name}: ${placement.about}${placement.fallback ? ` (fallback: ${placement.fallback})` : ''}`,
  );
  if (result.machine.loadavg_at_start[0] > BUSY_LOAD) {
    console.log(
      `warning: load average ${result.machine.loadavg_at_start[0]} before starting; other work shares these CPUs`,
    );
  }

  const profileDir = options.profile
    ? join(RESULTS, `profiles-${result.started_at.replace(/[:.]/g, '-')}`)
    : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const processes = await startProcesses(options, placement, profileDir);
  const plan = planTargets(options.scenarios, processes);
  for (const target of [...plan.throughput, ...plan.latency]) await probe(target.handle.url, target.request);
  const upstream = processes.upstream;

  let failures = 0;
  if (options.runs > 0) {
    console.log(
      `\nthroughput: ${options.connections} connections, ${options.runs} x ${options.duration} s per target (+${options.warmup} s warm-up each)`,
    );
    const summaries = await alternate(plan.throughput, {
      rounds: options.runs,
      connections: options.connections,
      seconds: options.duration,
      warmup: options.warmup,
      upstream,
      log: (round, target, run) => console.log(report.runLine(round, target, run)),
    });
    result.throughput = { summaries, ratios: ratios(summaries) };
    failures += summaries.reduce((n, s) => n + s.failures, 0);
    console.log(
      `\n${report.throughputTable(summaries, result.throughput.ratios)}${report.noiseWarning(summaries)}`,
    );
  }
  if (options.latencyRuns > 0) {
    result.latency_placement = latencyPlacement;
    repin(latencyPlacement, pids(processes));
    console.log(`\nlatency: 1 connection, ${options.latencyRuns} x ${options.latencyDuration} s per target`);
    console.log(`placement ${latencyPlacement.name}: ${latencyPlacement.about}`);
    const summaries = await latencyRounds(plan.latency, {
      rounds: options.latencyRuns,
      seconds: options.latencyDuration,
      upstream,
      log: (round, target, run) => console.log(report.runLine(round, target, run)),
    });
    result.latency = { summaries, added: addedLatency(summaries) };
    failures += summaries.reduce((n, s) => n + s.failures, 0);
    console.log(`\n${report.latencyTable(summaries, result.latency.added)}${report.noiseWarning(summaries)}`);
    repin(placement, pids(processes));
  }
  if (options.pairedRuns > 0 && plan.gateways.length > 1) {
    const [base, ...others] = plan.gateways;
    console.log(
      `\npaired: each gateway and ${base.id} loaded at once (${options.connections} connections each), sharing the server CPU; ${options.pairedRuns} x ${options.pairedDuration} s`,
    );
    result.paired = [];
    for (const other of others) {
      const paired = await pairedRounds(base, other, {
        rounds: options.pairedRuns,
        connections: options.connections,
        seconds: options.pairedDuration,
        warmup: options.pairedWarmup,
        upstream,
        log: (round, run) => console.log(report.pairedLine(round, other, base, run)),
      });
      result.paired.push(paired);
      failures += paired.failures;
    }
    console.log(`\n${report.pairedTable(result.paired)}`);
  }
  if (options.soak > 0) {
    const target = plan.gateways[0];
    console.log(
      `\nsoak: ${target.id}, ${options.connections} connections, ${options.soak} s, RSS every ${options.soakInterval} s`,
    );
    result.soak = await soak(target, {
      seconds: options.soak,
      intervalS: options.soakInterval,
      connections: options.connections,
      warmup: options.warmup,
      upstream,
    });
    failures += result.soak.failures;
    console.log(report.soakReport(result.soak));
  }

  // Stopping gracefully lets each gateway write its CPU profile.
  await Promise.all([...processes.gateways.values()].map(stop));
  if (profileDir) {
    result.profiles = readdirSync(profileDir).map((f) => summarizeProfile(join(profileDir, f)));
    for (const summary of result.profiles) console.log(`\n${report.profileReport(summary)}`);
  }
  result.finished_at = new Date().toISOString();
  result.machine.loadavg_at_end = loadavg().map((l) => Math.round(l * 100) / 100);
  console.log(`\nresults: ${report.writeResults(RESULTS, result)}`);
  if (failures > 0) {
    console.error(`${failures} request(s) failed during measurement: the figures above are not valid`);
    process.exitCode = 1;
  }
}

main()
  .catch((err) => {
    console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  })
  .finally(() => stopAll());
