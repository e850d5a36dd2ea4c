/**
 * The Gemini mock, driven through the real Gemini adapter over HTTP on 127.0.0.1:
 * buildRequest → undici (the core's transport) → mock → parseResponse / SseParser + stream translator.
 */
import { type ProviderAdapter, type StreamItem, type UpstreamCall, undiciTransport } from '@switchyard/core';
import { type ChatChunk, type ChatCompletion, type ChatRequest, SseParser } from '@switchyard/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
// A relative import: a workspace dependency on the plugin would make a cycle (the plugin's conformance
// test depends on this package).
import gemini from '../../../../plugins/provider-gemini/src/index.js';
import { type MockHandler, type MockReply, type MockServer, startMockServer } from '../mock-server.js';
import { GEMINI_MOCK_KEY, geminiKit } from './gemini.js';

let mock: MockServer;
let transport: ReturnType<typeof undiciTransport>;

const silent = { debug() {}, info() {}, warn() {}, error() {} };
function adapter(apiKey = GEMINI_MOCK_KEY): ProviderAdapter {
  const config = { ...geminiKit.providerConfig(mock.url), api_key: apiKey };
  return gemini.create(
    {
      type: 'gemini',
      headers: {},
      models: [],
      timeout: { connect: 1000, first_token: 5000, idle: 5000, total: 10_000 },
      ...config,
    } as any,
    { log: silent, env: {} },
  );
}

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { location: { type: 'string' } }, additionalProperties: false },
  },
};

function chat(
  messages: ChatRequest['messages'],
  stream = false,
  extra: Partial<ChatRequest> = {},
): UpstreamCall {
  const body = { model: geminiKit.model, messages, stream, ...extra } as UpstreamCall['body'];
  return {
    operation: 'chat',
    body,
    model: geminiKit.model,
    stream,
    includeUsage: true,
    requestId: `req-${Math.random()}`,
  };
}

type Outcome =
  | { kind: 'json'; body: ChatCompletion }
  | { kind: 'stream'; chunks: ChatChunk[] }
  | { kind: 'error'; info: ReturnType<ProviderAdapter['classifyError']> };

async function roundTrip(call: UpstreamCall, a = adapter()): Promise<Outcome> {
  const req = await a.buildRequest(call);
  const res = await transport.send(req, AbortSignal.timeout(5000));
  if (res.status !== 200)
    return { kind: 'error', info: a.classifyError(res.status, res.headers, await res.body.text()) };
  if (!call.stream)
    return { kind: 'json', body: a.parseResponse(await res.body.text(), call) as ChatCompletion };
  const parser = new SseParser();
  const translator = a.createStreamTranslator(call);
  const decoder = new TextDecoder();
  const items: StreamItem[] = [];
  const feed = (events: ReturnType<SseParser['push']>) => {
    for (const ev of events) {
      const out = translator.event(ev);
      if (typeof out !== 'symbol') items.push(...out);
    }
  };
  for await (const bytes of res.body) feed(parser.push(decoder.decode(bytes, { stream: true })));
  feed(parser.end());
  items.push(...translator.end());
  return { kind: 'stream', chunks: items.map((i) => (typeof i === 'string' ? JSON.parse(i) : i)) };
}

/** Records the mock's reply so a test can compare what came back with what went out. */
function capture(handler: MockHandler): { handler: MockHandler; replies: MockReply[] } {
  const replies: MockReply[] = [];
  return { replies, handler: async (req) => replies[replies.push(await handler(req)) - 1]! };
}

const streamedText = (chunks: ChatChunk[]) => chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
const finishes = (chunks: ChatChunk[]) =>
  chunks.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter(Boolean);
const usage = { input: 21, output: 9, cached: 4 };

beforeAll(async () => {
  mock = await startMockServer();
  transport = undiciTransport(mock.url, 1000);
});
afterAll(async () => {
  await transport.close();
  await mock.close();
});
beforeEach(() => mock.reset());

describe('gemini mock ⇄ gemini adapter: text', () => {
  it('answers generateContent with JSON', async () => {
    mock.setHandler(geminiKit.text('Paris is sunny today.', usage));
    const out = await roundTrip(
      chat([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather?' },
      ]),
    );
    expect(out.kind).toBe('json');
    const body = (out as { body: ChatCompletion }).body;
    expect(body.choices[0]).toMatchObject({
      message: { role: 'assistant', content: 'Paris is sunny today.' },
      finish_reason: 'stop',
    });
    expect(body.usage).toMatchObject({
      prompt_tokens: 21,
      completion_tokens: 9,
      total_tokens: 30,
      prompt_tokens_details: { cached_tokens: 4 },
    });

    const sent = mock.calls[0]!;
    expect(sent.headers['x-goog-api-key']).toBe(GEMINI_MOCK_KEY);
    expect(geminiKit.isStream(sent)).toBe(false);
    expect(geminiKit.inspect(sent)).toEqual({
      model: 'gemini-2.5-flash',
      stream: false,
      system: 'Be brief.',
      messages: 1,
      tools: [],
      hasImage: false,
      jsonSchema: false,
    });
  });

  it('streams SSE with CRLF framing, cumulative usage and a length finish', async () => {
    mock.setHandler(geminiKit.text('one two three four five six', usage, 'length'));
    const out = await roundTrip(chat([{ role: 'user', content: 'count' }], true));
    const chunks = (out as { chunks: ChatChunk[] }).chunks;
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
    expect(streamedText(chunks)).toBe('one two three four five six');
    expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBe(3);
    expect(finishes(chunks)).toEqual(['length']);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 21, completion_tokens: 9 } });
    expect(geminiKit.inspect(mock.calls[0]!).stream).toBe(true);
    expect(mock.calls[0]!.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
  });
});

