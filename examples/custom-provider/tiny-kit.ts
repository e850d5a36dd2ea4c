/**
 * The wire kit of the made-up Tiny API (tiny-provider.js): a mock upstream that answers in Tiny's own
 * format, so the provider conformance suite can drive the provider through a real gateway.
 * Tiny refuses a missing key or a wrong path itself, so the kit also checks how the provider calls it.
 */
import { fileURLToPath } from 'node:url';
import type {
  ErrorKind,
  MockHandler,
  MockReply,
  MockRequest,
  ProviderWireKit,
  TokenUsage,
} from '@switchyard/testing';

export const TINY_KEY = 'tiny-test-key';

let seq = 0;
const ref = (prefix: string) => `${prefix}${++seq}`;

type Part = { text: string } | { call: { ref: string; name: string; args: Record<string, unknown> } };

function problem(
  status: number,
  kind: string,
  message: string,
  headers: Record<string, string> = {},
): MockReply {
  return { status, headers, body: { problem: { kind, message } } };
}

/** Tiny's own refusals come first. */
function gate(handler: (req: MockRequest) => MockReply): MockHandler {
  return (req) => {
    if (req.headers['x-tiny-key'] !== TINY_KEY) return problem(401, 'bad_key', 'Unknown key.');
    if (req.method !== 'POST' || req.url.pathname !== '/v1/generate')
      return problem(404, 'bad_input', 'No such endpoint.');
    return handler(req);
  };
}

/** An answer as JSON, or as NDJSON lines when the request streams. */
function answer(parts: Part[], end: 'done' | 'limit' | 'calls', usage: TokenUsage): MockHandler {
  return gate((req) => {
    const id = ref('tiny-');
    const tokens = { input: usage.input, output: usage.output };
    if (!req.json.stream) return { body: { id, parts, end, tokens } };
    const lines: object[] = [{ start: { id } }];
    for (const part of parts) {
      if ('text' in part) for (const word of part.text.match(/\S+\s*/g) ?? []) lines.push({ text: word });
      else lines.push(part);
    }
    lines.push({ end, tokens });
    return {
      chunks: lines.map((l) => `${JSON.stringify(l)}\n`),
      headers: { 'content-type': 'application/x-ndjson' },
    };
  });
}

const ERRORS: Record<ErrorKind, [number, string, string]> = {
  bad_request: [400, 'bad_input', 'The request is not valid.'],
  authentication: [401, 'bad_key', 'Unknown key.'],
  rate_limit: [429, 'slow_down', 'Too many requests.'],
  server: [500, 'broken', 'Something broke.'],
  overloaded: [503, 'busy', 'Tiny is busy.'],
};

export const tinyKit: ProviderWireKit = {
  // An absolute path: the test gateway's config file lives in a temp directory.
  type: fileURLToPath(new URL('./tiny-provider.js', import.meta.url)),
  model: 'tiny-1',
  providerConfig: (url) => ({ base_url: url, api_key: TINY_KEY }),
  text: (text, usage, finish = 'stop') => answer([{ text }], finish === 'length' ? 'limit' : 'done', usage),
  toolCalls: (calls, usage) =>
    answer(
      calls.map((c) => ({ call: { ref: ref('call_'), name: c.name, args: c.arguments } })),
      'calls',
      usage,
    ),
  error(kind, options = {}) {
    const [status, tinyKind, message] = ERRORS[kind];
    const headers: Record<string, string> =
      options.retryAfterS === undefined ? {} : { 'retry-after': String(options.retryAfterS) };
    return gate(() => problem(status, tinyKind, options.message ?? message, headers));
  },
  isStream: (call) => call.json?.stream === true,
  inspect(call) {
    const body = call.json ?? {};
    const turns: Array<{ parts: Array<Record<string, unknown>> }> = body.turns ?? [];
    return {
      model: body.model,
      stream: body.stream === true,
      system: body.instructions,
      messages: turns.length,
      tools: (body.functions ?? []).map((f: { name: string }) => f.name),
      hasImage: turns.some((t) => t.parts.some((p) => typeof p.image === 'string')),
      jsonSchema: body.json_schema !== undefined,
    };
  },
};
