/**
 * The OpenAI Chat Completions adapter — nearly the identity, since OpenAI's body is the gateway's own
 * shape: the client's body is forwarded with only the model rewritten (and usage requested on streams),
 * answers are forwarded as the upstream's own text, and stream events pass through untouched.
 */
import {
  DONE,
  type ProviderAdapter,
  type ProviderConfig,
  type StreamTranslator,
  type Transport,
  type UpstreamCall,
  type UpstreamEvent,
  UpstreamError,
  type UpstreamHttpRequest,
} from '@switchyard/core';
import { classifyOpenAIError, retryableStatus } from './errors.js';

export interface OpenAIAdapterOptions {
  /** Request body rewrites a vendor needs (presets); runs after the model rewrite. */
  rewriteBody?: (body: Record<string, unknown>, call: UpstreamCall) => Record<string, unknown>;
  /** Chunk/response rewrites a vendor needs; identity for OpenAI itself. */
  rewriteAnswer?: (answer: Record<string, unknown>) => Record<string, unknown>;
  /** Extra headers (e.g. OpenAI-Organization). */
  headers?: Record<string, string>;
  transport?: Transport;
}

const PATHS = { chat: '/chat/completions', embeddings: '/embeddings' } as const;

/** A mid-stream error chunk: `{"error":{...}}` (OpenAI-compatible, OpenRouter with finish_reason "error"). */
function midStreamError(data: string): UpstreamError | undefined {
  if (!data.includes('"error"')) return undefined; // the quoted key cannot appear unescaped in content
  const chunk = JSON.parse(data);
  if (!chunk?.error) return undefined;
  const code = typeof chunk.error.code === 'number' ? chunk.error.code : 502;
  const status = code >= 400 && code < 600 ? code : 502;
  return new UpstreamError(status, chunk.error.type ?? 'upstream_error', chunk.error.message ?? 'Upstream stream error', {
    code: chunk.error.code === undefined ? null : String(chunk.error.code),
    retryable: retryableStatus(status),
  });
}

export function openaiAdapter(config: ProviderConfig, options: OpenAIAdapterOptions = {}): ProviderAdapter {
  const base = new URL(config.base_url);
  const prefix = base.pathname.replace(/\/+$/, '');
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers, ...config.headers };
  if (config.api_key) headers.authorization = `Bearer ${config.api_key}`;
  const { rewriteBody, rewriteAnswer } = options;

  function buildRequest(call: UpstreamCall): UpstreamHttpRequest {
    let body: Record<string, unknown> = call.body;
    if (call.stream && call.operation === 'chat') {
      body = { ...body, stream_options: { ...(body.stream_options as object | undefined), include_usage: true } };
    }
    if (rewriteBody) body = rewriteBody(body === call.body ? { ...body } : body, call);
    return { method: 'POST', path: prefix + PATHS[call.operation], headers, body: JSON.stringify(body) };
  }

  const translator = (): StreamTranslator => ({
    event(ev: UpstreamEvent) {
      const data = ev.data;
      if (data === '[DONE]') return DONE;
      const failure = midStreamError(data);
      if (failure) throw failure;
      return [rewriteAnswer ? (rewriteAnswer(JSON.parse(data)) as never) : data];
    },
    end: () => [],
  });

  return {
    operations: ['chat', 'embeddings'],
    buildRequest,
    parseResponse(text) {
      const body = JSON.parse(text);
      return rewriteAnswer ? rewriteAnswer(body) : { raw: text, body };
    },
    createStreamTranslator: translator,
    classifyError: classifyOpenAIError,
    transport: options.transport,
  };
}
