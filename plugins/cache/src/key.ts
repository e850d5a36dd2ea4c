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

const VERSION = 2;

/** What answers a route (its name and targets) is fixed per config: serialized once per route. */
const routeParts = new WeakMap<object, string>();
function routePart(route: NonNullable<RequestContext['route']>): string {
  let part = routeParts.get(route);
  if (part === undefined) {
    part = stringify([route.name, route.targets.map((t) => t.key)])!;
    routeParts.set(route, part);
  }
  return part;
}

export function cacheKey(ctx: RequestContext): string {
  const fields: Record<string, unknown> = {};
  const body = ctx.body;
  for (const name in body) if (!NEUTRAL_FIELDS.has(name)) fields[name] = body[name];
  const material = stringify([VERSION, ctx.operation, ctx.principal?.name ?? '', fields]);
  return hash('sha256', `${routePart(ctx.route!)}${material}`, 'hex');
}
