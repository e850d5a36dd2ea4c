/**
 * Mistral's chat API: OpenAI-shaped, but stricter. Tool-call ids must be exactly 9 letters or digits
 * (HTTP 400 otherwise), `tool_choice` says `any` for `required`, the seed is `random_seed`, and unknown
 * fields are refused with a 422 (`extra_forbidden`), so OpenAI-only fields are left out.
 */
import { createHash } from 'node:crypto';
import type { ToolCall } from '@switchyard/protocol';
import {
  type AnswerRewrite,
  type BodyRewrite,
  completeToolCalls,
  dropFields,
  finishReasons,
  mapMessages,
  renameField,
} from './quirks.js';

const MISTRAL_ID = /^[a-zA-Z0-9]{9}$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * The id Mistral gets for a client's tool-call id. Mistral's own ids (already valid) map to themselves,
 * so ids from its answers come back unchanged; any other id (from OpenAI, Anthropic, ...) maps to 9
 * characters of its SHA-256, the same in the assistant turn and in the tool result that answers it.
 */
export function mistralToolCallId(id: string): string {
  if (MISTRAL_ID.test(id)) return id;
  const digest = createHash('sha256').update(id).digest();
  let out = '';
  for (let i = 0; i < 9; i++) out += ALPHABET[digest[i]! % ALPHABET.length];
  return out;
}

/** Ids mapped in assistant `tool_calls` and `tool` messages; tool messages get their function's `name`. */
export const mistralToolCallIds: BodyRewrite = (body) => {
  const names = new Map<string, string>();
  return mapMessages(body, (m) => {
    if (m.role === 'assistant' && m.tool_calls?.length) {
      for (const call of m.tool_calls) names.set(call.id, call.function?.name);
      return {
        ...m,
        tool_calls: m.tool_calls.map((call: ToolCall) => ({ ...call, id: mistralToolCallId(call.id) })),
      };
    }
    if (m.role === 'tool' && typeof m.tool_call_id === 'string') {
      const name = m.name ?? names.get(m.tool_call_id);
      return { ...m, tool_call_id: mistralToolCallId(m.tool_call_id), ...(name ? { name } : {}) };
    }
    return m;
  });
};

const requiredAsAny: BodyRewrite = (body) =>
  body.tool_choice === 'required' ? { ...body, tool_choice: 'any' } : body;

export const mistralRequest: BodyRewrite[] = [
  mistralToolCallIds,
  requiredAsAny,
  renameField('seed', 'random_seed'),
  renameField('max_completion_tokens', 'max_tokens'),
  // Usage always ends Mistral streams, so `stream_options` is not needed; the others have no equivalent.
  dropFields(
    'stream_options',
    'user',
    'safety_identifier',
    'store',
    'metadata',
    'service_tier',
    'prompt_cache_key',
    'logit_bias',
  ),
];

export const mistralAnswer: AnswerRewrite[] = [finishReasons({ model_length: 'length' }), completeToolCalls];
