/**
 * Retries and fallback through the real gateway against scripted upstreams: what is retried and what is
 * not, retry-after honoured within the deadline, fallback with each target's own model and provider
 * translation, x-switchyard-no-retry, and the whole-request deadline over retries × fallbacks.
 */
import {
  anthropicKit,
  type MockServer,
  openaiAnswer,
  openaiError,
  startMockServer,
  startTestGateway,
  type TestGateway,
} from '@switchyard/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chat, metric } from './resilience-kit.js';

let primary: MockServer;
let backup: MockServer;
let claude: MockServer;
let gw: TestGateway;

const ok = openaiAnswer({ content: 'fine' }, 'stop', { input: 3, output: 1 });
const fail = (status: number, headers: Record<string, string> = {}) => ({
  status,
  headers,
  body: { error: { message: `upstream says ${status}`, type: 'server_error', param: null, code: null } },
});

beforeAll(async () => {
  primary = await startMockServer(ok);
  backup = await startMockServer(ok);
  claude = await startMockServer(anthropicKit.text('from claude', { input: 3, output: 2 }));
  const p = { type: 'openai', base_url: `${primary.url}/v1`, api_key: 'kp' };
  const primaryTarget = [{ provider: 'primary', model: 'gpt-primary' }];
  gw = await startTestGateway({
    providers: {
      primary: p,
      backup: { type: 'openai', base_url: `${backup.url}/v1`, api_key: 'kb' },
      claude: { type: 'anthropic', ...anthropicKit.providerConfig(claude.url) },
      // Port 1 on loopback: nothing listens, so every connection is refused.
      dead: { type: 'openai', base_url: 'http://127.0.0.1:1/v1', api_key: 'kd' },
    },
    routes: [
      { name: 'solo', match: { models: ['solo'] }, targets: primaryTarget },
      {
        name: 'chain',
        match: { models: ['chain'] },
        targets: primaryTarget,
        fallback: [{ provider: 'backup', model: 'gpt-backup' }],
      },
      {
        name: 'cross',
        match: { models: ['cross'] },
        targets: primaryTarget,
        fallback: [{ provider: 'claude', model: 'claude-haiku-4-5' }],
      },
      {
        name: 'unreachable',
        match: { models: ['unreachable'] },
        targets: [{ provider: 'dead', model: 'gpt-dead' }],
        fallback: [{ provider: 'backup', model: 'gpt-backup' }],
      },
      { name: 'tight', match: { models: ['tight'] }, timeout: '800ms', targets: primaryTarget },
      {
        name: 'tight-chain',
        match: { models: ['tight-chain'] },
        timeout: '800ms',
        targets: primaryTarget,
        fallback: [{ provider: 'backup', model: 'gpt-backup' }],
      },
    ],
    plugins: [
      { retry: { attempts: 3, backoff: { initial: '50ms', max: '2s', multiplier: 2, jitter: 0 } } },
      'metrics',
    ],
  });
});
afterAll(async () => {
  await gw.close();
  await Promise.all([primary.close(), backup.close(), claude.close()]);
});
beforeEach(() => {
  for (const m of [primary, backup, claude]) m.reset();
});

describe('retries', () => {
  it('500, 500, 200 → 200 with x-switchyard-attempts: 3, after the backoff waits', async () => {
    primary.enqueue(fail(500), fail(500));
    const res = await chat(gw, 'solo');
    expect(res.status).toBe(200);
    expect(res.headers['x-switchyard-attempts']).toBe('3');
    expect(primary.calls).toHaveLength(3);
    const [a, b, c] = primary.calls.map((call) => call.at);
    expect(b! - a!).toBeGreaterThanOrEqual(45); // initial 50 ms
    expect(c! - b!).toBeGreaterThanOrEqual(95); // × multiplier 2
  });

  it('an upstream 400 → 400 with its message, one upstream call, no fallback', async () => {
    primary.enqueue(openaiError('bad_request', { message: "Invalid value for 'temperature'." }));
    const res = await chat(gw, 'chain');
    expect(res.status).toBe(400);
    expect(res.json.error.message).toBe("Invalid value for 'temperature'.");
    expect(res.headers['x-switchyard-attempts']).toBe('1');
    expect(primary.calls).toHaveLength(1);
    expect(backup.calls).toHaveLength(0);
  });

  it('529 overloaded is retried', async () => {
    primary.enqueue(fail(529));
    const res = await chat(gw, 'solo');
    expect(res.status).toBe(200);
    expect(res.headers['x-switchyard-attempts']).toBe('2');
  });

  it('a status not in on_status is not retried; fallback still moves on', async () => {
    primary.enqueue(fail(501));
    const res = await chat(gw, 'chain');
    expect(res.status).toBe(200);
    expect(primary.calls).toHaveLength(1);
    expect(res.headers['x-switchyard-provider']).toBe('backup');
  });

  it('refused connections are retried, then the fallback answers', async () => {
    const res = await chat(gw, 'unreachable');
    expect(res.status).toBe(200);
    expect(res.headers['x-switchyard-attempts']).toBe('4');
    expect(res.headers['x-switchyard-provider']).toBe('backup');
  });

  it('x-switchyard-no-retry: true allows one attempt per target (fallback still applies)', async () => {
    primary.setHandler(() => fail(500));
    try {
      const res = await chat(gw, 'chain', { headers: { 'x-switchyard-no-retry': 'true' } });
      expect(res.status).toBe(200);
      expect(res.headers['x-switchyard-attempts']).toBe('2');
      expect(primary.calls).toHaveLength(1);
      const solo = await chat(gw, 'solo', { headers: { 'x-switchyard-no-retry': 'true' } });
      expect(solo.status).toBe(502);
      expect(primary.calls).toHaveLength(2);
    } finally {
      primary.setHandler(ok);
    }
  });
});

