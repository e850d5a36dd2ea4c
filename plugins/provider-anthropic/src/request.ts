/** OpenAI ChatRequest → one Anthropic Messages HTTP request (wire.md §4, mapping.md §1). */
import { errors, type UpstreamCall, type UpstreamHttpRequest } from '@switchyard/core';
import type { ChatRequest } from '@switchyard/protocol';
import { translateMessages } from './messages.js';
import { resolveLimits } from './thinking.js';
import { toolFields } from './tools.js';
import type { MessagesRequest, TextBlock } from './wire.js';

export interface RequestSettings {
  /** The path part of base_url (no trailing slash), kept in front of /v1/messages. */
  pathPrefix: string;
  apiKey?: string;
  apiVersion: string;
  maxTokensDefault: number;
  /** Extra upstream headers from the config; added last so they can override ours. */
  headers: Record<string, string>;
}

/** Anthropic has no JSON mode; the mapping tables recommend asking in the prompt. */
export const JSON_MODE_INSTRUCTION = 'Respond with a single valid JSON object and nothing else.';

export function buildHttpRequest(call: UpstreamCall, settings: RequestSettings): UpstreamHttpRequest {
  const headers: Record<string, string> = {
    'anthropic-version': settings.apiVersion,
    'content-type': 'application/json',
  };
  if (settings.apiKey) headers['x-api-key'] = settings.apiKey;
  Object.assign(headers, settings.headers);
  const body = messagesBody(call.body, call.model, call.stream, settings.maxTokensDefault);
  return { method: 'POST', path: `${settings.pathPrefix}/v1/messages`, headers, body: JSON.stringify(body) };
}

function messagesBody(body: ChatRequest, model: string, stream: boolean, maxTokensDefault: number) {
  if (!Array.isArray(body.messages)) throw errors.invalid('messages must be an array.', 'messages');
  if (typeof body.n === 'number' && body.n > 1) {
    throw errors.invalid('The anthropic provider returns one choice; n must be 1.', 'n');
  }
  const { max_tokens, thinking } = resolveLimits(body, maxTokensDefault);
  const { system, messages } = translateMessages(body.messages);
  const out: MessagesRequest = { model, max_tokens, messages };

  const format = body.response_format;
  // Added after translateMessages: when a system-only request became a user turn, this stays in system.
  if (format?.type === 'json_object') system.push({ type: 'text', text: JSON_MODE_INSTRUCTION });
  if (system.length > 0) out.system = systemValue(system);

  Object.assign(out, toolFields(body));
  // Thinking fixes the sampling: Anthropic rejects temperature (other than 1) and top_k with it.
  if (thinking) out.thinking = thinking;
  else Object.assign(out, sampling(body));

  // Anthropic refuses empty stop sequences; OpenAI clients sometimes send them.
  const stop = (typeof body.stop === 'string' ? [body.stop] : (body.stop ?? [])).filter((s) => s !== '');
  if (stop.length > 0) out.stop_sequences = stop;
  const user = body.user ?? body.safety_identifier;
  if (typeof user === 'string' && user) out.metadata = { user_id: user };
  if (format?.type === 'json_schema') {
    out.output_config = {
      format: { type: 'json_schema', schema: format.json_schema.schema ?? { type: 'object' } },
    };
  }
  if (stream) out.stream = true;
  return out;
}

/** A plain string unless a part asked for a cache breakpoint, which needs the block form. */
function systemValue(blocks: TextBlock[]): string | TextBlock[] {
  if (blocks.some((b) => b.cache_control)) return blocks;
  return blocks.map((b) => b.text).join('\n\n');
}

/**
 * Anthropic's temperature range is 0–1 (OpenAI's 0–2), so it is clamped. Recent Claude models reject
 * temperature and top_p together, so top_p is only sent alone. `top_k` is a non-OpenAI extra passed on.
 */
function sampling(body: ChatRequest): Pick<MessagesRequest, 'temperature' | 'top_p' | 'top_k'> {
  const out: Pick<MessagesRequest, 'temperature' | 'top_p' | 'top_k'> = {};
  if (typeof body.temperature === 'number') out.temperature = Math.min(1, Math.max(0, body.temperature));
  else if (typeof body.top_p === 'number') out.top_p = body.top_p;
  if (typeof body.top_k === 'number') out.top_k = body.top_k;
  return out;
}
