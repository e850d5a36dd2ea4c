/** The `circuit-breaker` YAML block (SPEC §3): every key with its default; docs/resilience.md has the table. */
import { duration } from '@switchyard/core';
import * as v from 'valibot';

export const schema = v.strictObject({
  error_threshold_percent: v.optional(
    v.pipe(
      v.number(),
      v.minValue(0),
      v.maxValue(100),
      v.description('The circuit opens when more than this share of attempts in the window failed.'),
    ),
    50,
  ),
  volume_threshold: v.optional(
    v.pipe(
      v.number(),
      v.integer(),
      v.minValue(1),
      v.description('Attempts the window must hold before the circuit may open.'),
    ),
    5,
  ),
  rolling_window: v.optional(duration('How far back failures are counted.'), '10s'),
  reset_timeout: v.optional(duration('How long an open circuit stays open before one trial request.'), '30s'),
});

export type BreakerOptions = v.InferOutput<typeof schema>;
