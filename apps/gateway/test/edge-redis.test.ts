/**
 * Shared state over a real Redis: two gateway replicas keep one exact global limit and one cache; and a
 * Redis that goes away in the middle of a run (a throwaway redis-server this test stops, pauses and
 * restarts — never the machine's own) does not fail requests, is logged once per interval, and is used
 * again once it is back.
 */
import { createHash } from 'node:crypto';
import { createClient } from '@redis/client';
import {
  LOCAL_REDIS_URL,
  startThrowawayRedis,
  type ThrowawayRedis,
  uniquePrefix,
} from '@switchyard/redis/testing';
import {
  type MockServer,
  openaiAnswer,
  startMockServer,
  startTestGateway,
  type TestGateway,
} from '@switchyard/testing';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const KEY = 'sk-key-a-0123456789abcdef';

let mock: MockServer;
let answers = 0;
const gateways: TestGateway[] = [];

beforeAll(async () => {
  mock = await startMockServer((req) =>
    openaiAnswer({ content: `answer ${++answers}` }, 'stop', { input: 5, output: 2 })(req),
  );
});
afterAll(() => mock.close());
afterEach(async () => {
  for (const gw of gateways.splice(0)) await gw.close();
  mock.reset();
});

function config(redisUrl: string, rateLimit: Record<string, unknown>, cache: Record<string, unknown>) {
  return {
    redis: { url: redisUrl },
    providers: { up: { type: 'openai', base_url: `${mock.url}/v1`, api_key: 'sk-upstream' } },
    routes: [
      { name: 'chat', match: { models: ['fast'] }, targets: [{ provider: 'up', model: 'gpt-4o-mini' }] },
    ],
    plugins: [
      { auth: { keys: [{ name: 'a', key_sha256: sha(KEY) }] } },
      { 'rate-limit': { store: 'redis', ...rateLimit } },
      { cache: { store: 'redis', ttl: '1m', ...cache } },
      'metrics',
    ],
  };
}

async function gateway(cfg: object) {
  const gw = await startTestGateway(cfg);
  gateways.push(gw);
  return gw;
}

async function chat(gw: TestGateway, content = 'hello', headers: Record<string, string> = {}) {
  const res = await request(`${gw.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}`, ...headers },
    body: JSON.stringify({ model: 'fast', messages: [{ role: 'user', content }] }),
  });
  const body = (await res.body.json()) as any;
  return { status: res.statusCode, cache: res.headers['x-switchyard-cache'], body };
}

const redisLines = (gw: TestGateway, level: number) =>
  gw.logs.filter(
    (l) => l.level === level && typeof l.msg === 'string' && (l.msg as string).startsWith('redis'),
  );
const redisUp = async (gw: TestGateway) => {
  const text = await (await request(`${gw.url}/metrics`)).body.text();
  return /^switchyard_redis_up (\d)/m.exec(text)?.[1];
};
const WARN = 40;
const INFO = 30;

describe('two replicas on one Redis', () => {
  it('a global limit of 10 per minute: 30 concurrent requests spread over both → 10 allowed', async () => {
    const cfg = config(
      LOCAL_REDIS_URL,
      { prefix: uniquePrefix('rl'), rules: [{ scope: 'global', requests_per_minute: 10 }] },
      { prefix: uniquePrefix('cache') },
    );
    const replicas = [await gateway(cfg), await gateway(cfg)];
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        chat(replicas[i % 2]!, `question ${i}`, { 'x-switchyard-no-cache': 'true' }),
      ),
    );
    const allowed = results.filter((r) => r.status === 200).length;
    expect(allowed).toBeGreaterThanOrEqual(9);
    expect(allowed).toBeLessThanOrEqual(11);
    expect(results.filter((r) => r.status === 429)).toHaveLength(30 - allowed);
    expect(mock.calls).toHaveLength(allowed);
  });

  it('an answer stored through one replica is a hit on the other', async () => {
    const cfg = config(
      LOCAL_REDIS_URL,
      { prefix: uniquePrefix('rl'), rules: [{ scope: 'key', requests_per_minute: 100 }] },
      { prefix: uniquePrefix('cache') },
    );
    const [one, two] = [await gateway(cfg), await gateway(cfg)];
    const first = await chat(one!);
    expect(first.cache).toBe('miss');
    await new Promise((r) => setTimeout(r, 50)); // the store is written after the answer was sent
    const second = await chat(two!);
    expect(second.cache).toBe('hit');
    expect(second.body.choices[0].message.content).toBe(first.body.choices[0].message.content);
    expect(mock.calls).toHaveLength(1);
  });
});

