/**
 * valibot schemas for what the gateway reads from client bodies. They check only the fields the
 * gateway itself relies on; every other field is left alone (looseObject) and reaches the upstream.
 */
import * as v from 'valibot';

const message = v.looseObject({
  role: v.picklist(
    ['system', 'developer', 'user', 'assistant', 'tool', 'function'],
    'must be one of system, developer, user, assistant, tool, function',
  ),
  content: v.optional(
    v.nullable(
      v.union(
        [v.string(), v.array(v.looseObject({ type: v.string() }))],
        'must be a string or an array of content parts',
      ),
    ),
  ),
});

export const chatRequestSchema = v.looseObject({
  model: v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty')),
  messages: v.pipe(
    v.array(message, 'must be an array of messages'),
    v.minLength(1, 'must contain at least one message'),
  ),
  stream: v.optional(v.nullable(v.boolean('must be a boolean'))),
  stream_options: v.optional(
    v.nullable(v.looseObject({ include_usage: v.optional(v.boolean('must be a boolean')) })),
  ),
  tools: v.optional(v.array(v.looseObject({ type: v.string('must be a string') }), 'must be an array')),
  max_tokens: v.optional(
    v.nullable(v.pipe(v.number('must be a number'), v.integer('must be an integer'), v.minValue(1))),
  ),
  max_completion_tokens: v.optional(
    v.nullable(v.pipe(v.number('must be a number'), v.integer('must be an integer'), v.minValue(1))),
  ),
  temperature: v.optional(v.nullable(v.number('must be a number'))),
  n: v.optional(
    v.nullable(v.pipe(v.number('must be a number'), v.integer('must be an integer'), v.minValue(1))),
  ),
});

export const embeddingsRequestSchema = v.looseObject({
  model: v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty')),
  input: v.union(
    [v.string(), v.array(v.string()), v.array(v.number()), v.array(v.array(v.number()))],
    'must be a string, an array of strings, or token arrays',
  ),
});

/** The first problem of a failed check, as an OpenAI `param` path (`messages[0].role`) and message. */
export function firstIssue(issues: readonly v.BaseIssue<unknown>[]): { param: string; message: string } {
  const issue = issues[0]!;
  let param = '';
  for (const item of issue.path ?? []) {
    const key = (item as { key?: unknown }).key;
    param += typeof key === 'number' ? `[${key}]` : param ? `.${String(key)}` : String(key);
  }
  const received = issue.received === 'undefined' ? 'missing' : `got ${issue.received}`;
  const text = issue.received === 'undefined' ? 'is required' : `${issue.message} (${received})`;
  return { param, message: `'${param || 'body'}' ${text}` };
}
