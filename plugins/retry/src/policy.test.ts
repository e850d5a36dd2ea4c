import { type AttemptOutcome, errors, GatewayError, type Target, UpstreamError } from '@switchyard/core';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { schema } from './options.js';
import { backoffMs, compilePolicy, decide } from './policy.js';

const target = { key: 'up/m', provider: 'up', model: 'm', weight: 1 } as Target;
const options = v.parse(schema, { backoff: { initial: '100ms', max: '2s', multiplier: 2, jitter: 0 } });
const policy = compilePolicy(options);

function failed(
  error: GatewayError,
  status: number,
  attemptOnTarget = 1,
  retryAfterMs?: number,
): AttemptOutcome {
  return {
    target,
    attemptOnTarget,
    attempt: attemptOnTarget,
    ok: false,
    status,
    error,
    durationMs: 5,
    retryAfterMs,
  };
}
const upstream = (status: number, retryable = true) =>
  new UpstreamError(status, 'server_error', `upstream said ${status}`, { retryable });

describe('retry options', () => {
  it('defaults to the spec example', () => {
    expect(v.parse(schema, {})).toEqual({
      attempts: 3,
      on_status: [429, 500, 502, 503, 504, 529],
      backoff: { initial: 200, max: 5000, multiplier: 2, jitter: 0.2 },
    });
  });

  it.each([
    [{ on_status: [400] }, 'client errors are never retried'],
    [{ on_status: [404] }, 'client errors are never retried'],
    [{ attempts: 0 }, ''],
    [{ backoff: { initial: '10s', max: '1s' } }, 'backoff.initial must not exceed backoff.max'],
    [{ backoff: { jitter: 2 } }, ''],
    [{ tries: 3 }, ''],
  ])('rejects %j', (input, message) => {
    const result = v.safeParse(schema, input);
    expect(result.success).toBe(false);
    expect(result.issues!.map((i) => i.message).join('; ')).toContain(message);
  });

  it('accepts 408, 409 and 429 among client statuses', () => {
    expect(v.safeParse(schema, { on_status: [408, 409, 429] }).success).toBe(true);
  });
});

describe('backoff', () => {
  it('grows by the multiplier and stops at max', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, options.backoff, Math.random))).toEqual([
      100, 200, 400, 800, 1600, 2000,
    ]);
  });

  it('spreads by ±jitter', () => {
    const b = { ...options.backoff, jitter: 0.2 };
    expect(backoffMs(1, b, () => 0)).toBe(80);
    expect(backoffMs(1, b, () => 0.999999)).toBe(120);
    expect(backoffMs(6, b, () => 0.999999)).toBe(2000); // never above max, jitter included
  });
});

describe('decide', () => {
  it('retries listed statuses until attempts run out', () => {
    expect(decide(failed(upstream(500), 500, 1), policy)).toEqual({ action: 'retry', delayMs: 100 });
    expect(decide(failed(upstream(503), 503, 2), policy)).toEqual({ action: 'retry', delayMs: 200 });
    expect(decide(failed(upstream(500), 500, 3), policy)).toBeUndefined();
  });

  it('retries 529 overloaded and a status the provider mapped from another HTTP status', () => {
    expect(decide(failed(upstream(529), 529), policy)?.action).toBe('retry');
    // Bedrock throttling: HTTP 400 whose meaning is 429.
    expect(decide(failed(upstream(429), 400), policy)?.action).toBe('retry');
  });

  it('retries transport failures and timeouts before the first byte (status 0)', () => {
    const refused = new UpstreamError(502, 'upstream_error', 'up/m: ECONNREFUSED', { retryable: true });
    const timeout = new UpstreamError(504, 'upstream_timeout', 'up/m: first_token timeout', {
      retryable: true,
    });
    expect(decide(failed(refused, 0), policy)?.action).toBe('retry');
    expect(decide(failed(timeout, 0), policy)?.action).toBe('retry');
  });

  it('never retries client errors, unlisted statuses or gateway-made failures', () => {
    expect(decide(failed(upstream(400, false), 400), policy)).toBeUndefined();
    expect(decide(failed(upstream(501), 501), policy)).toBeUndefined();
    expect(decide(failed(upstream(500, false), 500), policy)).toBeUndefined(); // x-should-retry: false
    expect(decide(failed(errors.clientClosed(), 0), policy)).toBeUndefined();
    const queueFull = new GatewayError(503, 'service_unavailable', 'queue full', { retryable: true });
    expect(decide(failed(queueFull, 0), policy)).toBeUndefined();
  });

  it('waits what retry-after asks when it is longer than the backoff, up to backoff.max', () => {
    expect(decide(failed(upstream(429), 429, 1, 1500), policy)).toEqual({ action: 'retry', delayMs: 1500 });
    expect(decide(failed(upstream(429), 429, 1, 10), policy)).toEqual({ action: 'retry', delayMs: 100 });
    expect(decide(failed(upstream(429), 429, 1, 2001), policy)).toBeUndefined();
  });
});
