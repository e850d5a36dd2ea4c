/**
 * The Bedrock mock on 127.0.0.1, driven through the real provider adapter:
 * buildRequest (SigV4) → undici → parseResponse / the adapter's event-stream decoder + stream translator,
 * or classifyError.
 */
import {
  DONE,
  type ProviderErrorInfo,
  type StreamItem,
  type UpstreamCall,
  UpstreamError,
} from '@switchyard/core';
import type { ChatChunk, ChatCompletion, ChatRequest } from '@switchyard/protocol';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import bedrock from '../../../../plugins/provider-bedrock/src/index.js';
import type { MockHandler } from '../mock-server.js';
import { type MockServer, startMockServer } from '../mock-server.js';
import { BEDROCK_MOCK_REGION, bedrockKit, bedrockMidStreamException } from './bedrock.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer();
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

function adapter(extra: Record<string, unknown> = {}) {
  return bedrock.create(
    {
      type: 'bedrock',
      headers: {},
      timeout: { connect: 1000, first_token: 5000, idle: 5000, total: 5000 },
      models: [],
      ...(bedrockKit.providerConfig(mock.url) as { base_url: string }),
      ...extra,
    },
    { log: console, env: {} },
  );
}

type Outcome =
  | { kind: 'json'; body: ChatCompletion }
  | { kind: 'stream'; chunks: ChatChunk[]; contentType: string }
  | { kind: 'error'; info: ProviderErrorInfo };

async function roundTrip(body: Partial<ChatRequest>, extra: Record<string, unknown> = {}): Promise<Outcome> {
  const provider = adapter(extra);
  const call: UpstreamCall = {
    operation: 'chat',
    body: {
      model: bedrockKit.model,
      messages: [{ role: 'user', content: 'Weather in Paris and Tokyo?' }],
      ...body,
    },
    model: bedrockKit.model,
    stream: body.stream === true,
    includeUsage: true,
    requestId: 'req-mock',
  };
  const req = await provider.buildRequest(call);
  const res = await request(new URL(req.path, provider.baseUrl), {
    method: req.method,
    headers: req.headers,
    body: req.body,
  });
  const headers = res.headers as Record<string, string | string[] | undefined>;
  if (res.statusCode >= 400)
    return { kind: 'error', info: provider.classifyError(res.statusCode, headers, await res.body.text()) };
  if (!call.stream)
    return { kind: 'json', body: provider.parseResponse(await res.body.text(), call) as ChatCompletion };
  const translator = provider.createStreamTranslator(call);
  const items: StreamItem[] = [];
  for await (const ev of provider.decodeStream!(res.body)) {
    const out = translator.event(ev);
    if (out === DONE) break;
    items.push(...out);
  }
  items.push(...translator.end());
  return { kind: 'stream', chunks: items as ChatChunk[], contentType: String(headers['content-type']) };
}

