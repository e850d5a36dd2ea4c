/**
 * Bounded label values. Route names and provider ids come from the config; a model label is a model the
 * config names (a route target or fallback, a provider's `models` list) and `other` for anything else, so
 * a client sending `provider/<anything>` or a passthrough model cannot create series at will.
 */
import type { AttemptOutcome, GatewayConfig, RequestContext } from '@switchyard/core';

export const OTHER = 'other';

export type ModelLabel = (ctx: RequestContext) => string;

export function modelLabeler(config: GatewayConfig): ModelLabel {
  const known = new Set<string>();
  for (const route of config.routes) {
    for (const t of [...route.targets, ...(route.fallback ?? [])]) if (t.model) known.add(t.model);
  }
  for (const provider of Object.values(config.providers)) for (const m of provider.models) known.add(m);
  return (ctx) => {
    if (!ctx.target) return '';
    const model = ctx.target.model ?? ctx.body.model;
    return known.has(model) ? model : OTHER;
  };
}

export function requestLabels(ctx: RequestContext, model: ModelLabel, status: number) {
  return {
    route: ctx.route?.name ?? '',
    provider: ctx.target?.provider ?? '',
    model: model(ctx),
    status: String(status),
  };
}

/** What happened to one attempt, in a handful of values. */
export function attemptOutcome(outcome: AttemptOutcome): string {
  if (outcome.ok) return 'ok';
  const error = outcome.error;
  if (error?.status === 499) return 'client_closed';
  if (error?.code === 'upstream_timeout') return 'timeout';
  // Outbound shaping refused it (full queue, waited too long): the upstream was never called.
  if (error?.code === 'provider_queue_full' || error?.code === 'provider_queue_timeout') return 'shaped';
  const status = outcome.status || error?.status || 0;
  if (status === 429) return 'rate_limited';
  if (outcome.status === 0 && error?.code === 'upstream_unreachable') return 'unreachable';
  if (status >= 500) return 'server_error';
  if (status >= 400) return 'client_error';
  return 'error';
}
