/**
 * One opossum breaker per provider+model target. The core owns the attempt, so a breaker never wraps
 * the call: each finished attempt is fired through it as an already-settled result, and opossum does the
 * counting over the rolling window, the opening, and the half-open trial after `reset_timeout`.
 */
import type { GatewayError, Logger } from '@switchyard/core';
import CircuitBreaker from 'opossum';
import type { BreakerOptions } from './options.js';

/** `switchyard_circuit_state` values. */
export const CLOSED = 0;
export const HALF_OPEN = 1;
export const OPEN = 2;
export type CircuitState = typeof CLOSED | typeof HALF_OPEN | typeof OPEN;

export type Breaker = CircuitBreaker<[GatewayError | undefined], void>;

/** A client error says nothing about the target's health (STACK-NOTES: 4xx other than 408/429). */
export const isClientError = (error: GatewayError) =>
  error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;

/** The attempt's own result, replayed: a failure rejects, so opossum counts it. */
const replay = (error: GatewayError | undefined) => (error ? Promise.reject(error) : Promise.resolve());
const ignore = () => undefined;

export function createBreaker(key: string, options: BreakerOptions, log: Logger): Breaker {
  const breaker: Breaker = new CircuitBreaker(replay, {
    name: key,
    errorThresholdPercentage: options.error_threshold_percent,
    volumeThreshold: options.volume_threshold,
    rollingCountTimeout: options.rolling_window,
    resetTimeout: options.reset_timeout,
    // The core enforces timeouts and aborts each attempt with its own signal (no shared abortController).
    timeout: false,
    errorFilter: isClientError,
    rollingPercentilesEnabled: false,
    enableSnapshots: false,
  });
  breaker.on('open', () => log.warn({ target: key }, 'circuit opened'));
  breaker.on('halfOpen', () => log.info({ target: key }, 'circuit half-open: one trial request allowed'));
  breaker.on('close', () => log.info({ target: key }, 'circuit closed'));
  return breaker;
}

/** Count one result; a breaker that is open (or shut down by a reload) refuses it, which is fine. */
export function record(breaker: Breaker, error: GatewayError | undefined): void {
  breaker.fire(error).catch(ignore);
}

export function stateOf(breaker: Breaker): CircuitState {
  if (breaker.opened) return OPEN;
  return breaker.halfOpen ? HALF_OPEN : CLOSED;
}
