/** Durations and sizes as config writes them (`250ms`, `5s`, `10m`, `1h`; `512kb`, `10mb`). */
import * as v from 'valibot';

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/;
const DURATION_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const SIZE = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i;
const SIZE_BYTES = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 } as const;

/** Milliseconds; plain numbers are already ms. NaN when unreadable. */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') return value;
  const m = DURATION.exec(value.trim());
  return m ? Number(m[1]) * DURATION_MS[m[2] as keyof typeof DURATION_MS] : Number.NaN;
}

/** Bytes; plain numbers are already bytes. NaN when unreadable. */
export function parseSize(value: string | number): number {
  if (typeof value === 'number') return value;
  const m = SIZE.exec(value.trim());
  return m ? Math.round(Number(m[1]) * SIZE_BYTES[(m[2]?.toLowerCase() ?? 'b') as keyof typeof SIZE_BYTES]) : Number.NaN;
}

/** valibot: a duration string or ms number → ms. */
export const duration = (description?: string) =>
  v.pipe(
    v.union([v.string(), v.number()], 'must be a duration like 250ms, 5s, 10m or 1h'),
    v.transform(parseDuration),
    v.number(),
    v.check((n) => Number.isFinite(n) && n >= 0, 'must be a duration like 250ms, 5s, 10m or 1h'),
    v.description(description ?? 'A duration: 250ms, 5s, 10m, 1h (numbers are milliseconds).'),
  );

/** valibot: a size string or byte count → bytes. */
export const size = (description?: string) =>
  v.pipe(
    v.union([v.string(), v.number()], 'must be a size like 512kb or 10mb'),
    v.transform(parseSize),
    v.number(),
    v.check((n) => Number.isFinite(n) && n >= 0, 'must be a size like 512kb or 10mb'),
    v.description(description ?? 'A size: 512kb, 10mb (numbers are bytes).'),
  );