describe('retry-after', () => {
  it('a 429 with retry-after: 1 → the next attempt waits at least 1 s', async () => {
    primary.enqueue(fail(429, { 'retry-after': '1' }));
    const res = await chat(gw, 'solo');
    expect(res.status).toBe(200);
    expect(primary.calls).toHaveLength(2);
    expect(primary.calls[1]!.at - primary.calls[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('retry-after-ms is honoured too', async () => {
    primary.enqueue(fail(429, { 'retry-after-ms': '400' }));
    const res = await chat(gw, 'solo');
    expect(res.status).toBe(200);
    expect(primary.calls[1]!.at - primary.calls[0]!.at).toBeGreaterThanOrEqual(400);
  });

  it('never waits past the deadline: with nothing else to try, the 429 goes back to the client at once', async () => {
    primary.enqueue(fail(429, { 'retry-after': '1' }));
    const res = await chat(gw, 'tight'); // 800 ms deadline
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('1');
    expect(primary.calls).toHaveLength(1);
    expect(res.ms).toBeLessThan(700);
  });

  it('never waits past the deadline: the fallback answers at once instead', async () => {
    primary.enqueue(fail(429, { 'retry-after': '1' }));
    const res = await chat(gw, 'tight-chain');
    expect(res.status).toBe(200);
    expect(res.headers['x-switchyard-provider']).toBe('backup');
    expect(primary.calls).toHaveLength(1);
    expect(res.ms).toBeLessThan(700);
  });

  it('a retry-after longer than backoff.max moves on instead of waiting', async () => {
    primary.enqueue(fail(503, { 'retry-after': '30' }));
    const res = await chat(gw, 'chain');
    expect(res.status).toBe(200);
    expect(res.headers['x-switchyard-provider']).toBe('backup');
    expect(res.ms).toBeLessThan(1500);
  });
});

describe('fallback', () => {
  it('primary failing → the fallback answers with its own model; headers name what answered', async () => {
    primary.setHandler(() => fail(500));
    try {
      const before = (await metric(gw, 'switchyard_fallbacks_total', { route: 'chain' })) ?? 0;
      const res = await chat(gw, 'chain');
      expect(res.status).toBe(200);
      expect(primary.calls.map((c) => c.json.model)).toEqual(['gpt-primary', 'gpt-primary', 'gpt-primary']);
      expect(backup.calls.map((c) => c.json.model)).toEqual(['gpt-backup']);
      expect(res.headers['x-switchyard-provider']).toBe('backup');
      expect(res.headers['x-switchyard-model']).toBe('gpt-backup');
      expect(res.headers['x-switchyard-attempts']).toBe('4');
      expect(await metric(gw, 'switchyard_fallbacks_total', { route: 'chain' })).toBe(before + 1);
      expect(
        await metric(gw, 'switchyard_upstream_attempts_total', {
          provider: 'primary',
          outcome: 'server_error',
        }),
      ).toBeGreaterThanOrEqual(3);
    } finally {
      primary.setHandler(ok);
    }
  });

  it('a fallback of another provider type gets its own model in its own wire format', async () => {
    primary.setHandler(() => fail(503));
    try {
      const res = await chat(gw, 'cross');
      expect(res.status).toBe(200);
      expect(res.json.object).toBe('chat.completion');
      expect(res.json.choices[0].message.content).toBe('from claude');
      expect(claude.calls).toHaveLength(1);
      expect(claude.calls[0]!.path).toBe('/v1/messages');
      expect(anthropicKit.inspect(claude.calls[0]!).model).toBe('claude-haiku-4-5');
      expect(res.headers['x-switchyard-provider']).toBe('claude');
      expect(res.headers['x-switchyard-model']).toBe('claude-haiku-4-5');
    } finally {
      primary.setHandler(ok);
    }
  });
});

describe('request deadline', () => {
  it('bounds retries × fallbacks: slow failures end in 504 shortly after the route timeout', async () => {
    const slowFailure = { ...fail(500), delayHeadersMs: 350 };
    primary.setHandler(() => slowFailure);
    backup.setHandler(() => slowFailure);
    try {
      const res = await chat(gw, 'tight-chain'); // 800 ms deadline
      expect(res.status).toBe(504);
      expect(res.json.error.type).toBe('upstream_timeout');
      expect(res.ms).toBeGreaterThanOrEqual(750);
      expect(res.ms).toBeLessThan(1600);
      expect(primary.calls.length + backup.calls.length).toBeLessThanOrEqual(3);
    } finally {
      primary.setHandler(ok);
      backup.setHandler(ok);
    }
  });
});
