/**
 * A counting window (N points per duration, per key) on rate-limiter-flexible: in memory, or in Redis
 * for limits shared exactly by every replica (one atomic Lua INCR + PTTL per check). When Redis fails
 * or is too slow, a memory limiter of the same size stands in (fail open, the default: each replica then
 * counts on its own until Redis is back) or the request is refused with 503 (fail closed).
 */

import { errors } from '@switchyard/core';
import { type RedisService, withDeadline } from '@switchyard/redis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';

export interface Verdict {
  allowed: boolean;
  /** Points left in the window after this one (0 when refused). */
  remaining: number;
  /** Until the window resets, ms. */
  resetMs: number;
}

/** What was taken from a window, to give back or settle later. */
export interface Hold {
  window: Window;
  limiter: RateLimiterAbstract;
  key: string;
  points: number;
  /** Date.now() when the window it was counted in ends. */
  windowEnds: number;
}

export interface StoreSetup {
  redis?: RedisService;
  /** Key prefix in Redis (the rule and window name follow). */
  prefix: string;
  timeoutMs: number;
  failClosed: boolean;
}

export class Window {
  private readonly primary: RateLimiterAbstract;
  private readonly standIn?: RateLimiterMemory;

  constructor(
    readonly points: number,
    readonly durationS: number,
    name: string,
    private readonly store: StoreSetup,
  ) {
    if (store.redis) {
      this.primary = new RateLimiterRedis({
        storeClient: store.redis.client,
        useRedisPackage: true,
        rejectIfRedisNotReady: true,
        keyPrefix: `${store.prefix}${name}`,
        points,
        duration: durationS,
      });
      if (!store.failClosed) this.standIn = new RateLimiterMemory({ points, duration: durationS });
    } else {
      this.primary = new RateLimiterMemory({ points, duration: durationS });
    }
  }

  /** Take `points` for `key`. Refusals are counted too; `refund` gives them back. */
  async take(key: string, points: number): Promise<{ verdict: Verdict; hold: Hold }> {
    let limiter: RateLimiterAbstract = this.primary;
    let res: RateLimiterRes;
    try {
      res = await this.bounded(limiter, limiter.consume(key, points));
    } catch (err) {
      if (err instanceof RateLimiterRes) res = err;
      else {
        this.store.redis?.failed('rate-limit', err);
        if (!this.standIn)
          throw errors.unavailable(
            'Rate limits cannot be checked right now (the shared store is unavailable).',
          );
        limiter = this.standIn;
        res = await limiter.consume(key, points).catch((e: unknown) => {
          if (e instanceof RateLimiterRes) return e;
          throw e;
        });
      }
    }
    const allowed = res.consumedPoints <= this.points;
    return {
      verdict: { allowed, remaining: allowed ? res.remainingPoints : 0, resetMs: res.msBeforeNext },
      hold: { window: this, limiter, key, points, windowEnds: Date.now() + res.msBeforeNext },
    };
  }

  /**
   * Settle a hold at `actual` points: charge the overrun, give back what was not used — but only into the
   * window it was taken from (a refund into the next window would raise that window's limit).
   */
  settle(hold: Hold, actual: number): Promise<unknown> {
    const diff = actual - hold.points;
    if (diff > 0) return this.quietly(hold.limiter, hold.limiter.penalty(hold.key, diff));
    if (diff < 0 && Date.now() < hold.windowEnds) {
      return this.quietly(hold.limiter, hold.limiter.reward(hold.key, -diff));
    }
    return Promise.resolve();
  }

  /** Redis calls give up after the configured timeout (then the stand-in or a 503 takes over). */
  private bounded<T>(limiter: RateLimiterAbstract, p: Promise<T>): Promise<T> {
    return limiter === this.primary && this.store.redis ? withDeadline(p, this.store.timeoutMs) : p;
  }

  private quietly(limiter: RateLimiterAbstract, p: Promise<unknown>): Promise<unknown> {
    return this.bounded(limiter, p).catch((err) => this.store.redis?.failed('rate-limit', err));
  }
}
