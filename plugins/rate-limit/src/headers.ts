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

export function writeCount(headers: Record<string, string>, kind: 'requests' | 'tokens', c: Count): void {
  headers[`x-ratelimit-limit-${kind}`] = String(c.limit);
  headers[`x-ratelimit-remaining-${kind}`] = String(c.remaining);
  headers[`x-ratelimit-reset-${kind}`] = resetText(c.resetMs);
}

/** Keep the tighter of two counts (the one with fewer points left). */
export function tighter(a: Count | undefined, b: Count): Count {
  return !a || b.remaining < a.remaining ? b : a;
}
