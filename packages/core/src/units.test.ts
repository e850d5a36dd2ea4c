import * as v from 'valibot';
import { describe, expect, test } from 'vitest';
import { duration, parseDuration, parseSize, size } from './units.js';

describe('parseDuration', () => {
  test.each([
    ['250ms', 250],
    ['5s', 5000],
    ['1.5s', 1500],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['0s', 0],
    [1234, 1234],
    [0, 0],
  ])('%s → %d ms', (input, ms) => expect(parseDuration(input)).toBe(ms));

  test.each(['5', '5 s', '5S', 's', '-1s', '1w', '', 'five seconds'])('"%s" is refused', (input) => {
    expect(() => parseDuration(input)).toThrow(/expected a duration/);
  });

  test.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('%d is refused', (input) => {
    expect(() => parseDuration(input)).toThrow(/expected a duration/);
  });
});

describe('parseSize', () => {
  test.each([
    ['10mb', 10 * 1024 * 1024],
    ['512kb', 512 * 1024],
    ['1gb', 1024 ** 3],
    ['100b', 100],
    ['10MB', 10 * 1024 * 1024],
    ['1.5kb', 1536],
    [4096, 4096],
  ])('%s → %d bytes', (input, bytes) => expect(parseSize(input)).toBe(bytes));

  test.each(['10', '10 mb', '10m', 'mb', '1tb', '10Mb'])('"%s" is refused', (input) => {
    expect(() => parseSize(input)).toThrow(/expected a size/);
  });
});

describe('schemas', () => {
  test('duration() converts and explains what it expects', () => {
    expect(v.parse(duration(), '2s')).toBe(2000);
    expect(v.parse(duration(), 15)).toBe(15);
    const bad = v.safeParse(duration(), '2 seconds');
    expect(bad.issues?.map((i) => i.message)).toEqual([
      'expected a duration like 250ms, 5s, 10m, 1h or 1d (a number is milliseconds)',
    ]);
    expect(v.safeParse(duration(), -5).success).toBe(false);
    expect(v.safeParse(duration(), true).success).toBe(false);
  });

  test('size() converts and explains what it expects', () => {
    expect(v.parse(size(), '1kb')).toBe(1024);
    expect(v.safeParse(size(), '1 kilobyte').issues?.[0]?.message).toBe(
      'expected a size like 512kb, 10mb or 1gb (a number is bytes)',
    );
  });
});
