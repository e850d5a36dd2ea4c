/**
 * The provider conformance kit: one suite any provider plugin runs against a mock speaking its real
 * wire format, through a real gateway, with the official `openai` SDK as the client. Call it from a
 * provider's test file: `describeProviderConformance(anthropicKit)`.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderWireKit } from './conformance-types.js';
import { type MockServer, startMockServer } from './mock-server.js';
import { startTestGateway, type TestGateway } from './test-gateway.js';

const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
const PIXEL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

export interface ConformanceOptions {
  /** Extra keys for the provider block (e.g. credentials). */
  providerExtra?: Record<string, unknown>;
  /** Scenarios a provider knowingly cannot serve, with the reason (reported as skipped). */
  skip?: Partial<Record<'images' | 'json_schema', string>>;
}

export function describeProviderConformance(kit: ProviderWireKit, options: ConformanceOptions = {}): void {
  describe(`provider conformance: ${kit.type}`, () => {
    let mock: MockServer;
    let gw: TestGateway;
    let client: OpenAI;
    const model = `up/${kit.model}`;
    const user = (content: string) => ({ role: 'user' as const, content });

    beforeAll(async () => {
      mock = await startMockServer();
      gw = await startTestGateway({
        providers: { up: { type: kit.type, ...kit.providerConfig(mock.url), ...options.providerExtra } },
        routes: [],
      });
      client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'gateway-key', maxRetries: 0 });
    });
    afterAll(async () => {
      await gw?.close();
      await mock?.close();
    });
    beforeEach(() => mock.reset());

    it('text: JSON answer with content, finish_reason and usage', async () => {
      mock.enqueue(kit.text('Paris is sunny.', { input: 12, output: 4 }));
      const res = await client.chat.completions.create({ model, messages: [user('Weather in Paris?')] });
      expect(res.choices[0]!.message.content).toBe('Paris is sunny.');
      expect(res.choices[0]!.finish_reason).toBe('stop');
      expect(res.usage?.prompt_tokens).toBe(12);
      expect(res.usage?.completion_tokens).toBe(4);
      expect(kit.inspect(mock.calls[0]!).model).toBe(kit.model);
    });

    it('text: stream with usage when the client asks for it', async () => {
      mock.enqueue(kit.text('Paris is sunny today.', { input: 12, output: 5 }));
      const stream = await client.chat.completions.create({
        model,
        messages: [user('Weather in Paris?')],
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let finish: string | null = null;
      let usage: OpenAI.CompletionUsage | undefined | null;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
        if (chunk.usage) usage = chunk.usage;
      }
      expect(text).toBe('Paris is sunny today.');
      expect(finish).toBe('stop');
      expect(usage?.prompt_tokens).toBe(12);
      expect(usage?.completion_tokens).toBe(5);
      expect(kit.isStream(mock.calls[0]!)).toBe(true);
    });

    it('text: no usage chunk when the client did not ask', async () => {
      mock.enqueue(kit.text('Sunny.', { input: 3, output: 1 }));
      const stream = await client.chat.completions.create({
        model,
        messages: [user('Weather?')],
        stream: true,
      });
      const chunks = [];
      for await (const chunk of stream) chunks.push(chunk);
      expect(chunks.some((c) => c.usage)).toBe(false);
      expect(chunks.every((c) => c.choices.length > 0)).toBe(true);
    });

    it('system prompt reaches the upstream', async () => {
      mock.enqueue(kit.text('Bonjour.', { input: 9, output: 1 }));
      await client.chat.completions.create({
        model,
        messages: [{ role: 'system', content: 'Answer in French.' }, user('Hello')],
      });
      const view = kit.inspect(mock.calls[0]!);
      expect(view.system).toContain('Answer in French.');
      expect(view.messages).toBe(1);
    });

    it('tools round trip: tool call out, tool result back in', async () => {
      mock.enqueue(
        kit.toolCalls([{ name: 'get_weather', arguments: { city: 'Paris' } }], { input: 20, output: 8 }),
      );
      const first = await client.chat.completions.create({
        model,
        messages: [user('Weather in Paris?')],
        tools: [WEATHER_TOOL],
      });
      const msg = first.choices[0]!.message;
      expect(first.choices[0]!.finish_reason).toBe('tool_calls');
      const call = msg.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
      expect(call.function.name).toBe('get_weather');
      expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
      expect(kit.inspect(mock.calls[0]!).tools).toEqual(['get_weather']);

      mock.enqueue(kit.text('It is 18°C in Paris.', { input: 30, output: 7 }));
      const second = await client.chat.completions.create({
        model,
        tools: [WEATHER_TOOL],
        messages: [
          user('Weather in Paris?'),
          msg as OpenAI.ChatCompletionMessageParam,
          { role: 'tool', tool_call_id: call.id, content: '{"temp_c":18}' },
        ],
      });
      expect(second.choices[0]!.message.content).toBe('It is 18°C in Paris.');
      expect(kit.inspect(mock.calls[1]!).messages).toBeGreaterThanOrEqual(3);
    });

    it('parallel tool calls in one answer', async () => {
      mock.enqueue(
        kit.toolCalls(
          [
            { name: 'get_weather', arguments: { city: 'Paris' } },
            { name: 'get_weather', arguments: { city: 'Tokyo' } },
          ],
          { input: 25, output: 30 },
        ),
      );
      const res = await client.chat.completions.create({
        model,
        messages: [user('Paris and Tokyo?')],
        tools: [WEATHER_TOOL],
      });
      const calls = res.choices[0]!.message.tool_calls as OpenAI.ChatCompletionMessageFunctionToolCall[];
      expect(calls.map((c) => JSON.parse(c.function.arguments).city)).toEqual(['Paris', 'Tokyo']);
      expect(new Set(calls.map((c) => c.id)).size).toBe(2);
    });

    it('streamed tool calls rebuild exactly in the SDK accumulator', async () => {
      const args = [
        { city: 'Paris', unit: 'celsius', note: 'quotes " and {braces}' },
        { city: 'Tokyo', unit: 'celsius', note: 'ünïcödé ☀' },
      ];
      mock.enqueue(
        kit.toolCalls(
          args.map((a) => ({ name: 'get_weather', arguments: a })),
          { input: 25, output: 40 },
        ),
      );
      const stream = client.chat.completions.stream({
        model,
        messages: [user('Paris and Tokyo?')],
        tools: [WEATHER_TOOL],
      });
      const indexes = new Map<number, string>();
      for await (const chunk of stream) {
        for (const d of chunk.choices[0]?.delta.tool_calls ?? []) {
          if (d.id) {
            expect(indexes.has(d.index)).toBe(false);
            indexes.set(d.index, d.id);
          }
        }
      }
      const final = await stream.finalChatCompletion();
      expect(final.choices[0]!.finish_reason).toBe('tool_calls');
      const calls = final.choices[0]!.message.tool_calls as OpenAI.ChatCompletionMessageFunctionToolCall[];
      expect(calls.map((c) => JSON.parse(c.function.arguments))).toEqual(args);
      expect([...indexes.keys()]).toEqual([0, 1]);
      expect(calls.map((c) => c.id)).toEqual([indexes.get(0), indexes.get(1)]);
    });

    it.skipIf(options.skip?.images)('images reach the upstream', async () => {
      mock.enqueue(kit.text('A single pixel.', { input: 90, output: 3 }));
      await client.chat.completions.create({
        model,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image_url', image_url: { url: PIXEL } },
            ],
          },
        ],
      });
      expect(kit.inspect(mock.calls[0]!).hasImage).toBe(true);
    });

    it.skipIf(options.skip?.json_schema)('JSON schema output is requested upstream', async () => {
      mock.enqueue(kit.text('{"city":"Paris"}', { input: 15, output: 5 }));
      const res = await client.chat.completions.create({
        model,
        messages: [user('Which city?')],
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'city',
            schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
        },
      });
      expect(kit.inspect(mock.calls[0]!).jsonSchema).toBe(true);
      expect(JSON.parse(res.choices[0]!.message.content!)).toEqual({ city: 'Paris' });
    });

    it('finish reason length', async () => {
      mock.enqueue(kit.text('Paris is', { input: 5, output: 2 }, 'length'));
      const res = await client.chat.completions.create({
        model,
        messages: [user('Weather?')],
        max_tokens: 2,
      });
      expect(res.choices[0]!.finish_reason).toBe('length');
    });

    it('errors: 400 passes through with the upstream message; one upstream call', async () => {
      mock.enqueue(kit.error('bad_request', { message: 'temperature is out of range' }));
      const err = await client.chat.completions.create({ model, messages: [user('x')] }).catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect(err.message).toContain('temperature is out of range');
      expect(mock.calls).toHaveLength(1);
    });

    it('errors: upstream authentication failure → 401', async () => {
      mock.enqueue(kit.error('authentication'));
      const err = await client.chat.completions.create({ model, messages: [user('x')] }).catch((e) => e);
      expect(err.status).toBe(401);
    });

    it('errors: 429 keeps its status and retry-after', async () => {
      mock.enqueue(kit.error('rate_limit', { retryAfterS: 7 }));
      const err = await client.chat.completions.create({ model, messages: [user('x')] }).catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.RateLimitError);
      expect(err.headers.get('retry-after')).toBe('7');
    });

    it('errors: 5xx and overloaded → 502 upstream_error (retryable upstream failures)', async () => {
      for (const kind of ['server', 'overloaded'] as const) {
        mock.enqueue(kit.error(kind));
        const err = await client.chat.completions.create({ model, messages: [user('x')] }).catch((e) => e);
        expect(err.status).toBe(502);
        expect(err.error?.type ?? err.type).toBe('upstream_error');
      }
    });

    it('client abort closes the upstream request within 0.5 s', async () => {
      const slow = kit.text('one two three four five six seven eight nine ten', { input: 5, output: 10 });
      mock.enqueue(async (req) => ({ ...(await slow(req)), chunkIntervalMs: 300 }));
      const controller = new AbortController();
      const stream = await client.chat.completions.create(
        { model, messages: [user('count')], stream: true },
        { signal: controller.signal },
      );
      const iterator = stream[Symbol.asyncIterator]();
      await iterator.next();
      const abortedAt = performance.now();
      controller.abort();
      await iterator.next().catch(() => undefined);
      const closedAt = await mock.calls[0]!.closed;
      expect(closedAt - abortedAt).toBeLessThan(500);
    });
  });
}
