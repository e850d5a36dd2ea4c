/**
 * OpenAI-compatible vendors (SPEC §3 presets): the OpenAI adapter with each vendor's default base URL
 * and the quirks that break a plain pass-through. docs/providers.md lists them with their reasons.
 * Every preset sends `developer` messages as `system`: none of these servers is sure to know the role.
 */
import type { Operation, ProviderDefinition } from '@switchyard/core';
import { type OpenAIAdapterOptions, openaiAdapter } from './adapter.js';
import { mistralAnswer, mistralRequest } from './mistral.js';
import { type OpenAIOptions, openaiHeaders, openaiSchema } from './options.js';
import {
  type AnswerRewrite,
  type BodyRewrite,
  developerAsSystem,
  dropFields,
  dropMessageNames,
  finishReasons,
  jsonObjectAsSchema,
  reasoningOnlyOnToolTurns,
  renameField,
} from './quirks.js';

export interface Quirks {
  /** Chat request rewrites, in order (embeddings requests go as they are). */
  request?: BodyRewrite[];
  /** Chat answer rewrites (JSON bodies and stream chunks). */
  answer?: AnswerRewrite[];
  /** Operations the vendor serves (default: chat and embeddings). */
  operations?: readonly Operation[];
}

function presetOptions(quirks: Quirks): OpenAIAdapterOptions {
  const request = [developerAsSystem, ...(quirks.request ?? [])];
  const answer = quirks.answer ?? [];
  return {
    operations: quirks.operations,
    rewriteBody: (body, call) =>
      call.operation === 'chat' ? request.reduce((b, rewrite) => rewrite(b, call), body) : body,
    ...(answer.length > 0 && {
      rewriteAnswer: (body) => answer.reduce((b, rewrite) => rewrite.apply(b), body),
      rewriteAnswerWhen: new RegExp(answer.map((r) => r.when.source).join('|')),
    }),
  };
}

function preset(
  type: string,
  defaultBaseUrl: string,
  quirks: Quirks = {},
): ProviderDefinition<OpenAIOptions> {
  const options = presetOptions(quirks);
  return {
    type,
    defaultBaseUrl,
    schema: openaiSchema,
    create: (config) => openaiAdapter(config, { ...options, headers: openaiHeaders(config) }),
  };
}

const CHAT_ONLY: readonly Operation[] = ['chat'];

export const presets: Record<string, ProviderDefinition> = Object.fromEntries(
  [
    // Groq answers 400 to `messages[].name`; it serves no embeddings.
    preset('groq', 'https://api.groq.com/openai/v1', { request: [dropMessageNames], operations: CHAT_ONLY }),
    // Together may end an answer with finish_reason `eos`; its `{"error":"text"}` bodies are classified by errors.ts.
    preset('together', 'https://api.together.xyz/v1', { answer: [finishReasons({ eos: 'stop' })] }),
    // OpenRouter's `: OPENROUTER PROCESSING` comments, leading whitespace and mid-stream error chunks are
    // handled by the SSE parser and the adapter for every OpenAI-compatible server.
    preset('openrouter', 'https://openrouter.ai/api/v1'),
    // DeepSeek streams `reasoning_content` (passed through). It ends an answer cut short by load with
    // `insufficient_system_resource`: reported as `length`, the client's cue that the text is incomplete.
    preset('deepseek', 'https://api.deepseek.com/v1', {
      request: [reasoningOnlyOnToolTurns],
      answer: [finishReasons({ insufficient_system_resource: 'length' })],
      operations: CHAT_ONLY,
    }),
    preset('mistral', 'https://api.mistral.ai/v1', { request: mistralRequest, answer: mistralAnswer }),
    // Fireworks refuses `stream_options` and always puts usage on the last stream chunk.
    preset('fireworks', 'https://api.fireworks.ai/inference/v1', { request: [dropFields('stream_options')] }),
    preset('xai', 'https://api.x.ai/v1'),
    // Perplexity has no /v1 prefix and no embeddings.
    preset('perplexity', 'https://api.perplexity.ai', { operations: CHAT_ONLY }),
    // Ollama's /v1 layer reads `max_tokens` only.
    preset('ollama', 'http://127.0.0.1:11434/v1', {
      request: [renameField('max_completion_tokens', 'max_tokens')],
    }),
    preset('vllm', 'http://127.0.0.1:8000/v1'),
    // LM Studio refuses `response_format: json_object` (only `json_schema` or `text`).
    preset('lmstudio', 'http://127.0.0.1:1234/v1', { request: [jsonObjectAsSchema] }),
  ].map((p) => [p.type, p]),
);
