/**
 * The Anthropic mock on 127.0.0.1, driven through the real provider adapter:
 * buildRequest → undici → parseResponse / SSE parser + stream translator, or classifyError.
 */
import { DONE, type ProviderErrorInfo, type StreamItem, type UpstreamCall } from '@switchyard/core';
import { type ChatChunk, type ChatCompletion, type ChatRequest, parseSse } from '@switchyard/protocol';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import anthropic from '../../../../plugins/provider-anthropic/src/index.js';
import { type MockServer, startMockServer } from '../mock-server.js';
import { anthropicKit } from './anthropic.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer();
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

function adapter() {
  return anthropic.create(
    {
      type: 'anthropic',
      headers: {},
      timeout: { connect: 1000, first_token: 5000, idle: 5000, total: 5000 },
      models: [],
      api_version: '2023-06-01',
      max_tokens_default: 1024,
      ...(anthropicKit.providerConfig(mock.url) as { base_url: string; api_key: string }),
    },
    { log: console, env: {} },
  );
}

type Outcome =
  | { kind: 'json'; body: ChatCompletion }
  | { kind: 'stream'; chunks: ChatChunk[] }
  | { kind: 'error'; info: ProviderErrorInfo };

async function roundTrip(body: Partial<ChatRequest>): Promise<Outcome> {
  const provider = adapter();
  const call: UpstreamCall = {
    operation: 'chat',
    body: {
      model: anthropicKit.model,
      messages: [{ role: 'user', content: 'Weather in Paris and Tokyo?' }],
      ...body,
    },
    model: anthropicKit.model,
    stream: body.stream === true,
    includeUsage: true,
    requestId: 'req-mock',
  };
  const req = await provider.buildRequest(call);
  const res = await request(new URL(req.path, mock.url), {
    method: req.method,
    headers: req.headers,
    body: req.body,
  });
  const headers = res.headers as Record<string, string | string[] | undefined>;
  if (res.statusCode >= 400) {
    return { kind: 'error', info: provider.classifyError(res.statusCode, headers, await res.body.text()) };
  }
  if (!call.stream)
    return { kind: 'json', body: provider.parseResponse(await res.body.text(), call) as ChatCompletion };
  const translator = provider.createStreamTranslator(call);
  const items: StreamItem[] = [];
  for await (const ev of parseSse(res.body)) {
    const out = translator.event(ev);
    if (out === DONE) break;
    items.push(...out);
  }
  items.push(...translator.end());
  return { kind: 'stream', chunks: items.map((i) => (typeof i === 'string' ? JSON.parse(i) : i)) };
}

const calls = [
  { name: 'get_weather', arguments: { location: 'Paris, France', unit: 'celsius' } },
  { name: 'get_weather', arguments: { location: 'Tokyo, Japan', unit: 'celsius', note: 'é "quoted" \\ ✓' } },
];

describe('text', () => {
  it('JSON: content, finish and usage (cache reads included in prompt_tokens)', async () => {
    mock.setHandler(anthropicKit.text('Sunny in both.', { input: 40, output: 6, cached: 10 }));
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
    expect([sent.method, sent.path, sent.headers['anthropic-version']]).toEqual([
      'POST',
      '/v1/messages',
      '2023-06-01',
    ]);
    expect(anthropicKit.inspect(sent)).toEqual({
      model: anthropicKit.model,
      stream: false,
      system: 'Be brief.',
      messages: 1,
      tools: [],
      hasImage: false,
      jsonSchema: false,
    });
  });

  it('stream: the deltas rebuild the text; finish chunk, then the usage chunk', async () => {
    const text = 'It is 18°C and partly cloudy in Paris, 24°C and clear in Tokyo.';
    mock.setHandler(anthropicKit.text(text, { input: 30, output: 20 }, 'length'));
    const out = await roundTrip({ stream: true });
    if (out.kind !== 'stream') throw new Error(`expected stream, got ${out.kind}`);
    expect(anthropicKit.isStream(mock.calls[0]!)).toBe(true);
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
});

describe('parallel tool calls', () => {
  const tools = [
    { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object' } } },
  ];

  it('JSON: both calls with their exact arguments', async () => {
    mock.setHandler(anthropicKit.toolCalls(calls, { input: 50, output: 40 }));
    const out = await roundTrip({ tools });
    if (out.kind !== 'json') throw new Error(`expected json, got ${out.kind}`);
    const choice = out.body.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls!.map((c) => [c.function.name, c.function.arguments])).toEqual(
      calls.map((c) => [c.name, JSON.stringify(c.arguments)]),
    );
    expect(anthropicKit.inspect(mock.calls[0]!).tools).toEqual(['get_weather']);
  });

  it('stream: fragments split mid-token reassemble exactly, per call index, with stable ids', async () => {
    mock.setHandler(anthropicKit.toolCalls(calls, { input: 50, output: 40 }));
    const out = await roundTrip({ tools, stream: true });
    if (out.kind !== 'stream') throw new Error(`expected stream, got ${out.kind}`);
    const deltas = out.chunks.flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? []));
    const byIndex = new Map<number, { id?: string; name?: string; args: string; fragments: number }>();
    for (const d of deltas) {
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
      expect(slot.id).toMatch(/^toolu_/);
      expect(slot.args).toBe(JSON.stringify(c.arguments));
      expect(slot.fragments).toBeGreaterThan(3);
    });
    expect(out.chunks.at(-2)!.choices[0]!.finish_reason).toBe('tool_calls');
  });
});

describe('errors', () => {
  const cases = [
    { kind: 'bad_request', status: 400, retryable: false },
    { kind: 'authentication', status: 401, retryable: false },
    { kind: 'rate_limit', status: 429, retryable: true },
    { kind: 'server', status: 500, retryable: true },
    { kind: 'overloaded', status: 529, retryable: true },
  ] as const;
  for (const { kind, status, retryable } of cases) {
    it(`${kind} → ${status}, retryable: ${retryable}`, async () => {
      mock.setHandler(anthropicKit.error(kind, kind === 'rate_limit' ? { retryAfterS: 7 } : {}));
      const out = await roundTrip({ stream: kind === 'overloaded' });
      if (out.kind !== 'error') throw new Error(`expected error, got ${out.kind}`);
      expect(out.info).toMatchObject({ status, retryable });
      expect(out.info.retryAfterMs).toBe(kind === 'rate_limit' ? 7000 : undefined);
    });
  }

  it('the mock refuses a request the real API would refuse (wrong key)', async () => {
    mock.setHandler(anthropicKit.text('never', { input: 1, output: 1 }));
    const res = await request(`${mock.url}/v1/messages`, {
      method: 'POST',
      headers: {
        'x-api-key': 'wrong',
        'anthropic-version': '2023-06-01',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        model: anthropicKit.model,
        max_tokens: 10,
        messages: [{ role: 'user', content: 'x' }],
      }),
    });
    expect(res.statusCode).toBe(401);
    expect(await res.body.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });
});

describe('inspect', () => {
  it('sees images and a JSON schema in what the adapter sent', async () => {
    mock.setHandler(anthropicKit.text('{"colour":"blue"}', { input: 5, output: 5 }));
    await roundTrip({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Colour?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
      ],
      response_format: { type: 'json_schema', json_schema: { name: 'c', schema: { type: 'object' } } },
    });
    expect(anthropicKit.inspect(mock.calls[0]!)).toMatchObject({
      hasImage: true,
      jsonSchema: true,
      messages: 1,
    });
  });
});
