/** The router's attempt feedback: what is measured, where a request is counted in flight, and when not. */
import { type AttemptOutcome, type RequestContext, type Target, UpstreamError } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { feedbackHooks } from './feedback.js';
import { TargetStats } from './stats.js';

const t = (key: string) => ({ key, provider: key, model: 'm', weight: 1 }) as Target;
const A = t('a');
const B = t('b');
const ctx = () => ({ state: {} }) as RequestContext;
const attempt = (target: Target, fields: Partial<AttemptOutcome>): AttemptOutcome => ({
  target,
  attemptOnTarget: 1,
  attempt: 1,
  ok: false,
  status: 0,
  durationMs: 0,
  ...fields,
});

describe('router feedback', () => {
  it('wires nothing when no route needs it', () => {
    expect(feedbackHooks(new TargetStats(), new Set())).toEqual({ hooks: {} });
  });

  it('latency: samples successes and timeouts, not fast refusals', () => {
    const stats = new TargetStats();
    const { hooks, occupy } = feedbackHooks(stats, new Set(['latency']));
    expect(occupy).toBeUndefined();
    expect(hooks.onResponse).toBeUndefined();
    hooks.onAttempt!(attempt(A, { ok: true, status: 200, ttfbMs: 40, durationMs: 45 }), ctx());
    expect(stats.latencyOf('a')).toBe(40);
    const refused = new UpstreamError(502, 'upstream_error', 'ECONNREFUSED', {
      code: 'upstream_unreachable',
    });
    hooks.onAttempt!(attempt(B, { error: refused, durationMs: 1 }), ctx());
    expect(stats.latencyOf('b')).toBeUndefined();
    const timeout = new UpstreamError(504, 'upstream_timeout', 'first_token timeout', {
      code: 'upstream_timeout',
    });
    hooks.onAttempt!(attempt(B, { error: timeout, durationMs: 3000 }), ctx());
    expect(stats.latencyOf('b')).toBe(3000);
  });

  it('inflight: selected → counted, answered by a fallback → moved, ended → released', () => {
    const stats = new TargetStats();
    const { hooks, occupy } = feedbackHooks(stats, new Set(['inflight']));
    const one = ctx();
    const two = ctx();
    occupy!(one, 'a');
    occupy!(two, 'a');
    expect(stats.busy('a')).toBe(2);
    hooks.onAttempt!(attempt(A, { error: new UpstreamError(500, 'server_error', 'x') }), one);
    hooks.onAttempt!(attempt(B, { ok: true, status: 200 }), one);
    expect([stats.busy('a'), stats.busy('b')]).toEqual([1, 1]);
    hooks.onResponse!(one, { kind: 'json', status: 200, body: {} });
    hooks.onError!(new UpstreamError(500, 'server_error', 'x'), two);
    hooks.onError!(new UpstreamError(500, 'server_error', 'x'), two); // ending twice counts once
    expect([stats.busy('a'), stats.busy('b')]).toEqual([0, 0]);
  });
});
