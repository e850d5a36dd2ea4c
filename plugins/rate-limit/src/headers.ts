/**
 * The spec's rate-limit headers, in OpenAI's format so existing clients read them: counts as integers,
 * resets as Go-style durations (`350ms`, `12s`, `1m5s`), retry-after in whole seconds.
 */
export interface Count {
  limit: number;
  remaining: number;
  resetMs: number;
}

export function resetText(ms: number): string {
  const clamped = Math.max(0, Math.ceil(ms));
  if (clamped < 1000) return `${clamped}ms`;
  const s = Math.ceil(clamped / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60}s`;
}

const NAMES = {
  requests: ['x-ratelimit-limit-requests', 'x-ratelimit-remaining-requests', 'x-ratelimit-reset-requests'],
  tokens: ['x-ratelimit-limit-tokens', 'x-ratelimit-remaining-tokens', 'x-ratelimit-reset-tokens'],
} as const;

export function writeCount(headers: Record<string, string>, kind: 'requests' | 'tokens', c: Count): void {
  const [limit, remaining, reset] = NAMES[kind];
  headers[limit] = String(c.limit);
  headers[remaining] = String(c.remaining);
  headers[reset] = resetText(c.resetMs);
}

/** Keep the tighter of two counts (the one with fewer points left). */
export function tighter(a: Count | undefined, b: Count): Count {
  return !a || b.remaining < a.remaining ? b : a;
}
