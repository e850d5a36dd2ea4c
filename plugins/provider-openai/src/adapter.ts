/**
 * The OpenAI Chat Completions adapter — nearly the identity, since OpenAI's body is the gateway's own
 * shape: the client's body is forwarded with only the model rewritten (and usage requested on streams),
 * answers are forwarded as the upstream's own text, and stream events pass through untouched.
 */
import {
  DONE,
  type Operation,
  type ProviderAdapter,
  type ProviderConfig,
  type StreamTranslator,
  type Transport,
  type UpstreamCall,
  UpstreamError,
  type UpstreamEvent,
  type UpstreamHttpRequest,
} from '@switchyard/core';
import { classifyOpenAIError, retryableStatus } from './errors.js';

export interface OpenAIAdapterOptions {
  /** Request body rewrites a vendor needs (presets); runs after the model rewrite, on a shallow copy. */
  rewriteBody?: (body: Record<string, unknown>, call: UpstreamCall) => Record<string, unknown>;
  /** Chat answer (JSON body or stream chunk) rewrites a vendor needs; identity for OpenAI itself. */
  rewriteAnswer?: (answer: Record<string, unknown>) => Record<string, unknown>;
  /**
   * Only answers whose JSON text matches are parsed and rewritten; the others are forwarded untouched.
   * Default: every chat answer (when `rewriteAnswer` is set).
   */
  rewriteAnswerWhen?: RegExp;
  /** The request path (with query) when it is not `{base_url path}/chat/completions` or `/embeddings`. */
  path?: (call: UpstreamCall) => string;
  /** Operations the upstream serves (default: chat and embeddings). */
  operations?: readonly Operation[];
  /** Extra headers (e.g. OpenAI-Organization). */
  headers?: Record<string, string>;
  transport?: Transport;
}

const PATHS = { chat: '/chat/completions', embeddings: '/embeddings' } as const;

/**
 * A mid-stream error chunk: `{"error":{...}}` (OpenAI-compatible, OpenRouter with finish_reason "error"),
 * or a bare `finish_reason: "error"` (Mistral), which has no OpenAI equivalent but a failed answer.
 */
function midStreamError(data: string): UpstreamError | undefined {
  if (!data.includes('"error"')) return undefined; // the quoted word cannot appear unescaped in content
  const chunk = JSON.parse(data);
  if (!chunk?.error) {
    if (!chunk?.choices?.some((c: { finish_reason?: unknown }) => c?.finish_reason === 'error'))
      return undefined;
    return new UpstreamError(502, 'upstream_error', 'The upstream ended the answer with an error.', {
      retryable: true,
    });
  }
  const code = typeof chunk.error.code === 'number' ? chunk.error.code : 502;
  const status = code >= 400 && code < 600 ? code : 502;
  return new UpstreamError(
    status,
    chunk.error.type ?? 'upstream_error',
    chunk.error.message ?? 'Upstream stream error',
    {
      code: chunk.error.code === undefined ? null : String(chunk.error.code),
      retryable: retryableStatus(status),
    },
  );
}

export function openaiAdapter(config: ProviderConfig, options: OpenAIAdapterOptions = {}): ProviderAdapter {
  const base = new URL(config.base_url);
  const prefix = base.pathname.replace(/\/+$/, '');
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...options.headers,
    ...config.headers,
  };
  if (config.api_key) headers.authorization = `Bearer ${config.api_key}`;
  const { rewriteBody, rewriteAnswer, rewriteAnswerWhen } = options;
  const rewrites = (call: UpstreamCall, text: string) =>
    rewriteAnswer !== undefined && call.operation === 'chat' && (rewriteAnswerWhen?.test(text) ?? true);

  function buildRequest(call: UpstreamCall): UpstreamHttpRequest {
    let body: Record<string, unknown> = call.body;
    if (call.stream && call.operation === 'chat') {
      body = {
        ...body,
        stream_options: { ...(body.stream_options as object | undefined), include_usage: true },
      };
    }
    if (rewriteBody) body = rewriteBody(body === call.body ? { ...body } : body, call);
    const path = options.path ? options.path(call) : prefix + PATHS[call.operation];
    return { method: 'POST', path, headers, body: JSON.stringify(body) };
  }

  const translator = (call: UpstreamCall): StreamTranslator => ({
    event(ev: UpstreamEvent) {
      const data = ev.data;
      if (data === '[DONE]') return DONE;
      const failure = midStreamError(data);
      if (failure) throw failure;
      return [rewrites(call, data) ? (rewriteAnswer!(JSON.parse(data)) as never) : data];
    },
    end: () => [],
  });

  return {
    operations: options.operations ?? ['chat', 'embeddings'],
    buildRequest,
    parseResponse(text, call) {
      // Queued answers may start with keep-alive whitespace (DeepSeek, OpenRouter): not part of the JSON.
      const raw = text.trimStart();
      const body = JSON.parse(raw);
      return rewrites(call, raw) ? rewriteAnswer!(body) : { raw, body };
    },
    createStreamTranslator: translator,
    classifyError: classifyOpenAIError,
    transport: options.transport,
  };
}
