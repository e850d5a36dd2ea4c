/**
 * The retry decision for one failed attempt, as a pure function of the outcome and the options:
 * exponential backoff with jitter, and the upstream's own retry-after when it gave one.
 */
import type { AttemptOutcome, RetryDecision } from '@switchyard/core';
import type { RetryOptions } from './options.js';

export interface RetryPolicy {
  attempts: number;
  onStatus: ReadonlySet<number>;
  backoff: RetryOptions['backoff'];
  /** [0, 1); injectable so tests can pin the jitter. */
  random: () => number;
}

export function compilePolicy(options: RetryOptions, random: () => number = Math.random): RetryPolicy {
  return {
    attempts: options.attempts,
    onStatus: new Set(options.on_status),
    backoff: options.backoff,
    random,
  };
}

/** Wait before attempt `failed + 1`: initial × multiplier^(failed-1), spread by ±jitter, never above max. */
export function backoffMs(failed: number, b: RetryOptions['backoff'], random: () => number): number {
  const base = Math.min(b.max, b.initial * b.multiplier ** (failed - 1));
  const spread = 1 + b.jitter * (2 * random() - 1);
  return Math.min(b.max, Math.round(base * spread));
}

/**
 * `retry` for a failure worth another attempt on the same target; undefined hands the decision on
 * (fallback moves to the next target when the failure is retryable; otherwise the request fails).
 */
export function decide(outcome: AttemptOutcome, policy: RetryPolicy): RetryDecision | undefined {
  const error = outcome.error;
  // Gateway-made failures (a full shaping queue, ...) are better served by the next target at once.
  if (!error?.retryable || !error.upstream) return undefined;
  const transport = outcome.status === 0; // refused, reset, or a timeout before the first byte
  if (!transport && !policy.onStatus.has(outcome.status) && !policy.onStatus.has(error.status))
    return undefined;
  if (outcome.attemptOnTarget >= policy.attempts) return undefined;
  const asked = outcome.retryAfterMs;
  // An upstream asking for a longer wait than we allow is not retried early: move on instead.
  if (asked !== undefined && asked > policy.backoff.max) return undefined;
  const delayMs = Math.max(backoffMs(outcome.attemptOnTarget, policy.backoff, policy.random), asked ?? 0);
  return { action: 'retry', delayMs };
}