const calls = [
  { name: 'get_weather', arguments: { location: 'Paris, France', unit: 'celsius' } },
  {
    name: 'get_weather',
    arguments: { location: 'Tokyo, Japan', unit: 'celsius', note: 'é "quoted" \\ ✓ 🌤' },
  },
];
const tools = [
  { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object' } } },
];

describe('text', () => {
  it('JSON: content, finish and usage (cache reads included in prompt_tokens); a signed, encoded request', async () => {
    mock.setHandler(bedrockKit.text('Sunny in both.', { input: 40, output: 6, cached: 10 }));
    const out = await roundTrip({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
    });
    if (out.kind !== 'json') throw new Error(`expected json, got ${out.kind}`);
    expect(out.body.choices[0]!.message.content).toBe('Sunny in both.');
    expect(out.body.choices[0]!.finish_reason).toBe('stop');
    expect(out.body.usage).toMatchObject({
      prompt_tokens: 40,
      completion_tokens: 6,
      total_tokens: 46,
      prompt_tokens_details: { cached_tokens: 10 },
    });
    const sent = mock.calls[0]!;
    expect(sent.path).toBe('/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse');
    expect(sent.headers.authorization).toContain(
      `/${BEDROCK_MOCK_REGION}/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-date,`,
    );
    expect(bedrockKit.inspect(sent)).toEqual({
      model: bedrockKit.model,
      stream: false,
      system: 'Be brief.',
      messages: 1,
      tools: [],
      hasImage: false,
      jsonSchema: false,
    });
  });

  it('stream: binary frames; the deltas rebuild the text; finish chunk, then the usage chunk', async () => {
    const text = 'It is 18°C and partly cloudy in Paris, 24°C and clear in Tokyo. ☀';
    mock.setHandler(bedrockKit.text(text, { input: 30, output: 20 }, 'length'));
    const out = await roundTrip({ stream: true });
    if (out.kind !== 'stream') throw new Error(`expected stream, got ${out.kind}`);
    expect(out.contentType).toBe('application/vnd.amazon.eventstream');
    expect(bedrockKit.isStream(mock.calls[0]!)).toBe(true);
    const deltas = out.chunks.flatMap((c) => c.choices.map((ch) => ch.delta));
    expect(deltas[0]).toEqual({ role: 'assistant', content: '' });
    expect(deltas.filter((d) => d.content).length).toBeGreaterThan(3);
    expect(deltas.map((d) => d.content ?? '').join('')).toBe(text);
    expect(out.chunks.at(-2)!.choices[0]).toMatchObject({ delta: {}, finish_reason: 'length' });
    expect(out.chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 30, completion_tokens: 20 },
    });
  });

  it('stream: frames cut at odd byte offsets across the socket decode the same', async () => {
    const text = 'Frames straddle network chunks here.';
    const whole = bedrockKit.text(text, { input: 3, output: 4 });
    const resplit: MockHandler = async (req) => {
      const reply = await whole(req);
      const bytes = Buffer.concat((reply.chunks ?? []).map((c) => Buffer.from(c as Uint8Array)));
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < bytes.length; at += 7) chunks.push(bytes.subarray(at, at + 7));
      return { ...reply, chunks, chunkIntervalMs: 1 };
    };
    mock.setHandler(resplit);
    const out = await roundTrip({ stream: true });
    if (out.kind !== 'stream') throw new Error(`expected stream, got ${out.kind}`);
    expect(out.chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(text);
    expect(out.chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 4 });
  });

  it('a Bedrock API key goes as a bearer token and is accepted', async () => {
    mock.setHandler(bedrockKit.text('ok', { input: 1, output: 1 }));
    const out = await roundTrip({}, { api_key: 'bedrock-api-key-mock' });
    expect(out.kind).toBe('json');
    expect(mock.calls[0]!.headers.authorization).toBe('Bearer bedrock-api-key-mock');
  });
});

describe('parallel tool calls', () => {
  it('JSON: both calls with their exact arguments and Bedrock ids', async () => {
    mock.setHandler(bedrockKit.toolCalls(calls, { input: 50, output: 40 }));
    const out = await roundTrip({ tools });
    if (out.kind !== 'json') throw new Error(`expected json, got ${out.kind}`);
    const choice = out.body.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls!.map((c) => [c.function.name, c.function.arguments])).toEqual(
      calls.map((c) => [c.name, JSON.stringify(c.arguments)]),
    );
    expect(choice.message.tool_calls!.every((c) => c.id.startsWith('tooluse_'))).toBe(true);
    expect(bedrockKit.inspect(mock.calls[0]!).tools).toEqual(['get_weather']);
  });

  it('stream: fragments split mid-token reassemble exactly, per call index, with stable ids', async () => {
    mock.setHandler(bedrockKit.toolCalls(calls, { input: 50, output: 40 }));
    const out = await roundTrip({ tools, stream: true });
    if (out.kind !== 'stream') throw new Error(`expected stream, got ${out.kind}`);
    const byIndex = new Map<number, { id?: string; name?: string; args: string; fragments: number }>();
    for (const d of out.chunks.flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? []))) {
      const slot = byIndex.get(d.index) ?? { args: '', fragments: 0 };
      if (d.id) {
        expect(slot.id, 'id only on the first delta of a call').toBeUndefined();
        Object.assign(slot, { id: d.id, name: d.function?.name });
      } else {
        expect(Object.keys(d).sort()).toEqual(['function', 'index']);
        slot.fragments++;
      }
      slot.args += d.function?.arguments ?? '';
      byIndex.set(d.index, slot);
    }
    expect([...byIndex.keys()]).toEqual([0, 1]);
    calls.forEach((c, i) => {
      const slot = byIndex.get(i)!;
      expect(slot.name).toBe(c.name);
      expect(slot.id).toMatch(/^tooluse_/);
      expect(slot.args).toBe(JSON.stringify(c.arguments));
      expect(slot.fragments).toBeGreaterThan(3);
    });
    expect(out.chunks.at(-2)!.choices[0]!.finish_reason).toBe('tool_calls');
  });
});

