/** Answer stores: the bounded memory LRU, and Redis (local 6379 with a unique namespace; a throwaway server for outages). */
import { createRedisService, type RedisService } from '@switchyard/redis';
import { LOCAL_REDIS_URL, startThrowawayRedis, uniquePrefix } from '@switchyard/redis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryStore, redisStore } from './store.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const settle = () => new Promise((r) => setTimeout(r, 10));

describe('memory store', () => {
  it('keeps at most max_entries, dropping the least recently used', async () => {
    const store = memoryStore({ ttlMs: 60_000, maxEntries: 2, maxBytes: 1_000_000 });
    store.set('a', 'A');
    store.set('b', 'B');
    await settle();
    expect(await store.get('a')).toBe('A'); // a is now the most recently used
    store.set('c', 'C');
    await settle();
    expect([await store.get('a'), await store.get('b'), await store.get('c')]).toEqual(['A', undefined, 'C']);
  });

  it('keeps at most max_memory bytes of answers', async () => {
    const store = memoryStore({ ttlMs: 60_000, maxEntries: 100, maxBytes: 1000 });
    for (const k of ['a', 'b', 'c']) store.set(k, k.repeat(200)); // 400 bytes each in memory
    await settle();
    expect(await store.get('a')).toBeUndefined();
    expect(await store.get('c')).toBe('c'.repeat(200));
  });

  it('forgets entries after the ttl', async () => {
    const store = memoryStore({ ttlMs: 50, maxEntries: 10, maxBytes: 1_000_000 });
    store.set('a', 'A');
    await settle();
    expect(await store.get('a')).toBe('A');
    await new Promise((r) => setTimeout(r, 80));
    expect(await store.get('a')).toBeUndefined();
  });
});

describe('redis store', () => {
  let redis: RedisService;
  beforeAll(async () => {
    redis = createRedisService(LOCAL_REDIS_URL, { log: quiet });
    redis.start();
    expect(await redis.whenReady(2000)).toBe(true);
  });
  afterAll(() => redis.close());

  it('stores answer text under its namespace with the ttl', async () => {
    const namespace = uniquePrefix('cache');
    const store = redisStore(redis, { ttlMs: 5000, timeoutMs: 200, namespace });
    const text = JSON.stringify({ id: 'x', choices: [{ message: { content: 'é ✓' } }] });
    store.set('k1', text);
    await new Promise((r) => setTimeout(r, 50));
    expect(await store.get('k1')).toBe(text);
    expect(await store.get('k2')).toBeUndefined();
    const ttl = await redis.client.pTTL(`${namespace}::k1`);
    expect(ttl).toBeGreaterThan(4000);
    expect(ttl).toBeLessThanOrEqual(5000);
  });
});

describe('redis store while Redis misbehaves', () => {
  it('a silent Redis is a miss after the timeout; a stopped one is a miss at once', async () => {
    const server = await startThrowawayRedis();
    const redis = createRedisService(server.url, { log: quiet, maxReconnectDelayMs: 100 });
    redis.start();
    await redis.whenReady(2000);
    const store = redisStore(redis, { ttlMs: 5000, timeoutMs: 30, namespace: uniquePrefix('cache') });
    try {
      store.set('k', 'v');
      await new Promise((r) => setTimeout(r, 50));
      expect(await store.get('k')).toBe('v');
      server.pause();
      let started = performance.now();
      expect(await store.get('k')).toBeUndefined();
      expect(performance.now() - started).toBeLessThan(200);
      server.resume();
      expect(await store.get('k')).toBe('v');
      await server.stop();
      await new Promise((r) => setTimeout(r, 50));
      started = performance.now();
      expect(await store.get('k')).toBeUndefined();
      expect(performance.now() - started).toBeLessThan(20);
    } finally {
      server.resume();
      await redis.close();
      await server.stop();
    }
  });
});
