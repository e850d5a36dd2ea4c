/** Small, allocation-light readers for upstream response headers. */
import type { UpstreamHttpResponse } from './contract.js';

type RawHeaders = UpstreamHttpResponse['headers'];

export function header(headers: RawHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The wait an upstream asked for, in ms: `retry-after-ms`, else `retry-after` as seconds or an HTTP date.
 * Undefined when absent or unreadable.
 */
export function retryAfterMs(headers: RawHeaders, now = Date.now()): number | undefined {
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined) {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0) return n;
  }
  const ra = header(headers, 'retry-after');
  if (ra === undefined) return undefined;
  const seconds = Number(ra);
  if (ra.trim() !== '' && Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(ra);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Google-style durations in error bodies (`"37s"`, `"1.5s"`) → ms. */
export function durationStringMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return m ? Number(m[1]) * 1000 : undefined;
}

/** Parse a JSON error body without throwing; non-JSON bodies come back as undefined. */
export function parseJsonSafe(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
