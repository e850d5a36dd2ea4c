/**
 * Durations and sizes as the config writes them (`250ms`, `10mb`), and the valibot schemas that turn
 * them into milliseconds and bytes. Shared by the config loader and every plugin schema (cache ttl, retry backoff, ...) read
 * durations exactly like the core does.
 */
import * as v from 'valibot';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
// Lower or upper case units; a pattern without flags, so JSON Schema can carry it.
const SIZE = /^(\d+(?:\.\d+)?)(b|kb|mb|gb|B|KB|MB|GB)$/;

const MS_PER: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
// Binary multiples, as body-size limits are usually meant.
const BYTES_PER: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

const DURATION_HINT = 'expected a duration like 250ms, 5s, 10m, 1h or 1d (a number is milliseconds)';
const SIZE_HINT = 'expected a size like 512kb, 10mb or 1gb (a number is bytes)';

function convert(
  value: string | number,
  pattern: RegExp,
  units: Record<string, number>,
  hint: string,
): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return value;
    throw new RangeError(`${hint}, got ${value}`);
  }
  const match = pattern.exec(value);
  if (!match) throw new RangeError(`${hint}, got "${value}"`);
  return Math.round(Number(match[1]) * units[match[2]!.toLowerCase()]!);
}

/** Milliseconds: `'250ms'`, `'5s'`, `'10m'`, `'1h'`, `'1d'`; a number is already milliseconds. */
export function parseDuration(value: string | number): number {
  return convert(value, DURATION, MS_PER, DURATION_HINT);
}

/** Bytes: `'512kb'`, `'10mb'`, `'1gb'` (binary multiples; lower or upper case); a number is already bytes. */
export function parseSize(value: string | number): number {
  return convert(value, SIZE, BYTES_PER, SIZE_HINT);
}

const nonNegative = (hint: string) =>
  v.pipe(v.number(hint), v.minValue(0, hint), v.maxValue(Number.MAX_SAFE_INTEGER, hint));

/** A valibot schema: a duration string or a number of ms in, milliseconds out. */
export function duration(description = 'A duration: 250ms, 5s, 10m, 1h, 1d (a number is milliseconds).') {
  return v.pipe(
    v.union(
      [v.pipe(v.string(), v.regex(DURATION, DURATION_HINT)), nonNegative(DURATION_HINT)],
      DURATION_HINT,
    ),
    v.transform(parseDuration),
    v.description(description),
  );
}

/** A valibot schema: a size string or a number of bytes in, bytes out. */
export function size(description = 'A size: 512kb, 10mb, 1gb (a number is bytes).') {
  return v.pipe(
    v.union([v.pipe(v.string(), v.regex(SIZE, SIZE_HINT)), nonNegative(SIZE_HINT)], SIZE_HINT),
    v.transform(parseSize),
    v.description(description),
  );
}