describe('gemini mock ⇄ gemini adapter: parallel tool calls', () => {
  const calls = [
    { name: 'get_weather', arguments: { location: 'Paris' } },
    { name: 'get_weather', arguments: { location: 'Tokyo' } },
  ];

  it('returns them as JSON, and the next turn carries the thoughtSignature back', async () => {
    const { handler, replies } = capture(geminiKit.toolCalls(calls, usage));
    mock.setHandler(handler);
    const question = [{ role: 'user' as const, content: 'Paris and Tokyo?' }];
    const out = await roundTrip(chat(question, false, { tools: [weatherTool] }));
    const message = (out as { body: ChatCompletion }).body.choices[0]!.message;
    expect((out as { body: ChatCompletion }).body.choices[0]!.finish_reason).toBe('tool_calls');
    expect(message.tool_calls!.map((c) => JSON.parse(c.function.arguments))).toEqual([
      { location: 'Paris' },
      { location: 'Tokyo' },
    ]);
    expect(geminiKit.inspect(mock.calls[0]!).tools).toEqual(['get_weather']);

    mock.setHandler(geminiKit.text('18 °C and 24 °C.', usage));
    const results = message.tool_calls!.map((c, i) => ({
      role: 'tool' as const,
      tool_call_id: c.id,
      content: i === 0 ? '{"t":18}' : '24',
    }));
    const next = await roundTrip(
      chat(
        [...question, { role: 'assistant', content: null, tool_calls: message.tool_calls }, ...results],
        false,
        { tools: [weatherTool] },
      ),
    );
    expect((next as { body: ChatCompletion }).body.choices[0]!.message.content).toBe('18 °C and 24 °C.');

    const sentParts = (replies[0]!.body as any).candidates[0].content.parts;
    const contents = mock.calls[1]!.json.contents;
    expect(contents[1]).toEqual({ role: 'model', parts: sentParts });
    expect(contents[1].parts[0].thoughtSignature).toBe(sentParts[0].thoughtSignature);
    expect(contents[2].parts).toEqual([
      { functionResponse: { name: 'get_weather', response: { t: 18 } } },
      { functionResponse: { name: 'get_weather', response: { result: '24' } } },
    ]);
  });

  it('streams them as one complete delta per call', async () => {
    mock.setHandler(geminiKit.toolCalls(calls, usage));
    const out = await roundTrip(
      chat([{ role: 'user', content: 'Paris and Tokyo?' }], true, { tools: [weatherTool] }),
    );
    const chunks = (out as { chunks: ChatChunk[] }).chunks;
    const deltas = chunks.flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? []));
    expect(
      deltas.map((d) => [d.index, d.type, d.function?.name, JSON.parse(d.function!.arguments!)]),
    ).toEqual([
      [0, 'function', 'get_weather', { location: 'Paris' }],
      [1, 'function', 'get_weather', { location: 'Tokyo' }],
    ]);
    expect(new Set(deltas.map((d) => d.id)).size).toBe(2);
    expect(finishes(chunks)).toEqual(['tool_calls']);
  });
});

describe('gemini mock ⇄ gemini adapter: errors', () => {
  it.each([
    ['bad_request', 400, 'invalid_request_error', false],
    ['authentication', 401, 'authentication_error', false],
    ['rate_limit', 429, 'rate_limit_error', true],
    ['server', 502, 'server_error', true],
    ['overloaded', 503, 'server_error', true],
  ] as const)('%s → %i %s', async (kind, status, type, retryable) => {
    mock.setHandler(geminiKit.error(kind, { retryAfterS: 5 }));
    const out = await roundTrip(chat([{ role: 'user', content: 'hi' }]));
    expect(out).toMatchObject({ kind: 'error', info: { status, type, retryable } });
    const info = (out as { info: { retryAfterMs?: number } }).info;
    expect(info.retryAfterMs).toBe(kind === 'rate_limit' ? 5000 : undefined);
  });

  it('rejects a wrong API key the way Gemini does (400 API_KEY_INVALID → 401)', async () => {
    mock.setHandler(geminiKit.text('never', usage));
    const out = await roundTrip(chat([{ role: 'user', content: 'hi' }]), adapter('wrong-key'));
    expect(mock.calls[0]!.headers['x-goog-api-key']).toBe('wrong-key');
    expect(out).toMatchObject({
      kind: 'error',
      info: { status: 401, code: 'invalid_api_key', retryable: false },
    });
  });
});

describe('geminiKit.inspect', () => {
  it('reads snake_case bodies too, with images and a response schema', () => {
    const view = geminiKit.inspect({
      method: 'POST',
      path: '/v1beta/models/gemini-2.5-pro:generateContent',
      url: new URL('http://127.0.0.1/v1beta/models/gemini-2.5-pro:generateContent'),
      headers: {},
      body: '',
      json: {
        system_instruction: { parts: [{ text: 'a' }, { text: 'b' }] },
        contents: [{ role: 'user', parts: [{ inline_data: { mime_type: 'image/png', data: 'AA==' } }] }],
        tools: [{ function_declarations: [{ name: 'f' }] }],
        generation_config: { response_json_schema: { type: 'object' } },
      },
    });
    expect(view).toEqual({
      model: 'gemini-2.5-pro',
      stream: false,
      system: 'a\nb',
      messages: 1,
      tools: ['f'],
      hasImage: true,
      jsonSchema: true,
    });
  });
});
