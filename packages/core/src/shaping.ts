/**
 * Outbound shaping, opt-in per provider (`max_concurrent`, `requests_per_minute`): bottleneck queues
 * requests instead of failing them, so a burst waits for the provider's capacity. The queue is bounded
 * (`queue_limit`) and so is the wait (`queue_timeout`); past either the attempt fails with a retryable
 * gateway error and the request moves on to its next target. Providers without these keys get no
 * wrapper at all: bottleneck costs ~5 ms per job (design/STACK-NOTES.md).
 */
import Bottleneck from 'bottleneck';
import type { AbortLike } from './abort.js';
import type { ProviderConfig, Transport, UpstreamHttpResponse } from './contract.js';
import { GatewayError } from './errors.js';

export interface ShapingSettings {
  max_concurrent?: number;
  requests_per_minute?: number;
  queue_limit: number;
  queue_timeout: number;
}

export interface Shaper {
  /** The settings it was built from: a reload with the same settings keeps the shaper (and its queue). */
  readonly key: string;
  wrap(transport: Transport): Transport;
  close(): Promise<void>;
}

/** The provider's shaping settings, or undefined when it has none (the common case). */
export function shapingSettings(config: ProviderConfig): ShapingSettings | undefined {
  const c = config as ProviderConfig & Partial<ShapingSettings>;
  if (c.max_concurrent === undefined && c.requests_per_minute === undefined) return undefined;
  return {
    max_concurrent: c.max_concurrent,
    requests_per_minute: c.requests_per_minute,
    queue_limit: c.queue_limit ?? 100,
    queue_timeout: c.queue_timeout ?? 10_000,
  };
}

/**
 * The quota as a token bucket: a full minute's worth may go at once, then it refills continuously
 * (at most every 100 ms, so a large quota does not mean a busy timer).
 */
function quota(rpm: number): Bottleneck.ConstructorOptions {
  const interval = Math.max(100, 60_000 / rpm);
  return {
    reservoir: rpm,
    reservoirIncreaseMaximum: rpm,
    reservoirIncreaseInterval: interval,
    reservoirIncreaseAmount: Math.max(1, Math.round((rpm * interval) / 60_000)),
  };
}

const refused = (provider: string, why: string, code: string) =>
  new GatewayError(
    503,
    'service_unavailable',
    `Provider '${provider}' is at its configured capacity: ${why}.`,
    {
      code,
      retryable: true,
    },
  );

/** The previous snapshot's shaper when its settings did not change (its queue and counts go on), else a new one. */
export function shaperFor(provider: string, settings: ShapingSettings, previous?: Shaper): Shaper {
  return previous?.key === JSON.stringify(settings) ? previous : createShaper(provider, settings);
}

export function createShaper(provider: string, settings: ShapingSettings): Shaper {
  const rpm = settings.requests_per_minute;
  const limiter = new Bottleneck({
    maxConcurrent: settings.max_concurrent ?? null,
    highWater: settings.queue_limit,
    strategy: Bottleneck.strategy.OVERFLOW,
    ...(rpm === undefined ? {} : quota(rpm)),
  });

  const wrap =
    (transport: Transport): Transport =>
    (request, signal) =>
      new Promise<UpstreamHttpResponse>((resolve, reject) => {
        let state: 'queued' | 'running' | 'gone' = 'queued';
        const leave = (error: unknown) => {
          if (state !== 'queued') return;
          state = 'gone';
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          reject(error);
        };
        const onAbort = () => leave(signal.reason);
        const timer = setTimeout(
          () =>
            leave(
              refused(provider, `waited ${settings.queue_timeout} ms in its queue`, 'provider_queue_timeout'),
            ),
          settings.queue_timeout,
        );
        signal.addEventListener('abort', onAbort, { once: true });
        limiter
          .schedule(() => {
            if (state === 'gone') {
              // Nobody waits for this job any more: hand its share of the quota back.
              if (rpm !== undefined) void limiter.incrementReservoir(1);
              return Promise.resolve();
            }
            state = 'running';
            clearTimeout(timer);
            signal.removeEventListener('abort', onAbort);
            return new Promise<void>((release) => {
              transport(request, signal).then(
                (res) => resolve(heldUntilRead(res, release, signal)),
                (err) => {
                  release();
                  reject(err);
                },
              );
            });
          })
          .catch(() =>
            leave(
              refused(
                provider,
                `${settings.queue_limit} requests already wait in its queue`,
                'provider_queue_full',
              ),
            ),
          );
      });

  return {
    key: JSON.stringify(settings),
    wrap,
    close: () => limiter.disconnect(),
  };
}

/** A request occupies its slot until its body has been read or abandoned (streams included). */
function heldUntilRead(
  res: UpstreamHttpResponse,
  release: () => void,
  signal: AbortLike,
): UpstreamHttpResponse {
  let held = true;
  const done = () => {
    if (!held) return;
    held = false;
    signal.removeEventListener('abort', done);
    release();
  };
  signal.addEventListener('abort', done, { once: true });
  const body = res.body;
  return {
    ...res,
    body: {
      async *[Symbol.asyncIterator]() {
        try {
          yield* body;
        } finally {
          done();
        }
      },
      async text() {
        try {
          return await body.text();
        } finally {
          done();
        }
      },
    },
  };
}
