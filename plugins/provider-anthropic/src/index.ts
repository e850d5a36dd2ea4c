/**
 * `type: anthropic`: OpenAI Chat Completions in, Anthropic Messages (`POST {base_url}/v1/messages`) upstream,
 * and back. docs/providers/anthropic.md lists what is translated and what is lossy.
 */
import type { ProviderAdapter, ProviderConfig, ProviderDefinition } from '@switchyard/core';
import * as v from 'valibot';
import { classifyError } from './errors.js';
import { buildHttpRequest, type RequestSettings } from './request.js';
import { parseMessagesResponse } from './response.js';
import { AnthropicStreamTranslator } from './stream.js';

const anthropicOptionsSchema = v.object({
  /** Sent as `anthropic-version`. */
  api_version: v.optional(v.pipe(v.string(), v.minLength(1)), '2023-06-01'),
  /** `max_tokens` when the client sends none (Anthropic requires one). */
  max_tokens_default: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 4096),
});

export type AnthropicOptions = v.InferOutput<typeof anthropicOptionsSchema>;

function createAnthropicAdapter(config: ProviderConfig & AnthropicOptions): ProviderAdapter {
  const settings: RequestSettings = {
    pathPrefix: new URL(config.base_url).pathname.replace(/\/+$/, ''),
    apiKey: config.api_key,
    apiVersion: config.api_version,
    maxTokensDefault: config.max_tokens_default,
    headers: config.headers ?? {},
  };
  return {
    operations: ['chat'],
    buildRequest: (call) => buildHttpRequest(call, settings),
    parseResponse: (text, call) => parseMessagesResponse(text, call.requestId),
    createStreamTranslator: (call) => new AnthropicStreamTranslator(call),
    classifyError,
  };
}

const anthropic: ProviderDefinition<AnthropicOptions> = {
  type: 'anthropic',
  defaultBaseUrl: 'https://api.anthropic.com',
  schema: anthropicOptionsSchema,
  create: (config) => createAnthropicAdapter(config),
};

export default anthropic;
