/**
 * The one Redis connection the gateway shares between plugins (rate limits, cache), created by the app
 * when `redis.url` is configured and handed to plugins as `host.services.redis`.
 *
 * One client library, one connection: `@keyv/redis` is built on node-redis (`@redis/client`), and
 * rate-limiter-flexible speaks node-redis too (`useRedisPackage`), so both ride on this client.
 *
 * While Redis is away the client keeps reconnecting with a capped backoff and rejects commands at once
 * (no offline queue), so callers fall back without waiting. The outage is logged when it starts, then at
 * most once per interval, and once more when Redis is back — never once per request.
 */

import { createClient, type RedisClientType } from '@redis/client';
import type { Logger } from '@switchyard/core';

declare module '@switchyard/core' {
  interface Services {
    /** Present when `redis.url` is configured. */
    redis?: RedisService;
  }
}

export type RedisClient = RedisClientType;

export interface RedisService {
  readonly client: RedisClient;
  /** True while connected and ready for commands. */
  readonly ready: boolean;
  /** A plugin's Redis operation failed (timeout, offline, error): counted and logged once per interval. */
  failed(source: string, err: unknown): void;
  /** Called on every up/down transition (the app forwards it to the `redis:state` event). */
  onState(listener: (state: { up: boolean }) => void): void;
  /** Start connecting (does not wait: the gateway serves while Redis is away). */
  start(): void;
  /** Resolves true once connected, or false after `ms` (startup waits briefly, never for long). */
  whenReady(ms: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface RedisServiceOptions {
  log: Logger;
  /** At most one "still unavailable" line per this many ms (default 30 s). */
  logIntervalMs?: number;
  /** Longest wait between reconnection attempts (default 2 s). */
  maxReconnectDelayMs?: number;
  connectTimeoutMs?: number;
}

/** The URL without its password, for log lines. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis://(unparsable url)';
  }
}

export class RedisTimeoutError extends Error {
  constructor(ms: number) {
    super(`redis did not answer within ${ms}ms`);
    this.name = 'RedisTimeoutError';
  }
}

/**
 * `op`, or a RedisTimeoutError after `ms`. node-redis's own command timeout stops once a command is
 * written, so it cannot catch a Redis that takes a command and never answers; this can.
 */
export function withDeadline<T>(op: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisTimeoutError(ms)), ms);
  });
  return Promise.race([op, late]).finally(() => clearTimeout(timer));
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function createRedisService(url: string, options: RedisServiceOptions): RedisService {
  const { log } = options;
  const interval = options.logIntervalMs ?? 30_000;
  const maxDelay = options.maxReconnectDelayMs ?? 2_000;
  const where = redactUrl(url);
  const client = createClient({
    url,
    disableOfflineQueue: true,
    // A Redis that accepts commands but never answers would grow the reply queue without end: past this
    // many waiting commands, new ones fail at once (callers already gave up on them, see withDeadline).
    commandsQueueMaxLength: 10_000,
    socket: {
      connectTimeout: options.connectTimeoutMs ?? 2_000,
      reconnectStrategy: (attempt) => Math.min(50 * 2 ** attempt, maxDelay),
    },
  }) as RedisClient;

  /** undefined until the first connection attempt settles. */
  let up: boolean | undefined;
  let downSince = 0;
  let pending = 0;
  let lastLog = 0;
  let lastFailure = 0;
  let closing = false;
  const listeners: Array<(state: { up: boolean }) => void> = [];
  const setUp = (next: boolean) => {
    if (up === next) return;
    up = next;
    for (const l of listeners) {
      try {
        l({ up: next });
      } catch (err) {
        log.warn({ err: message(err) }, 'redis state listener failed');
      }
    }
  };

  /** One line when an outage starts, then one per interval with the count of failures in between. */
  const failed = (source: string, err: unknown) => {
    if (closing) return;
    const now = Date.now();
    // A quiet spell longer than the interval ends an outage (a slow Redis that recovered never "reconnects").
    if (now - lastFailure > interval) lastLog = 0;
    lastFailure = now;
    pending++;
    if (lastLog !== 0 && now - lastLog < interval) return;
    log.warn(
      {
        redis: where,
        source,
        err: message(err),
        failures: pending,
        down_s: downSince ? Math.round((now - downSince) / 1000) : 0,
      },
      lastLog === 0
        ? 'redis unavailable or slow; serving without it (limits: in-memory stand-in or refusal, cache: miss)'
        : 'redis still unavailable',
    );
    lastLog = now;
    pending = 0;
  };

  client.on('error', (err) => {
    if (up !== false) downSince = Date.now();
    setUp(false);
    failed('connection', err);
  });
  client.on('ready', () => {
    if (up === false && lastLog !== 0) {
      log.info({ redis: where, down_s: Math.round((Date.now() - downSince) / 1000) }, 'redis is back');
    }
    lastLog = 0;
    pending = 0;
    downSince = 0;
    setUp(true);
  });

  return {
    client,
    get ready() {
      return client.isReady;
    },
    failed,
    onState(listener) {
      listeners.push(listener);
    },
    start() {
      if (client.isOpen) return;
      client.connect().catch((err) => failed('connect', err));
    },
    whenReady(ms) {
      if (client.isReady) return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = (ok: boolean) => {
          clearTimeout(timer);
          client.off('ready', onReady);
          resolve(ok);
        };
        const onReady = () => done(true);
        const timer = setTimeout(() => done(false), ms);
        client.on('ready', onReady);
      });
    },
    async close() {
      closing = true;
      if (client.isOpen) await client.close().catch(() => client.destroy());
    },
  };
}
