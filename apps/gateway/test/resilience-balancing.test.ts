/**
 * Balancing and outbound shaping through the real gateway: least_latency prefers the faster target but
 * still probes the other, least_busy spreads concurrent load, and a provider's max_concurrent queues
 * requests (or moves them to the next target when its queue is full).
 */
import {
  type MockServer,
  openaiAnswer,
  startMockServer,
  startTestGateway,
  type TestGateway,
} from '@switchyard/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Answer, chat, metric } from './resilience-kit.js';

let fast: MockServer;
let slow: MockServer;
let shaped: MockServer;
let gw: TestGateway;

const ok = openaiAnswer({ content: 'fine' }, 'stop', { input: 3, output: 1 });
const after = (ms: number) => async (req: Parameters<typeof ok>[0]) => ({
  ...(await ok(req)),
  delayHeadersMs: ms,
});

beforeAll(async () => {
  fast = await startMockServer(after(10));
  slow = await startMockServer(after(160));
  shaped = await startMockServer(after(100));
  const both = [
    { provider: 'fast', model: 'gpt-fast' },
    { provider: 'slow', model: 'gpt-slow' },
  ];
  gw = await startTestGateway({
    providers: {
      fast: { type: 'openai', base_url: `${fast.url}/v1`, api_key: 'kf' },
      slow: { type: 'openai', base_url: `${slow.url}/v1`, api_key: 'ks' },
      shaped: { type: 'openai', base_url: `${shaped.url}/v1`, api_key: 'kx', max_concurrent: 2 },
      narrow: {
        type: 'openai',
        base_url: `${shaped.url}/v1`,
        api_key: 'kn',
        max_concurrent: 1,
        queue_limit: 0,
      },
    },
    routes: [
      { name: 'latency', match: { models: ['latency'] }, strategy: 'least_latency', targets: both },
      { name: 'busy', match: { models: ['busy'] }, strategy: 'least_busy', targets: both },
      {
        name: 'shaped',
        match: { models: ['shaped'] },
        targets: [{ provider: 'shaped', model: 'gpt-shaped' }],
      },
      {
        name: 'narrow',
        match: { models: ['narrow'] },
        targets: [{ provider: 'narrow', model: 'gpt-narrow' }],
        fallback: [{ provider: 'fast', model: 'gpt-fast' }],
      },
    ],
    plugins: ['retry', 'circuit-breaker', 'metrics'],
  });
});
afterAll(async () => {
  await gw.close();
  await Promise.all([fast.close(), slow.close(), shaped.close()]);
});
beforeEach(() => {
  for (const m of [fast, slow, shaped]) m.reset();
});

/** `total` requests to `model`, `workers` at a time. */
async function load(model: string, total: number, workers: number): Promise<Answer[]> {
  const out: Answer[] = [];
  let sent = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (sent < total) {
        sent++;
        out.push(await chat(gw, model));
      }
    }),
  );
  return out;
}

describe('least_latency', () => {
  it('sends at least 80% of traffic to a target 150 ms faster after warm-up, and still probes the slow one', async () => {
    await load('latency', 10, 2); // warm-up: both measured
    expect(slow.calls.length).toBeGreaterThan(0);
    fast.reset();
    slow.reset();
    const answers = await load('latency', 200, 4);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const share = fast.calls.length / 200;
    expect(share).toBeGreaterThanOrEqual(0.8);
    expect(slow.calls.length).toBeGreaterThanOrEqual(1);
  });
});

describe('least_busy', () => {
  it('spreads concurrent requests over the targets with the fewest in flight', async () => {
    fast.setHandler(after(400));
    slow.setHandler(after(400));
    try {
      const answers = await Promise.all(Array.from({ length: 6 }, () => chat(gw, 'busy')));
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(fast.calls).toHaveLength(3);
      expect(slow.calls).toHaveLength(3);
      expect(fast.maxInflight).toBe(3);
    } finally {
      fast.setHandler(after(10));
      slow.setHandler(after(160));
    }
  });
});

describe('outbound shaping', () => {
  it('with max_concurrent: 2, 10 concurrent requests reach the upstream at most 2 at a time and all succeed', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => chat(gw, 'shaped')));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(shaped.calls).toHaveLength(10);
    expect(shaped.maxInflight).toBe(2);
    // Five waves of ~100 ms: queued, not refused.
    expect(Math.max(...answers.map((a) => a.ms))).toBeGreaterThanOrEqual(450);
  });

  it('a full queue moves the request on to its next target at once', async () => {
    shaped.setHandler(after(1000));
    const answers = await Promise.all(Array.from({ length: 3 }, () => chat(gw, 'narrow'))).finally(() =>
      shaped.setHandler(after(100)),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const providers = answers.map((a) => a.headers['x-switchyard-provider']).sort();
    expect(providers).toEqual(['fast', 'fast', 'narrow']);
    expect(shaped.calls).toHaveLength(1);
    for (const a of answers.filter((x) => x.headers['x-switchyard-provider'] === 'fast')) {
      expect(a.headers['x-switchyard-attempts']).toBe('2'); // one refused by the queue, one answered
      expect(a.ms).toBeLessThan(800); // did not wait for the narrow provider's slot (1 s)
    }
    expect(
      await metric(gw, 'switchyard_upstream_attempts_total', { provider: 'narrow', outcome: 'shaped' }),
    ).toBe(2);
    // Gateway-made refusals say nothing about the upstream's health: its circuit stays closed.
    expect(await metric(gw, 'switchyard_circuit_state', { provider: 'narrow' })).toBe(0);
  });
});
