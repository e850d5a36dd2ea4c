/**
 * What the mock upstream says: a chat.completion and its streamed form, shaped like gpt-4o-mini's real
 * answers (ids, fingerprint, usage details), about 700 bytes as JSON, about 20 SSE events streamed.
 */
const ID = 'chatcmpl-BenchK9xQ2mZt4Lw7Hc3Vn8Ry1Pd5';
const CREATED = 1764028800;
const MODEL = 'gpt-4o-mini-2024-07-18';
const FINGERPRINT = 'fp_560af6e559';
const CONTENT =
  'Switchyard routes each request to the first matching route, then tries its targets in order until one answers.';
const USAGE = {
  prompt_tokens: 24,
  completion_tokens: 22,
  total_tokens: 46,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: {
    reasoning_tokens: 0,
    audio_tokens: 0,
    accepted_prediction_tokens: 0,
    rejected_prediction_tokens: 0,
  },
};

export function completionBody() {
  return JSON.stringify({
    id: ID,
    object: 'chat.completion',
    created: CREATED,
    model: MODEL,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: CONTENT, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: USAGE,
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
  });
}

function chunk(delta, finishReason, usage) {
  const body = {
    id: ID,
    object: 'chat.completion.chunk',
    created: CREATED,
    model: MODEL,
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
    choices: delta ? [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] : [],
  };
  if (usage !== undefined) body.usage = usage;
  return `data: ${JSON.stringify(body)}\n\n`;
}

/** The SSE events of one streamed answer: role, one event per word, finish, optional usage, [DONE]. */
export function streamEvents({ includeUsage }) {
  const words = CONTENT.split(/(?<= )/);
  const usage = includeUsage ? null : undefined;
  const events = [chunk({ role: 'assistant', content: '', refusal: null }, null, usage)];
  for (const word of words) events.push(chunk({ content: word }, null, usage));
  events.push(chunk({}, 'stop', usage));
  if (includeUsage) events.push(chunk(undefined, null, USAGE));
  events.push('data: [DONE]\n\n');
  return events;
}
