/**
 * Attempt feedback for the strategies that need it, wired only when a route uses one: time to first
 * byte per target (least_latency), and requests in flight per target (least_busy). A request occupies
 * the target it was sent to from selection until it ends (onResponse / onError: streams included);
 * when a fallback answers instead, the load moves there.
 */
import type { HookHandlers, RequestContext } from '@switchyard/core';
import type { TargetStats } from './stats.js';

declare module '@switchyard/core' {
  interface RequestState {
    /** The target this request is counted in flight on (router, least_busy). */
    routerBusyOn?: string;
  }
}

export type Feedback = 'latency' | 'inflight';

export interface FeedbackHooks {
  hooks: Partial<Pick<HookHandlers, 'onAttempt' | 'onResponse' | 'onError'>>;
  /** Count the request in flight on this target (moving it from the one it was on). */
  occupy?: (ctx: RequestContext, key: string) => void;
}

export function feedbackHooks(stats: TargetStats, needs: ReadonlySet<Feedback>): FeedbackHooks {
  const latency = needs.has('latency');
  const inflight = needs.has('inflight');
  if (!latency && !inflight) return { hooks: {} };

  const occupy = (ctx: RequestContext, key: string) => {
    const was = ctx.state.routerBusyOn;
    if (was === key) return;
    if (was !== undefined) stats.end(was);
    stats.start(key);
    ctx.state.routerBusyOn = key;
  };
  const release = (ctx: RequestContext) => {
    const was = ctx.state.routerBusyOn;
    if (was === undefined) return;
    stats.end(was);
    ctx.state.routerBusyOn = undefined;
  };

  const hooks: FeedbackHooks['hooks'] = {
    onAttempt(outcome, ctx) {
      if (latency) {
        // A timeout is time lost on that target and counts as a (slow) sample; a fast refusal does not
        // make a target look fast (the circuit breaker's concern).
        if (outcome.ok) stats.observeLatency(outcome.target.key, outcome.ttfbMs ?? outcome.durationMs);
        else if (outcome.error?.code === 'upstream_timeout')
          stats.observeLatency(outcome.target.key, outcome.durationMs);
      }
      if (inflight && outcome.ok) occupy(ctx, outcome.target.key);
    },
  };
  if (inflight) {
    hooks.onResponse = release;
    hooks.onError = (_error, ctx) => release(ctx);
  }
  return { hooks, occupy: inflight ? occupy : undefined };
}
