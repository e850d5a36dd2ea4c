/**
 * Counting windows in memory and in a real Redis (unique key prefixes on the local 6379; outages on a
 * throwaway redis-server), including exact counting by two "replicas" racing on one key.
 */
import { createRedisService, type RedisService } from '@switchyard/redis';
import { LOCAL_REDIS_URL, startThrowawayRedis, uniquePrefix } from '@switchyard/redis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Window } from './windows.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const memory = { prefix: '', timeoutMs: 100, failClosed: false };

describe('a memory window', () => {
  it('admits `points` per window, then refuses with the time to the reset', async () => {
    const w = new Window(3, 60, 'r', memory);
    const verdicts = [];
    for (let i = 0; i < 4; i++) verdicts.push((await w.take('k', 1)).verdict);
    expect(verdicts.map((v) => [v.allowed, v.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect(verdicts[3]!.resetMs).toBeGreaterThan(59_000);
    expect((await w.take('other', 1)).verdict.allowed).toBe(true);
  });

  it('settles a hold: gives back what was not used, charges the overrun', async () => {
    const w = new Window(100, 60, 't', memory);
    const { hold } = await w.take('k', 40);
    await w.settle(hold, 10);
    expect((await w.take('k', 1)).verdict.remaining).toBe(100 - 10 - 1);
    const second = await w.take('k', 20);
    await w.settle(second.hold, 50);
    expect((await w.take('k', 1)).verdict.remaining).toBe(100 - 10 - 1 - 50 - 1);
  });

  it('never refunds into a later window than the one the hold was taken from', async () => {
    const w = new Window(10, 1, 'short', memory);
    const { hold } = await w.take('k', 8);
    await new Promise((r) => setTimeout(r, 1100));
    await w.settle(hold, 0);
    expect((await w.take('k', 1)).verdict.remaining).toBe(9);
  });
});

describe('a Redis window', () => {
  let redis: RedisService;
  beforeAll(async () => {
    redis = createRedisService(LOCAL_REDIS_URL, { log: quiet });
    redis.start();
    expect(await redis.whenReady(2000)).toBe(true);
  });
  afterAll(() => redis.close());

  it('is exact across replicas: two windows on one key, 50 racing takes, 10 admitted', async () => {
    const store = { redis, prefix: uniquePrefix('rl'), timeoutMs: 500, failClosed: false };
    const replicas = [new Window(10, 60, 'g', store), new Window(10, 60, 'g', store)];
    const verdicts = await Promise.all(Array.from({ length: 50 }, (_, i) => replicas[i % 2]!.take('all', 1)));
    expect(verdicts.filter((v) => v.verdict.allowed)).toHaveLength(10);
  });

  it('settles holds in Redis', async () => {
    const store = { redis, prefix: uniquePrefix('rl'), timeoutMs: 500, failClosed: false };
    const w = new Window(1000, 60, 't', store);
    const { hold } = await w.take('k', 300);
    await w.settle(hold, 120);
    expect(await redis.client.get(`${store.prefix}t:k`)).toBe('120');
  });
});

describe('a Redis window while Redis is away', () => {
  it('fails open onto an in-memory stand-in, or closed with 503', async () => {
    const server = await startThrowawayRedis();
    const redis = createRedisService(server.url, { log: quiet, maxReconnectDelayMs: 100 });
    redis.start();
    await redis.whenReady(2000);
    try {
      await server.stop();
      const open = new Window(2, 60, 'w', {
        redis,
        prefix: uniquePrefix('rl'),
        timeoutMs: 100,
        failClosed: false,
      });
      const verdicts = [];
      for (let i = 0; i < 3; i++) verdicts.push((await open.take('k', 1)).verdict.allowed);
      expect(verdicts).toEqual([true, true, false]);
      const closed = new Window(2, 60, 'w', {
        redis,
        prefix: uniquePrefix('rl'),
        timeoutMs: 100,
        failClosed: true,
      });
      await expect(closed.take('k', 1)).rejects.toMatchObject({ status: 503, type: 'service_unavailable' });
    } finally {
      await redis.close();
      await server.stop();
    }
  });
});
