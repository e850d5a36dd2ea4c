/** One OpenAI chat request → the Gemini generateContent / streamGenerateContent HTTP request. */
import type { ProviderConfig, UpstreamCall, UpstreamHttpRequest } from '@switchyard/core';
import type { GeminiRequest } from './gemini-types.js';
import { generationConfig } from './generation.js';
import { translateMessages } from './messages.js';
import { translateTools } from './tools.js';

export function buildRequest(
  config: Pick<ProviderConfig, 'base_url' | 'api_key' | 'headers'>,
  call: UpstreamCall,
): UpstreamHttpRequest {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (config.api_key) headers['x-goog-api-key'] = config.api_key;
  Object.assign(headers, config.headers);
  return {
    method: 'POST',
    path: upstreamPath(config.base_url, call.model, call.stream),
    headers,
    body: JSON.stringify(translateRequest(call.body)),
  };
}

export function translateRequest(body: UpstreamCall['body']): GeminiRequest {
  const req: GeminiRequest = { ...translateMessages(body.messages), ...translateTools(body) };
  const generation = generationConfig(body);
  if (generation) req.generationConfig = generation;
  return req;
}

/**
 * `{base path}/v1beta/models/{model}:generateContent` (or `:streamGenerateContent?alt=sse`), relative to
 * the origin. A base_url path prefix (a proxy) is kept; one that already names the API version is not
 * doubled. `models/x` and tuned-model names (`tunedModels/x`) are accepted as they are.
 */
export function upstreamPath(baseUrl: string, model: string, stream: boolean): string {
  const prefix = new URL(baseUrl).pathname.replace(/\/+$/, '');
  const version = /\/v1(?:beta|alpha)?$/.test(prefix) ? '' : '/v1beta';
  const resource = /^[a-zA-Z]+\//.test(model)
    ? model.split('/').map(encodeURIComponent).join('/')
    : `models/${encodeURIComponent(model)}`;
  const method = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
  return `${prefix}${version}/${resource}:${method}`;
}
