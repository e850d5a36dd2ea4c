/**
 * The cache key: SHA-256 over the route and its targets (what will answer), the operation, the caller's
 * identity (tenants never share entries), and every request field except the few that cannot change the
 * answer. Fields are listed by exclusion, so a field the gateway does not know (a vendor's `top_k`) still
 * separates entries. Objects are serialized with sorted keys: `{a, b}` and `{b, a}` are one entry.
 */
import { hash } from 'node:crypto';
import type { RequestContext } from '@switchyard/core';
import { configure } from 'safe-stable-stringify';

const stringify = configure({ deterministic: true, circularValue: null, bigint: false });

/** Delivery and bookkeeping fields: the same question with any of these gets the same answer. */
export const NEUTRAL_FIELDS: ReadonlySet<string> = new Set([
  'stream',
  'stream_options',
  'metadata',
  'store',
  'user',
  'prompt_cache_key',
  'safety_identifier',
]);

const VERSION = 1;

export function cacheKey(ctx: RequestContext): string {
  const fields: Record<string, unknown> = {};
  const body = ctx.body;
  for (const name in body) if (!NEUTRAL_FIELDS.has(name)) fields[name] = body[name];
  const route = ctx.route!;
  const material = stringify([
    VERSION,
    ctx.operation,
    route.name,
    route.targets.map((t) => t.key),
    ctx.principal?.name ?? '',
    fields,
  ]);
  return hash('sha256', material!, 'hex');
}
