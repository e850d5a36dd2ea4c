/** The `data-sharing` block (SPEC §3). Durations are in ms after validation. */
import { duration } from '@switchyard/core';
import * as v from 'valibot';

function regexError(source: string): string | undefined {
  try {
    new RegExp(source, 'g');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

export const schema = v.object({
  endpoint: v.pipe(
    v.string(),
    v.url('expected the collector URL'),
    v.description('Where batches are POSTed (JSON).'),
  ),
  api_key: v.optional(
    v.pipe(
      v.string(),
      v.description('Sent as Authorization: Bearer; read it from the environment with $' + '{VAR}.'),
    ),
  ),
  headers: v.optional(
    v.pipe(v.record(v.string(), v.string()), v.description('Extra headers on every POST.')),
    {},
  ),
  share_prompts: v.optional(
    v.pipe(v.boolean(), v.description('Add the request messages (after redaction) to each record.')),
    false,
  ),
  share_responses: v.optional(
    v.pipe(v.boolean(), v.description('Add the answer (after redaction) to each record.')),
    false,
  ),
  redact: v.optional(
    v.pipe(
      v.array(
        v.pipe(
          v.string(),
          v.check(
            (source) => regexError(source) === undefined,
            (issue) => `invalid regex: ${regexError(String(issue.input))}`,
          ),
        ),
      ),
      v.description(
        'Regexes whose matches in shared prompts and answers become [REDACTED] (credentials always are).',
      ),
    ),
    [],
  ),
  batch_size: v.optional(
    v.pipe(
      v.number(),
      v.integer(),
      v.minValue(1),
      v.maxValue(10_000),
      v.description('Records per POST at most.'),
    ),
    100,
  ),
  flush_interval: v.optional(
    v.pipe(duration(), v.minValue(10), v.description('Longest wait before queued records are sent.')),
    '5s',
  ),
  queue_limit: v.optional(
    v.pipe(
      v.number(),
      v.integer(),
      v.minValue(1),
      v.description('Records held while the collector is slow or down; newer ones are dropped and counted.'),
    ),
    10_000,
  ),
  timeout: v.optional(v.pipe(duration(), v.minValue(10), v.description('Longest wait for one POST.')), '10s'),
  backoff: v.optional(
    v.pipe(
      v.strictObject({
        initial: v.optional(duration(), '500ms'),
        max: v.optional(duration(), '30s'),
      }),
      v.description('Waits between retries after a 429, a 5xx or a network error (doubling, with jitter).'),
    ),
    {},
  ),
  flush_timeout: v.optional(
    v.pipe(
      duration(),
      v.description('At shutdown, how long queued records may take to reach the collector.'),
    ),
    '10s',
  ),
});

export type Options = v.InferOutput<typeof schema>;
