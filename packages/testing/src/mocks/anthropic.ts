/**
 * A wire-faithful Anthropic Messages upstream (wire.md §4): JSON or SSE depending on the request's `stream`,
 * with the real event sequence (message_start with usage, ping, content blocks, input_json_delta fragments
 * split mid-token, message_delta with the stop reason and cumulative usage, message_stop), and real error
 * bodies. Like the API, it refuses requests without x-api-key, anthropic-version or max_tokens.
 */
import { randomBytes } from 'node:crypto';
import { formatSse } from '@switchyard/protocol';
import type { ErrorKind, ProviderWireKit, TokenUsage } from '../conformance-types.js';
import type { MockHandler, MockReply, MockRequest } from '../mock-server.js';

export const ANTHROPIC_MOCK_KEY = 'sk-ant-mock-key';
const MODEL = 'claude-sonnet-4-5-20250929';

type Block = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: object };

const ERRORS: Record<ErrorKind, { status: number; type: string; message: string }> = {
  bad_request: {
    status: 400,
    type: 'invalid_request_error',
    message: 'messages: at least one message is required',
  },
  authentication: { status: 401, type: 'authentication_error', message: 'invalid x-api-key' },
  rate_limit: {
    status: 429,
    type: 'rate_limit_error',
    message:
      'This request would exceed the rate limit for your organization of 50,000 input tokens per minute.',
  },
  server: { status: 500, type: 'api_error', message: 'Internal server error' },
  overloaded: { status: 529, type: 'overloaded_error', message: 'Overloaded' },
};

const id = (prefix: string) => `${prefix}_01${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;

function errorReply(kind: ErrorKind, options: { retryAfterS?: number; message?: string } = {}): MockReply {
  const { status, type, message } = ERRORS[kind];
  const requestId = id('req');
  const headers: Record<string, string> = { 'request-id': requestId };
  if (options.retryAfterS !== undefined) headers['retry-after'] = String(options.retryAfterS);
  if (kind === 'rate_limit') {
    headers['anthropic-ratelimit-input-tokens-limit'] = '50000';
    headers['anthropic-ratelimit-input-tokens-remaining'] = '0';
    headers['anthropic-ratelimit-input-tokens-reset'] = new Date(Date.now() + 60_000).toISOString();
  }
  return {
    status,
    headers,
    body: { type: 'error', error: { type, message: options.message ?? message }, request_id: requestId },
  };
}

/** What the real API refuses before generating anything. */
function refusal(req: MockRequest): MockReply | undefined {
  if (req.method !== 'POST' || req.url.pathname !== '/v1/messages') {
    return { status: 404, body: { type: 'error', error: { type: 'not_found_error', message: 'Not Found' } } };
  }
  if (req.headers['x-api-key'] !== ANTHROPIC_MOCK_KEY) return errorReply('authentication');
  if (!req.headers['anthropic-version']) {
    return errorReply('bad_request', { message: 'anthropic-version: header is required' });
  }
  if (!req.json || typeof req.json !== 'object')
    return errorReply('bad_request', { message: 'Body is not JSON' });
  if (typeof req.json.max_tokens !== 'number')
    return errorReply('bad_request', { message: 'max_tokens: Field required' });
  if (!Array.isArray(req.json.messages) || req.json.messages.length === 0) return errorReply('bad_request');
  return undefined;
}

/** Anthropic's input_tokens excludes cache reads; OpenAI's prompt_tokens includes them. */
function startUsage(usage: TokenUsage) {
  const cached = usage.cached ?? 0;
  return {
    input_tokens: usage.input - cached,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    service_tier: 'standard',
  };
}

function message(model: string, content: Block[], stopReason: string, usage: TokenUsage) {
  return {
    id: id('msg'),
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage: { ...startUsage(usage), output_tokens: usage.output },
  };
}

/** Pieces of 1–9 characters that cut words and JSON tokens anywhere, as the real stream does. */
function fragments(text: string): string[] {
  const out: string[] = [];
  for (let i = 0, n = 0; i < text.length; n++) {
    const size = 1 + ((n * 7 + 3) % 9);
    out.push(text.slice(i, i + size));
    i += size;
  }
  return out;
}

function sse(msg: ReturnType<typeof message>, usage: TokenUsage): string[] {
  const events: string[] = [];
  const send = (data: { type: string; [key: string]: unknown }) =>
    events.push(formatSse(JSON.stringify(data), data.type));
  send({
    type: 'message_start',
    message: { ...msg, content: [], stop_reason: null, usage: { ...msg.usage, output_tokens: 1 } },
  });
  msg.content.forEach((block, index) => {
    if (block.type === 'text') {
      send({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      if (index === 0) send({ type: 'ping' });
      for (const text of fragments(block.text)) {
        send({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
      }
    } else {
      send({ type: 'content_block_start', index, content_block: { ...block, input: {} } });
      if (index === 0) send({ type: 'ping' });
      // The first fragment is empty on the real API too.
      for (const partial_json of ['', ...fragments(JSON.stringify(block.input))]) {
        send({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } });
      }
    }
    send({ type: 'content_block_stop', index });
  });
  const { cache_creation: _c, service_tier: _s, ...cumulative } = startUsage(usage);
  send({
    type: 'message_delta',
    delta: { stop_reason: msg.stop_reason, stop_sequence: null },
    usage: { ...cumulative, output_tokens: usage.output },
  });
  send({ type: 'message_stop' });
  return events;
}

function answer(content: Block[], stopReason: string, usage: TokenUsage): MockHandler {
  return (req) => {
    const refused = refusal(req);
    if (refused) return refused;
    const msg = message(req.json.model ?? MODEL, content, stopReason, usage);
    const headers = { 'request-id': id('req') };
    if (req.json.stream === true) {
      return {
        headers: { ...headers, 'content-type': 'text/event-stream; charset=utf-8' },
        chunks: sse(msg, usage),
      };
    }
    return { headers, body: msg };
  };
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  return Array.isArray(content) ? content.map((b) => (b?.type === 'text' ? b.text : '')).join('\n\n') : '';
}

function hasImage(blocks: unknown): boolean {
  return (
    Array.isArray(blocks) &&
    blocks.some((b) => b?.type === 'image' || (b?.type === 'tool_result' && hasImage(b.content)))
  );
}

export const anthropicKit: ProviderWireKit = {
  type: 'anthropic',
  model: MODEL,
  providerConfig: (mockUrl) => ({ base_url: mockUrl, api_key: ANTHROPIC_MOCK_KEY, models: [MODEL] }),
  text: (text, usage, finish = 'stop') =>
    answer([{ type: 'text', text }], finish === 'length' ? 'max_tokens' : 'end_turn', usage),
  toolCalls: (calls, usage) =>
    answer(
      calls.map((c) => ({ type: 'tool_use', id: id('toolu'), name: c.name, input: c.arguments })),
      'tool_use',
      usage,
    ),
  error: (kind, options) => () => errorReply(kind, options),
  inspect: (call) => {
    const json = call.json ?? {};
    const messages: Array<{ content: unknown }> = Array.isArray(json.messages) ? json.messages : [];
    const system = json.system === undefined ? undefined : textOf(json.system);
    return {
      model: json.model,
      stream: json.stream === true,
      ...(system === undefined ? {} : { system }),
      messages: messages.length,
      tools: Array.isArray(json.tools) ? json.tools.map((t: { name: string }) => t.name) : [],
      hasImage: messages.some((m) => hasImage(m.content)),
      jsonSchema: json.output_config?.format?.type === 'json_schema',
    };
  },
  isStream: (call) => call.json?.stream === true,
};
