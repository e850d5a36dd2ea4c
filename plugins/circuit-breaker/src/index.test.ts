/** The breaker plugin driven through its hooks with real opossum breakers (short reset_timeout). */
import { EventEmitter } from 'node:events';
import {
  type AttemptOutcome,
  errors,
  type GatewayConfig,
  type GatewayError,
  type PluginInstance,
  type RequestContext,
  type Services,
  type Target,
  UpstreamError,
} from '@switchyard/core';
import * as v from 'valibot';
import { afterEach, describe, expect, it } from 'vitest';
import plugin, { CLOSED, HALF_OPEN, OPEN } from './index.js';
import { schema } from './options.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const target = (provider: string, model?: string) =>
  ({ key: `${provider}/${model ?? '*'}`, provider, model, weight: 1 }) as Target;
const A = target('a', 'm');
const B = target('b', 'n');

function config(routeTargets = [{ provider: 'a', model: 'm' }]): GatewayConfig {
  return {
    routes: [
      { name: 'r', strategy: 'priority', targets: routeTargets, fallback: [{ provider: 'b', model: 'n' }] },
    ],
    providers: { a: { models: [] }, b: { models: ['x'] } },
  } as unknown as GatewayConfig;
}

const events = new EventEmitter();
let services: Services;
const instances: PluginInstance[] = [];

async function setup(options: object = {}, previous?: PluginInstance, cfg = config()) {
  const instance = await plugin.setup(
    v.parse(schema, { volume_threshold: 4, reset_timeout: '150ms', ...options }),
    {
      config: cfg,
      previous,
      events: events as never,
      log: silent,
      providers: new Map(),
      services,
    },
  );
  instances.push(instance);
  return instance;
}

const ctx = () => ({ state: {} }) as RequestContext;
const outcome = (t: Target, error?: GatewayError): AttemptOutcome => ({
  target: t,
  attemptOnTarget: 1,
  attempt: 1,
  ok: !error,
  status: error?.status ?? 200,
  error,
  durationMs: 1,
});
const serverError = () => new UpstreamError(500, 'server_error', 'boom', { retryable: true });
const stateOf = (key: string) =>
  services.circuits!.states().find((s) => `${s.provider}/${s.model}` === key)?.state;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function open(instance: PluginInstance, t = A) {
  for (let i = 0; i < 4; i++) instance.hooks!.onAttempt!(outcome(t, serverError()), ctx());
  await sleep(5); // opossum settles each result on a promise
}

afterEach(async () => {
  for (const i of instances.splice(0)) await i.close?.();
  services = {};
});
services = {};

describe('circuit-breaker', () => {
  it('has one breaker per configured target, advertised models included, all closed', async () => {
    await setup();
    expect(services.circuits!.states()).toEqual([
      { provider: 'a', model: 'm', state: CLOSED },
      { provider: 'b', model: 'n', state: CLOSED },
      { provider: 'b', model: 'x', state: CLOSED },
    ]);
  });

  it('opens after volume_threshold failures over the threshold and removes the target from selection', async () => {
    const instance = await setup();
    const filter = instance.hooks!.filterTargets!;
    instance.hooks!.onAttempt!(outcome(A, serverError()), ctx());
    instance.hooks!.onAttempt!(outcome(A, serverError()), ctx());
    await sleep(5);
    expect(stateOf('a/m')).toBe(CLOSED); // under the volume threshold
    await open(instance);
    expect(stateOf('a/m')).toBe(OPEN);
    expect(services.circuits!.isOpen('a/m')).toBe(true);
    expect(await filter([A, B], ctx())).toEqual([B]);
  });

  it('stays closed while failures are not above the threshold', async () => {
    const instance = await setup({ error_threshold_percent: 50 });
    for (let i = 0; i < 6; i++)
      instance.hooks!.onAttempt!(outcome(A, i % 2 ? serverError() : undefined), ctx());
    await sleep(5);
    expect(stateOf('a/m')).toBe(CLOSED);
  });

  it('does not count client errors or failures the upstream did not cause', async () => {
    const instance = await setup();
    const badRequest = new UpstreamError(400, 'invalid_request_error', 'bad', { retryable: false });
    for (let i = 0; i < 8; i++) {
      instance.hooks!.onAttempt!(outcome(A, badRequest), ctx());
      instance.hooks!.onAttempt!(outcome(A, errors.clientClosed()), ctx());
    }
    await sleep(5);
    expect(stateOf('a/m')).toBe(CLOSED);
  });

  it('after reset_timeout lets exactly one trial through; its success closes the circuit', async () => {
    const instance = await setup();
    const hooks = instance.hooks!;
    await open(instance);
    await sleep(200);
    expect(stateOf('a/m')).toBe(HALF_OPEN);
    const trial = ctx();
    expect(await hooks.filterTargets!([A, B], trial)).toEqual([A, B]);
    expect(await hooks.filterTargets!([A], trial)).toEqual([A]); // the same request may list it twice
    expect(await hooks.filterTargets!([A, B], ctx())).toEqual([B]); // everyone else waits for the trial
    hooks.onAttempt!(outcome(A), trial);
    await sleep(5);
    expect(stateOf('a/m')).toBe(CLOSED);
    expect(await hooks.filterTargets!([A, B], ctx())).toEqual([A, B]);
  });

  it('a failed trial opens the circuit again; an unused trial is released when its request ends', async () => {
    const instance = await setup();
    const hooks = instance.hooks!;
    await open(instance);
    await sleep(200);
    const unused = ctx();
    await hooks.filterTargets!([A, B], unused);
    hooks.onResponse!(unused, { kind: 'json', status: 200, body: {} });
    const trial = ctx();
    expect(await hooks.filterTargets!([A], trial)).toEqual([A]);
    hooks.onAttempt!(outcome(A, serverError()), trial);
    await sleep(5);
    expect(stateOf('a/m')).toBe(OPEN);
  });

  it('counts a stream that broke after its first byte as a failure', async () => {
    await setup();
    const c = { ...ctx(), target: A } as RequestContext;
    for (let i = 0; i < 4; i++) events.emit('stream:error', c, serverError());
    await sleep(5);
    expect(stateOf('a/m')).toBe(OPEN);
  });

  it('a reload keeps the state of unchanged targets and shuts down removed ones', async () => {
    const first = await setup();
    await open(first);
    await open(first, B);
    const removed = (
      first as unknown as { entries: Map<string, { breaker: { isShutdown: boolean } }> }
    ).entries.get('b/n')!;
    const cfg = config();
    cfg.routes[0]!.fallback = [];
    const second = await setup({}, first, cfg);
    expect(stateOf('a/m')).toBe(OPEN);
    expect(stateOf('b/n')).toBeUndefined();
    expect(removed.breaker.isShutdown).toBe(true);
    expect(await second.hooks!.filterTargets!([A], ctx())).toEqual([]);
  });

  it('a reload that changes the options starts every breaker afresh', async () => {
    const first = await setup();
    await open(first);
    await setup({ reset_timeout: '10s' }, first);
    expect(stateOf('a/m')).toBe(CLOSED);
  });

  it('close() shuts every breaker down and withdraws the service', async () => {
    const instance = await setup();
    await instance.close!();
    instances.length = 0;
    expect(services.circuits).toBeUndefined();
  });
});
