/**
 * One request's accounting — tokens, cost, cache result — computed once and shared by every plugin that
 * reports it (metrics, access log, data sharing, the cost header), whatever their order in the YAML list.
 */
import type { Reply, RequestContext } from '@switchyard/core';
import type { Usage } from '@switchyard/protocol';
import { costOf, type Tokens, tokensOf } from './cost.js';
import type { PriceTable } from './price-table.js';

export type CacheResult = 'hit' | 'miss' | 'bypass';

export interface Account {
  /** From the cache plugin's `x-switchyard-cache` header; undefined without a cache plugin. */
  cache?: CacheResult;
  /** Undefined when no usage is known (an error, a stream cut before its usage chunk). */
  tokens?: Tokens;
  /** USD. 0 for a cache hit (no upstream call); undefined when unpriced or when usage is unknown. */
  costUsd?: number;
  /** Usage is known but no price exists for the model. */
  unpriced: boolean;
}

/** The response header a cache plugin sets: hit | miss | bypass. */
export const CACHE_HEADER = 'x-switchyard-cache';

declare module '@switchyard/core' {
  interface RequestState {
    /** The last account computed, with the usage it was computed from. */
    account?: { usage: Usage | undefined; cache: string | undefined; value: Account };
  }
}

function cacheResult(ctx: RequestContext): CacheResult | undefined {
  const value = ctx.responseHeaders[CACHE_HEADER];
  return value === 'hit' || value === 'miss' || value === 'bypass' ? value : undefined;
}

/** The usage of the answer: set by the core (JSON at once, streams at the end), or carried by a cached JSON reply. */
function usageOf(ctx: RequestContext, reply?: Reply): Usage | undefined {
  if (ctx.usage) return ctx.usage;
  if (reply?.kind !== 'json') return undefined;
  const usage = (reply.body as { usage?: unknown } | undefined)?.usage;
  return usage && typeof usage === 'object' ? (usage as Usage) : undefined;
}

/** The model the upstream was asked for (the target's, or the client's when the target passes it through). */
export function upstreamModel(ctx: RequestContext): string | undefined {
  return ctx.target ? (ctx.target.model ?? ctx.body.model) : undefined;
}

/**
 * The account of a request as far as it is known now. Recomputed only when the usage or the cache result
 * changed since the last call, so the plugins of one request share one computation.
 */
export function accountFor(ctx: RequestContext, table: PriceTable, reply?: Reply): Account {
  const usage = usageOf(ctx, reply);
  const cache = cacheResult(ctx);
  const memo = ctx.state.account;
  if (memo && memo.usage === usage && memo.cache === cache) return memo.value;
  const value = compute(ctx, table, usage, cache);
  ctx.state.account = { usage, cache, value };
  return value;
}

function compute(
  ctx: RequestContext,
  table: PriceTable,
  usage: Usage | undefined,
  cache: CacheResult | undefined,
): Account {
  const tokens = usage ? tokensOf(usage) : undefined;
  if (!tokens) return { cache, unpriced: false };
  if (cache === 'hit') return { cache, tokens, costUsd: 0, unpriced: false };
  const target = ctx.target;
  const model = upstreamModel(ctx);
  if (!target || model === undefined) return { cache, tokens, unpriced: false };
  const provider = target.provider_ref;
  const price = table.lookup(provider.id, provider.type, model);
  if (!price) {
    table.warnUnpriced(provider.id, model, ctx.log);
    return { cache, tokens, unpriced: true };
  }
  return { cache, tokens, costUsd: costOf(tokens, price), unpriced: false };
}