describe('JSON schema through the forced tool', () => {
  it('the mock answers through the forced tool and the client gets JSON content', async () => {
    mock.setHandler(bedrockKit.text('{"city":"Paris"}', { input: 15, output: 5 }));
    const out = await roundTrip({
      response_format: { type: 'json_schema', json_schema: { name: 'city', schema: { type: 'object' } } },
    });
    if (out.kind !== 'json') throw new Error(`expected json, got ${out.kind}`);
    expect(JSON.parse(out.body.choices[0]!.message.content!)).toEqual({ city: 'Paris' });
    expect(out.body.choices[0]!.finish_reason).toBe('stop');
    expect(bedrockKit.inspect(mock.calls[0]!)).toMatchObject({ jsonSchema: true, tools: [] });
  });
});

describe('errors', () => {
  const cases = [
    { kind: 'bad_request', status: 400, retryable: false },
    { kind: 'authentication', status: 401, retryable: false },
    { kind: 'rate_limit', status: 429, retryable: true },
    { kind: 'server', status: 500, retryable: true },
    { kind: 'overloaded', status: 503, retryable: true },
  ] as const;
  for (const { kind, status, retryable } of cases) {
    it(`${kind} → ${status}, retryable: ${retryable}`, async () => {
      mock.setHandler(bedrockKit.error(kind, kind === 'rate_limit' ? { retryAfterS: 7 } : {}));
      const out = await roundTrip({ stream: kind === 'rate_limit' });
      if (out.kind !== 'error') throw new Error(`expected error, got ${out.kind}`);
      expect(out.info).toMatchObject({ status, retryable });
      expect(out.info.retryAfterMs).toBe(kind === 'rate_limit' ? 7000 : undefined);
    });
  }

  it('validation 400 carries the upstream message', async () => {
    mock.setHandler(bedrockKit.error('bad_request', { message: 'temperature is out of range' }));
    const out = await roundTrip({});
    expect(out).toMatchObject({
      kind: 'error',
      info: { status: 400, type: 'invalid_request_error', message: 'temperature is out of range' },
    });
  });

  it('the mock refuses a request without SigV4 or with a wrong service in the scope', async () => {
    mock.setHandler(bedrockKit.text('never sent', { input: 1, output: 1 }));
    const unsigned = await request(
      new URL(`/model/${encodeURIComponent(bedrockKit.model)}/converse`, mock.url),
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'x' }] }] }),
      },
    );
    expect(unsigned.statusCode).toBe(403);
    expect(unsigned.headers['x-amzn-errortype']).toMatch(/^MissingAuthenticationTokenException:/);
    await unsigned.body.text();

    const wrongService = await request(
      new URL(`/model/${encodeURIComponent(bedrockKit.model)}/converse`, mock.url),
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-amz-date': '20250115T120000Z',
          authorization: `AWS4-HMAC-SHA256 Credential=AKID/20250115/us-east-1/bedrock-runtime/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
        },
        body: JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'x' }] }] }),
      },
    );
    expect(wrongService.statusCode).toBe(403);
    expect(wrongService.headers['x-amzn-errortype']).toMatch(/^UnrecognizedClientException:/);
    await wrongService.body.text();
  });

  it('mid-stream exception: text first, then a retryable UpstreamError from the exception frame', async () => {
    mock.setHandler(
      bedrockMidStreamException('Partial ans', 'modelStreamErrorException', 'The model stream failed.'),
    );
    const provider = adapter();
    const call: UpstreamCall = {
      operation: 'chat',
      body: { model: bedrockKit.model, messages: [{ role: 'user', content: 'x' }], stream: true },
      model: bedrockKit.model,
      stream: true,
      includeUsage: true,
      requestId: 'req-mid',
    };
    const req = await provider.buildRequest(call);
    const res = await request(new URL(req.path, provider.baseUrl), {
      method: req.method,
      headers: req.headers,
      body: req.body,
    });
    const translator = provider.createStreamTranslator(call);
    const before: StreamItem[] = [];
    const err = await (async () => {
      for await (const ev of provider.decodeStream!(res.body))
        before.push(...(translator.event(ev) as StreamItem[]));
    })().catch((e) => e);
    expect((before as ChatChunk[]).map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(
      'Partial ans',
    );
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ status: 502, retryable: true, message: 'The model stream failed.' });
  });
});