describe('Redis goes away in the middle of a run', () => {
  let redis: ThrowawayRedis;
  beforeAll(async () => {
    redis = await startThrowawayRedis();
  });
  afterAll(() => redis.stop());

  it('serves on (limits in memory, cache misses), logs once, and uses Redis again when it is back', async () => {
    const rlPrefix = uniquePrefix('rl');
    const gw = await gateway(
      config(
        redis.url,
        { prefix: rlPrefix, rules: [{ name: 'per-key', scope: 'key', requests_per_minute: 20 }] },
        {},
      ),
    );
    expect((await chat(gw)).cache).toBe('miss');
    await new Promise((r) => setTimeout(r, 50));
    expect((await chat(gw)).cache).toBe('hit');

    expect(await redisUp(gw)).toBe('1');
    await redis.stop();
    const during = [];
    for (let i = 0; i < 25; i++) during.push(await chat(gw));
    // Every request is answered (not from the cache) until the in-memory stand-in's own 20 are used up.
    expect(during.slice(0, 20).map((r) => [r.status, r.cache])).toEqual(Array(20).fill([200, 'miss']));
    expect(during.slice(20).map((r) => r.status)).toEqual(Array(5).fill(429));
    expect(redisLines(gw, WARN)).toHaveLength(1);
    expect(redisLines(gw, WARN)[0]!.msg).toMatch(/^redis unavailable/);
    expect(await redisUp(gw)).toBe('0');

    await redis.start();
    const deadline = Date.now() + 5000;
    while (!redisLines(gw, INFO).some((l) => l.msg === 'redis is back') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(redisLines(gw, INFO).map((l) => l.msg)).toContain('redis is back');
    expect(await redisUp(gw)).toBe('1');
    // Counting is in Redis again (the restarted, empty one), and so is the cache.
    const after = await chat(gw, 'after the outage');
    expect([after.status, after.cache]).toEqual([200, 'miss']);
    await new Promise((r) => setTimeout(r, 50));
    expect((await chat(gw, 'after the outage')).cache).toBe('hit');
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      expect(await client.get(`${rlPrefix}per-key:requests:a`)).toBe('2');
    } finally {
      await client.close();
    }
  });

  it('a Redis that stops answering: lookups miss and limits fall back after their timeouts, quickly', async () => {
    const gw = await gateway(
      config(
        redis.url,
        {
          prefix: uniquePrefix('rl'),
          redis_timeout: '100ms',
          rules: [{ scope: 'key', requests_per_minute: 20 }],
        },
        { prefix: uniquePrefix('cache'), redis_timeout: '30ms' },
      ),
    );
    await chat(gw);
    redis.pause();
    try {
      const started = performance.now();
      const res = await chat(gw);
      expect([res.status, res.cache]).toEqual([200, 'miss']);
      expect(performance.now() - started).toBeLessThan(1000);
    } finally {
      redis.resume();
    }
  });

  it('on_redis_failure: closed refuses with 503 while Redis is away', async () => {
    const gw = await gateway(
      config(
        redis.url,
        {
          prefix: uniquePrefix('rl'),
          on_redis_failure: 'closed',
          rules: [{ scope: 'key', requests_per_minute: 20 }],
        },
        {},
      ),
    );
    expect((await chat(gw)).status).toBe(200);
    await redis.stop();
    try {
      const refused = await chat(gw);
      expect(refused.status).toBe(503);
      expect(refused.body.error.type).toBe('service_unavailable');
      expect(mock.calls).toHaveLength(1);
    } finally {
      await redis.start();
    }
  });
});
