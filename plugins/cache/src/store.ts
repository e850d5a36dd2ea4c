/**
 * Where answers are kept, on keyv: a bounded LRU in memory (entries and bytes), or Redis through
 * @keyv/redis on the gateway's shared connection. Values are the answer's JSON text. A Redis lookup that
 * fails or takes longer than `timeoutMs` is a miss, and a failed write is dropped: the cache never
 * makes a request fail or wait.
 */
import KeyvRedis from '@keyv/redis';
import { type RedisService, withDeadline } from '@switchyard/redis';
import { Keyv } from 'keyv';
import { LRUCache } from 'lru-cache';

export interface AnswerStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, text: string): void;
}

export interface MemoryStoreOptions {
  ttlMs: number;
  maxEntries: number;
  maxBytes: number;
}

/** The text's size in memory (UTF-16), close enough to bound the cache. */
const sizeOf = (entry: { value: string }) => Math.max(1, entry.value.length * 2);

type Entry = { value: string; expires?: number };

/** keyv's store contract on an LRU: keyv passes the ttl as a number, lru-cache takes it in an options object. */
class LruStore {
  constructor(private readonly lru: LRUCache<string, Entry>) {}
  get = (key: string) => this.lru.get(key);
  set = (key: string, value: Entry, ttl?: number) => void this.lru.set(key, value, ttl ? { ttl } : undefined);
  delete = (key: string) => this.lru.delete(key);
  clear = () => this.lru.clear();
  has = (key: string) => this.lru.has(key);
}

export function memoryStore(o: MemoryStoreOptions): AnswerStore {
  const lru = new LRUCache<string, Entry>({
    max: o.maxEntries,
    maxSize: o.maxBytes,
    sizeCalculation: sizeOf,
    ttl: o.ttlMs,
  });
  // No serialization in memory: keyv keeps its { value, expires } record as the LRU's value.
  const keyv = new Keyv<string>({
    store: new LruStore(lru),
    ttl: o.ttlMs,
    serialize: undefined,
    deserialize: undefined,
    namespace: '',
    useKeyPrefix: false,
  });
  return {
    get: (key) => keyv.get(key),
    set: (key, text) => void keyv.set(key, text).catch(() => undefined),
  };
}

export interface RedisStoreOptions {
  ttlMs: number;
  timeoutMs: number;
  namespace: string;
}

export function redisStore(redis: RedisService, o: RedisStoreOptions): AnswerStore {
  const adapter = new KeyvRedis(redis.client as never, {
    namespace: o.namespace,
    throwOnConnectError: false,
    throwOnErrors: true,
  });
  const keyv = new Keyv<string>({
    store: adapter,
    ttl: o.ttlMs,
    namespace: o.namespace,
    useKeyPrefix: false,
    throwOnErrors: true,
  });
  const failed = (err: unknown) => {
    redis.failed('cache', err);
    return undefined;
  };
  return {
    // While the connection is down, a miss without asking (the service logs the outage).
    get: (key) =>
      redis.ready ? withDeadline(keyv.get(key), o.timeoutMs).catch(failed) : Promise.resolve(undefined),
    set(key, text) {
      if (redis.ready) withDeadline(keyv.set(key, text), o.timeoutMs * 10).catch(failed);
    },
  };
}
