/** The `retry` YAML block (SPEC §3): every key with its default; docs/resilience.md has the table. */
import { duration } from '@switchyard/core';
import * as v from 'valibot';

/** Client errors are never retried: the same request would fail the same way (SPEC §4). */
export const isClientError = (status: number) =>
  status >= 400 && status < 500 && status !== 408 && status !== 409 && status !== 429;

const status = v.pipe(
  v.number('expected an HTTP status code'),
  v.integer('expected an HTTP status code'),
  v.minValue(400, 'expected an error status (400-599)'),
  v.maxValue(599, 'expected an error status (400-599)'),
  v.check((s) => !isClientError(s), 'client errors are never retried (only 408, 409 and 429 among 4xx)'),
);

const backoff = v.strictObject({
  initial: v.optional(duration('Wait before the second attempt.'), '200ms'),
  max: v.optional(
    duration(
      'Longest wait between two attempts; a retry-after longer than this moves on to the next target.',
    ),
    '5s',
  ),
  multiplier: v.optional(
    v.pipe(v.number(), v.minValue(1), v.description('Each wait is this many times the previous one.')),
    2,
  ),
  jitter: v.optional(
    v.pipe(
      v.number(),
      v.minValue(0),
      v.maxValue(1),
      v.description('Random spread of each wait, ± this fraction.'),
    ),
    0.2,
  ),
});

export const schema = v.pipe(
  v.strictObject({
    attempts: v.optional(
      v.pipe(
        v.number(),
        v.integer(),
        v.minValue(1),
        v.maxValue(20),
        v.description('Attempts per target, the first one included.'),
      ),
      3,
    ),
    on_status: v.optional(
      v.pipe(
        v.array(status),
        v.description(
          'Upstream statuses worth another attempt (transport failures and timeouts always are).',
        ),
      ),
      [429, 500, 502, 503, 504, 529],
    ),
    backoff: v.optional(backoff, {}),
  }),
  v.check((o) => o.backoff.initial <= o.backoff.max, 'backoff.initial must not exceed backoff.max'),
);

export type RetryOptions = v.InferOutput<typeof schema>;
