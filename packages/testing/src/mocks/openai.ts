/**
 * An OpenAI-compatible upstream in OpenAI's own wire format (wire/openai_*): chat completions as JSON or
 * SSE (role chunk, content or tool-call fragments, finish chunk, usage chunk when asked, [DONE]),
 * embeddings, model listing, and OpenAI-shaped errors.
 */
import type { ErrorKind, ProviderWireKit, TokenUsage } from '../conformance-types.js';
import type { MockHandler, MockReply, MockRequest } from '../mock-server.js';

export const OPENAI_MOCK_KEY = 'sk-openai-mock-key';

let seq = 0;
const nextId = (prefix: string) => `${prefix}${(++seq).toString(36).padStart(6, '0')}`;

function usageOf(u: TokenUsage) {
  return {
    prompt_tokens: u.input,
    completion_tokens: u.output,
    total_tokens: u.input + u.output,
    prompt_tokens_details: { cached_tokens: u.cached ?? 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
  };
}

type Message = {
  content: string | null;
  tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
};

/** Split a string in pieces of at most n characters (tool arguments stream in fragments). */
function pieces(text: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += n) out.push(text.slice(i, i + n));
  return out.length ? out : [''];
}

/** An answer as JSON or SSE, depending on the request's `stream`. */
export function openaiAnswer(
  message: Message,
  finish: string,
  usage: TokenUsage,
  options: { chunkWords?: boolean } = {},
): MockHandler {
  return (req: MockRequest): MockReply => {
    const model = req.json?.model ?? 'unknown';
    const id = nextId('chatcmpl-mock');
    const created = Math.floor(Date.now() / 1000);
    if (!req.json?.stream) {
      return {
        body: {
          id,
          object: 'chat.completion',
          created,
          model,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', refusal: null, annotations: [], ...message },
              logprobs: null,
              finish_reason: finish,
            },
          ],
          usage: usageOf(usage),
          service_tier: 'default',
          system_fingerprint: 'fp_mock',
        },
      };
    }
    const withUsage = req.json?.stream_options?.include_usage === true;
    const base = {
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      service_tier: 'default',
      system_fingerprint: 'fp_mock',
    };
    const frame = (choices: unknown[], extra: object = {}) =>
      `data: ${JSON.stringify({ ...base, choices, ...(withUsage ? { usage: null } : {}), ...extra })}\n\n`;
    const delta = (d: object, finishReason: string | null = null) =>
      frame([{ index: 0, delta: d, logprobs: null, finish_reason: finishReason }]);
    const chunks: string[] = [];
    if (message.tool_calls?.length) {
      message.tool_calls.forEach((call, index) => {
        const args = pieces(call.function.arguments, 7);
        chunks.push(
          delta({
            ...(index === 0 ? { role: 'assistant', content: null, refusal: null } : {}),
            tool_calls: [
              { index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } },
            ],
          }),
        );
        for (const a of args) chunks.push(delta({ tool_calls: [{ index, function: { arguments: a } }] }));
      });
    } else {
      chunks.push(delta({ role: 'assistant', content: '', refusal: null }));
      const words =
        options.chunkWords === false
          ? [message.content ?? '']
          : ((message.content ?? '').match(/\S+\s*/g) ?? []);
      for (const w of words) chunks.push(delta({ content: w }));
    }
    chunks.push(delta({}, finish));
    if (withUsage)
      chunks.push(`data: ${JSON.stringify({ ...base, choices: [], usage: usageOf(usage) })}\n\n`);
    chunks.push('data: [DONE]\n\n');
    return { chunks, headers: { 'content-type': 'text/event-stream; charset=utf-8' } };
  };
}

const ERRORS: Record<ErrorKind, { status: number; type: string; code: string | null; message: string }> = {
  bad_request: {
    status: 400,
    type: 'invalid_request_error',
    code: 'invalid_value',
    message: "Invalid value for 'temperature'.",
  },
  authentication: {
    status: 401,
    type: 'invalid_request_error',
    code: 'invalid_api_key',
    message: 'Incorrect API key provided.',
  },
  rate_limit: {
    status: 429,
    type: 'requests',
    code: 'rate_limit_exceeded',
    message: 'Rate limit reached for requests.',
  },
  server: {
    status: 500,
    type: 'server_error',
    code: null,
    message: 'The server had an error while processing your request.',
  },
  overloaded: {
    status: 503,
    type: 'server_error',
    code: 'overloaded',
    message: 'The engine is currently overloaded.',
  },
};

export function openaiError(
  kind: ErrorKind,
  options: { retryAfterS?: number; message?: string } = {},
): MockHandler {
  const e = ERRORS[kind];
  return () => ({
    status: e.status,
    headers: (options.retryAfterS === undefined
      ? {}
      : { 'retry-after': String(options.retryAfterS) }) as Record<string, string>,
    body: { error: { message: options.message ?? e.message, type: e.type, param: null, code: e.code } },
  });
}

export const openaiKit: ProviderWireKit = {
  type: 'openai',
  model: 'gpt-4o-mini',
  providerConfig: (url) => ({ base_url: `${url}/v1`, api_key: OPENAI_MOCK_KEY }),
  text: (text, usage, finish = 'stop') => openaiAnswer({ content: text }, finish, usage),
  toolCalls: (calls, usage) =>
    openaiAnswer(
      {
        content: null,
        tool_calls: calls.map((c) => ({
          id: nextId('call_'),
          type: 'function' as const,
          function: { name: c.name, arguments: JSON.stringify(c.arguments) },
        })),
      },
      'tool_calls',
      usage,
    ),
  error: openaiError,
  isStream: (call) => call.json?.stream === true,
  inspect(call) {
    const body = call.json ?? {};
    const messages: Array<{ role: string; content: unknown }> = body.messages ?? [];
    const system = messages.filter((m) => m.role === 'system' || m.role === 'developer');
    return {
      model: body.model,
      stream: body.stream === true,
      system: system.length
        ? system.map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n')
        : undefined,
      messages: messages.length - system.length,
      tools: (body.tools ?? []).map((t: { function: { name: string } }) => t.function.name),
      hasImage: messages.some(
        (m) => Array.isArray(m.content) && m.content.some((p: { type?: string }) => p.type === 'image_url'),
      ),
      jsonSchema: body.response_format?.type === 'json_schema',
    };
  },
};
