/**
 * The summary of one finished request that the access log writes and data sharing exports: identity,
 * route and target, outcome, tokens, cost and latency. It never holds prompt text, answers or keys —
 * only the caller's key *name*.
 */
import type { GatewayError, Operation, Reply, RequestContext } from '@switchyard/core';
import { accountFor, type CacheResult, upstreamModel } from './account.js';
import type { Tokens } from './cost.js';
import type { PriceTable } from './price-table.js';

export interface RequestSummary {
  request_id: string;
  operation: Operation;
  path: string;
  /** Route name (`direct` for provider/model addressing); null when the request never reached routing. */
  route: string | null;
  provider: string | null;
  /** The model sent upstream. */
  model: string | null;
  /** The model the client asked for. */
  requested_model: string;
  stream: boolean;
  status: number;
  /** Error type and code only: messages can quote the request. */
  error: { type: string; code: string | null } | null;
  attempts: number;
  fallbacks: number;
  cache: CacheResult | null;
  /** Null when no usage is known. */
  tokens: Tokens | null;
  /** USD; 0 for a cache hit; null when unpriced or when usage is unknown. */
  cost_usd: number | null;
  unpriced: boolean;
  /** Arrival to the first byte of the answer (streams: the first event). */
  ttft_ms: number | null;
  duration_ms: number;
  /** The caller's key name from the auth plugin, never the key. */
  key_name: string | null;
}

const ms = (value: number) => Math.round(value * 10) / 10;

declare module '@switchyard/core' {
  interface RequestState {
    /** The finished request's summary, built once for every plugin that reports it. */
    summary?: RequestSummary;
    /** That summary as JSON text. */
    summaryText?: { summary: RequestSummary; text: string };
  }
}

/** The summary of a finished request; the access log and data sharing share one. */
export function summarize(
  ctx: RequestContext,
  table: PriceTable,
  outcome: { status: number; reply?: Reply; error?: GatewayError },
): RequestSummary {
  const memo = ctx.state.summary;
  if (memo?.status === outcome.status) return memo;
  const summary = build(ctx, table, outcome);
  ctx.state.summary = summary;
  return summary;
}

function build(
  ctx: RequestContext,
  table: PriceTable,
  outcome: { status: number; reply?: Reply; error?: GatewayError },
): RequestSummary {
  const account = accountFor(ctx, table, outcome.reply);
  const error = outcome.error;
  return {
    request_id: ctx.id,
    operation: ctx.operation,
    path: ctx.path,
    route: ctx.route?.name ?? null,
    provider: ctx.target?.provider ?? null,
    model: upstreamModel(ctx) ?? null,
    requested_model: ctx.model,
    stream: ctx.stream,
    status: outcome.status,
    error: error ? { type: error.type, code: error.code } : null,
    attempts: ctx.attempts,
    fallbacks: ctx.fallbacks,
    cache: account.cache ?? null,
    tokens: account.tokens ?? null,
    cost_usd: account.costUsd ?? null,
    unpriced: account.unpriced,
    ttft_ms: ctx.ttftMs === undefined ? null : ms(ctx.ttftMs),
    duration_ms: ms(ctx.durationMs ?? performance.now() - ctx.startedAt),
    key_name: ctx.principal?.name ?? null,
  };
}

/**
 * The request's summary (see summarize) as JSON text, serialized once however many plugins write it
 * (access log, data sharing). Kept on the request's state: a WeakMap would cost the GC more.
 */
export function summaryJson(ctx: RequestContext, summary: RequestSummary): string {
  const memo = ctx.state.summaryText;
  if (memo?.summary === summary) return memo.text;
  const text = JSON.stringify(summary);
  ctx.state.summaryText = { summary, text };
  return text;
}
