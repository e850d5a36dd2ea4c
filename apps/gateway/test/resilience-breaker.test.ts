/**
 * Circuit breakers through the real gateway: an open target gets no traffic (the fallback serves, or
 * 503 when nothing is left) until reset_timeout, then exactly one trial; the state is exported as
 * switchyard_circuit_state; a reload keeps the breaker of an unchanged target.
 */
import {
  type MockServer,
  openaiAnswer,
  startMockServer,
  startTestGateway,
  type TestGateway,
} from '@switchyard/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chat, metric, sleep } from './resilience-kit.js';

let primary: MockServer;
let backup: MockServer;
let gw: TestGateway;

const ok = openaiAnswer({ content: 'fine' }, 'stop', { input: 3, output: 1 });
const failing = () => ({ status: 500, body: { error: { message: 'down', type: 'server_error' } } });

const config = (extraRoute = false) => ({
  providers: {
    primary: { type: 'openai', base_url: `${primary.url}/v1`, api_key: 'kp' },
    backup: { type: 'openai', base_url: `${backup.url}/v1`, api_key: 'kb' },
  },
  routes: [
    {
      name: 'chain',
      match: { models: ['chain'] },
      targets: [{ provider: 'primary', model: 'gpt-primary' }],
      fallback: [{ provider: 'backup', model: 'gpt-backup' }],
    },
    { name: 'solo', match: { models: ['solo'] }, targets: [{ provider: 'primary', model: 'gpt-primary' }] },
    ...(extraRoute
      ? [{ name: 'extra', match: { models: ['extra'] }, targets: [{ provider: 'backup' }] }]
      : []),
  ],
  plugins: [
    {
      'circuit-breaker': {
        error_threshold_percent: 50,
        volume_threshold: 4,
        rolling_window: '10s',
        reset_timeout: '1500ms',
      },
    },
    'metrics',
  ],
});

const state = () => metric(gw, 'switchyard_circuit_state', { provider: 'primary', model: 'gpt-primary' });

beforeAll(async () => {
  primary = await startMockServer(ok);
  backup = await startMockServer(ok);
  gw = await startTestGateway(config());
});
afterAll(async () => {
  await gw.close();
  await Promise.all([primary.close(), backup.close()]);
});
beforeEach(() => {
  primary.reset();
  backup.reset();
});

/** Fail the primary until its circuit opens (earlier tests' successes stay in the rolling window). */
async function openPrimary() {
  primary.setHandler(failing);
  for (let i = 0; i < 30 && (await state()) !== 2; i++) {
    expect((await chat(gw, 'chain')).headers['x-switchyard-provider']).toBe('backup');
    await sleep(5);
  }
  expect(await state()).toBe(2);
}

describe('circuit breaker', () => {
  it('after opening, the target gets no traffic until reset_timeout, then exactly one trial', async () => {
    expect(await state()).toBe(0);
    await openPrimary();
    const openedAt = performance.now();
    primary.reset();

    for (let i = 0; i < 5; i++) {
      const res = await chat(gw, 'chain');
      expect(res.status).toBe(200);
      expect(res.headers['x-switchyard-provider']).toBe('backup');
      expect(res.headers['x-switchyard-attempts']).toBe('1'); // removed from selection, not failed fast
    }
    const solo = await chat(gw, 'solo');
    expect(solo.status).toBe(503);
    expect(solo.json.error.type).toBe('service_unavailable');
    expect(primary.calls).toHaveLength(0);
    expect(await state()).toBe(2);

    expect(performance.now() - openedAt).toBeLessThan(1400); // everything above happened while open
    await sleep(Math.max(0, 1600 - (performance.now() - openedAt)));
    expect(await state()).toBe(1);
    // The trial is slow: requests arriving meanwhile keep going to the fallback.
    primary.setHandler(async (req) => ({ ...(await ok(req)), delayHeadersMs: 600 }));
    const answers = await Promise.all(
      Array.from({ length: 4 }, (_, i) => sleep(i * 40).then(() => chat(gw, 'chain'))),
    );
    expect(primary.calls).toHaveLength(1);
    expect(answers.map((a) => a.headers['x-switchyard-provider']).sort()).toEqual([
      'backup',
      'backup',
      'backup',
      'primary',
    ]);
    expect(await state()).toBe(0);
    primary.setHandler(ok);
    expect((await chat(gw, 'chain')).headers['x-switchyard-provider']).toBe('primary');
  });

  it('a failed trial opens the circuit again', async () => {
    await openPrimary();
    await sleep(1600);
    primary.reset();
    expect((await chat(gw, 'chain')).headers['x-switchyard-provider']).toBe('backup');
    expect(primary.calls).toHaveLength(1); // the trial, which failed
    expect(await state()).toBe(2);
    expect((await chat(gw, 'chain')).headers['x-switchyard-attempts']).toBe('1');
    expect(primary.calls).toHaveLength(1);
    primary.setHandler(ok);
    await sleep(1600);
    await chat(gw, 'chain');
    expect(await state()).toBe(0);
  });

  it('client errors do not open the circuit', async () => {
    primary.setHandler(() => ({
      status: 400,
      body: { error: { message: 'bad', type: 'invalid_request_error', param: null, code: null } },
    }));
    try {
      for (let i = 0; i < 8; i++) expect((await chat(gw, 'chain')).status).toBe(400);
      await sleep(20);
      expect(await state()).toBe(0);
      expect(backup.calls).toHaveLength(0);
    } finally {
      primary.setHandler(ok);
    }
  });

  it('a reload keeps the open state of an unchanged target', async () => {
    await openPrimary();
    primary.reset();
    gw.writeConfig(config(true));
    for (let i = 0; i < 80 && (await chat(gw, 'extra')).status !== 200; i++) await sleep(25);
    expect(await state()).toBe(2);
    expect((await chat(gw, 'chain')).headers['x-switchyard-provider']).toBe('backup');
    expect(primary.calls).toHaveLength(0);
    primary.setHandler(ok);
    await sleep(1600);
    await chat(gw, 'chain');
    expect(await state()).toBe(0);
  });
});
