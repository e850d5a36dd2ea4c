/**
 * Response cache. Looked up after routing (the key names what would answer) and before any upstream
 * call; stored after the answer was sent in full — JSON answers as they came, streams assembled chunk by
 * chunk. A stored answer is replayed as JSON, or as SSE to a streaming client. Every model request gets
 * `x-switchyard-cache: hit | miss | bypass`; `x-switchyard-no-cache: true` or `cache-control: no-cache`
 * (or `no-store`) bypasses the cache both ways.
 */
import {
  duration,
  type HeaderReader,
  type PluginDefinition,
  type PluginInstance,
  type Reply,
  type RequestContext,
  size,
} from '@switchyard/core';
import type { ChatChunk, ChatCompletion } from '@switchyard/protocol';
import * as v from 'valibot';
import { replayChunks, StreamAssembler } from './assemble.js';
import { cacheKey } from './key.js';
import { type AnswerStore, memoryStore, redisStore } from './store.js';

export { replayChunks, StreamAssembler } from './assemble.js';
export { cacheKey, NEUTRAL_FIELDS } from './key.js';

declare module '@switchyard/core' {
  interface RequestState {
    /** Set on a miss: where to store the answer, and the stream being assembled. */
    cacheMiss?: { key: string; assembler?: StreamAssembler };
  }
}

export type CacheResult = 'hit' | 'miss' | 'bypass';

const schema = v.strictObject({
  store: v.optional(
    v.pipe(
      v.picklist(['memory', 'redis'], 'expected memory or redis'),
      v.description('redis: shared by all replicas (needs redis.url).'),
    ),
    'memory',
  ),
  ttl: v.optional(duration('How long an answer is served from the cache.'), '10m'),
  max_entries: v.optional(
    v.pipe(
      v.number(),
      v.integer(),
      v.minValue(1),
      v.description('memory: most answers kept (least recently used go first).'),
    ),
    10_000,
  ),
  max_memory: v.optional(size('memory: most bytes of answers kept.'), '256mb'),
  max_entry_size: v.optional(size('Answers larger than this are not stored.'), '1mb'),
  redis_timeout: v.optional(duration('redis: a lookup slower than this is a miss.'), '30ms'),
  prefix: v.optional(v.pipe(v.string(), v.description('redis: key namespace.')), 'switchyard:cache'),
});
type Options = v.InferOutput<typeof schema>;

interface CacheInstance extends PluginInstance {
  signature: string;
  store: AnswerStore;
}

function bypassed(headers: HeaderReader): boolean {
  if (headers.get('x-switchyard-no-cache')?.trim().toLowerCase() === 'true') return true;
  const cc = headers.get('cache-control');
  return !!cc && /(?:^|,)\s*no-(?:cache|store)\s*(?:,|$)/i.test(cc);
}

async function* chunksOf(answer: ChatCompletion): AsyncGenerator<ChatChunk> {
  yield* replayChunks(answer);
}

function hitReply(ctx: RequestContext, text: string): Reply {
  const body = JSON.parse(text) as ChatCompletion;
  if (body.usage) ctx.usage = body.usage;
  if (ctx.stream && ctx.operation === 'chat') return { kind: 'stream', status: 200, chunks: chunksOf(body) };
  return { kind: 'json', status: 200, body, raw: text };
}

const cache: PluginDefinition<Options> = {
  name: 'cache',
  schema,
  setup(options, host) {
    // A reload that leaves the options alone keeps the store (and the memory cache's entries).
    const signature = JSON.stringify(options);
    const previous = host.previous as CacheInstance | undefined;
    let store: AnswerStore;
    if (previous?.signature === signature) store = previous.store;
    else if (options.store === 'redis') {
      const redis = host.services.redis;
      if (!redis) throw new Error('cache: store: redis needs the redis.url the gateway started with');
      store = redisStore(redis, {
        ttlMs: options.ttl,
        timeoutMs: options.redis_timeout,
        namespace: options.prefix,
      });
    } else {
      store = memoryStore({
        ttlMs: options.ttl,
        maxEntries: options.max_entries,
        maxBytes: options.max_memory,
      });
    }
    const result = (ctx: RequestContext, r: CacheResult) => {
      ctx.responseHeaders['x-switchyard-cache'] = r;
      host.events.emit('cache:result', ctx, r);
    };

    const instance: CacheInstance = {
      signature,
      store,
      hooks: {
        async cacheLookup(ctx) {
          if (bypassed(ctx.headers)) {
            result(ctx, 'bypass');
            return undefined;
          }
          const key = cacheKey(ctx);
          const text = await store.get(key);
          if (text !== undefined) {
            result(ctx, 'hit');
            return hitReply(ctx, text);
          }
          result(ctx, 'miss');
          ctx.state.cacheMiss = { key, assembler: ctx.stream ? new StreamAssembler() : undefined };
          return undefined;
        },
        transformChunk(chunk, ctx) {
          ctx.state.cacheMiss?.assembler?.add(chunk);
          return chunk;
        },
        onResponse(ctx, reply) {
          const miss = ctx.state.cacheMiss;
          if (!miss || ctx.attempts === 0) return;
          ctx.state.cacheMiss = undefined;
          let text: string | undefined;
          if (reply.kind === 'json') {
            if (reply.status !== 200) return;
            text = reply.raw ?? JSON.stringify(reply.body);
          } else {
            const answer = miss.assembler?.result(ctx.usage);
            if (!answer) return;
            text = JSON.stringify(answer);
          }
          // UTF-8 takes at most 3 bytes per UTF-16 unit: measure only when the text might be too large.
          if (text.length * 3 > options.max_entry_size && Buffer.byteLength(text) > options.max_entry_size)
            return;
          store.set(miss.key, text);
        },
      },
    };
    return instance;
  },
};

export default cache;
