/**
 * The export queue: records wait in a bounded in-memory queue and go to the collector in batches — when
 * `batch_size` are waiting or every `flush_interval` — one POST at a time, from timers, never from the
 * request that produced them. A 429, a 5xx or a network error keeps the batch at the head of the queue and
 * retries it after a doubling backoff (Retry-After honoured); other 4xx answers drop it. When the queue
 * is full, new records are dropped and counted. `close()` sends what is left within `flush_timeout`.
 */

import type { Logger } from '@switchyard/core';
import { Agent, request } from 'undici';
import type { Options } from './options.js';

export interface Delivery {
  /** Turns queued items into the POST body (redaction happens here, off the request path). */
  encode(items: readonly unknown[], droppedTotal: number): string;
  /** Counts records sent, dropped (queue full) or rejected (collector refused the batch). */
  count(result: 'sent' | 'dropped' | 'rejected', n: number): void;
  log: Logger;
}

type Settings = Pick<
  Options,
  | 'endpoint'
  | 'api_key'
  | 'headers'
  | 'batch_size'
  | 'flush_interval'
  | 'queue_limit'
  | 'timeout'
  | 'backoff'
  | 'flush_timeout'
>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export class Exporter {
  private readonly queue: unknown[] = [];
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, connections: 2 });
  private settings!: Settings;
  private interval?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private scheduled = false;
  private sending?: Promise<void>;
  private failures = 0;
  private droppedTotal = 0;
  private lastRetryAfter?: number;
  private closed = false;
  /** Set when close() starts: from then on only close() sends. */
  private closing = false;
  private readonly inflight = new AbortController();

  constructor(
    settings: Settings,
    private readonly delivery: Delivery,
  ) {
    this.configure(settings);
  }

  /** New settings from a reload; queued records stay and go to the (possibly new) endpoint. */
  configure(settings: Settings): void {
    const intervalChanged = settings.flush_interval !== this.settings?.flush_interval;
    this.settings = settings;
    if (intervalChanged && !this.closing) {
      clearInterval(this.interval);
      this.interval = setInterval(() => this.kick(), settings.flush_interval);
      this.interval.unref();
    }
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Called on the request path: O(1), no I/O, no serialization. */
  push(item: unknown): void {
    if (this.closed || this.queue.length >= this.settings.queue_limit) {
      this.droppedTotal++;
      this.delivery.count('dropped', 1);
      if (this.droppedTotal === 1 || this.droppedTotal % 1000 === 0) {
        this.delivery.log.warn(
          { dropped_total: this.droppedTotal, queue_limit: this.settings.queue_limit },
          'data-sharing: queue full, records dropped',
        );
      }
      return;
    }
    this.queue.push(item);
    if (this.queue.length >= this.settings.batch_size && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.kick();
      });
    }
  }

  /** Start sending unless a send is running or a retry is pending. */
  private kick(): void {
    if (this.sending || this.retryTimer || this.queue.length === 0 || this.closing) return;
    this.sending = this.drain().finally(() => {
      this.sending = undefined;
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.closing) {
      const verdict = await this.sendHead();
      if (verdict === 'retry') {
        const wait = this.backoff(this.lastRetryAfter);
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.kick();
        }, wait);
        this.retryTimer.unref();
        return;
      }
      // A full batch went out: keep going only while full batches are waiting; the rest waits for the interval.
      if (this.queue.length < this.settings.batch_size) return;
    }
  }

  private backoff(retryAfter?: number): number {
    const { initial, max } = this.settings.backoff;
    const exponential = Math.min(max, initial * 2 ** Math.min(this.failures - 1, 20));
    const jittered = exponential * (0.8 + Math.random() * 0.4);
    return Math.min(max, Math.max(jittered, retryAfter ?? 0));
  }

  /** POST the head of the queue. */
  private async sendHead(): Promise<'ok' | 'retry'> {
    const batch = this.queue.slice(0, this.settings.batch_size);
    const body = this.delivery.encode(batch, this.droppedTotal);
    const { endpoint, api_key, headers, timeout } = this.settings;
    const outcome = await this.post(
      endpoint,
      body,
      { ...headers, ...(api_key ? { authorization: `Bearer ${api_key}` } : {}) },
      timeout,
    );
    if (outcome.ok || !outcome.retryable) {
      this.queue.splice(0, batch.length);
      if (outcome.ok) {
        if (this.failures > 0)
          this.delivery.log.info({ queued: this.queue.length }, 'data-sharing: collector reachable again');
        this.failures = 0;
        this.delivery.count('sent', batch.length);
      } else {
        this.delivery.count('rejected', batch.length);
        this.delivery.log.warn(
          { status: outcome.status, records: batch.length },
          'data-sharing: collector refused a batch; dropped',
        );
      }
      return 'ok';
    }
    this.failures++;
    this.lastRetryAfter = outcome.retryAfter;
    if (this.failures === 1) {
      this.delivery.log.warn(
        { status: outcome.status, error: outcome.error, queued: this.queue.length },
        'data-sharing: collector unavailable; retrying with backoff',
      );
    }
    return 'retry';
  }

  private async post(
    url: string,
    body: string,
    headers: Record<string, string>,
    timeout: number,
  ): Promise<{ ok: boolean; retryable: boolean; status: number; retryAfter?: number; error?: string }> {
    try {
      const res = await request(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...headers },
        dispatcher: this.agent,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal: this.inflight.signal,
      });
      await res.body.dump();
      const status = res.statusCode;
      if (status < 300) return { ok: true, retryable: false, status };
      const retryable = status === 429 || status === 408 || status >= 500;
      return { ok: false, retryable, status, retryAfter: retryAfterMs(res.headers['retry-after']) };
    } catch (err) {
      return {
        ok: false,
        retryable: true,
        status: 0,
        error: (err as { code?: string }).code ?? (err as Error).name,
      };
    }
  }

  /** Stop the timers and send what is queued, for at most `flush_timeout`. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.interval);
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const deadline = performance.now() + this.settings.flush_timeout;
    const abort = setTimeout(() => this.inflight.abort(), this.settings.flush_timeout);
    try {
      await this.sending;
      while (this.queue.length > 0 && performance.now() < deadline) {
        if ((await this.sendHead()) === 'retry') {
          await sleep(Math.min(this.backoff(this.lastRetryAfter), Math.max(0, deadline - performance.now())));
        }
      }
    } finally {
      clearTimeout(abort);
      this.closed = true;
      if (this.queue.length > 0) {
        this.delivery.log.warn(
          { lost: this.queue.length },
          'data-sharing: shutdown flush timed out; records lost',
        );
        this.droppedTotal += this.queue.length;
        this.delivery.count('dropped', this.queue.length);
        this.queue.length = 0;
      }
      await this.agent.close().catch(() => undefined);
    }
  }
}
