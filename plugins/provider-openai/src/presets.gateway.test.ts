/**
 * Preset quirks through a real gateway, with the official `openai` SDK as the client and the vendors'
 * recorded answers (packages/testing/wire) replayed by a mock upstream.
 */
import { type MockServer, startMockServer, startTestGateway, type TestGateway } from '@switchyard/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { wireText } from './test-fixtures.js';

let mock: MockServer;
let gw: TestGateway;
let client: OpenAI;

/** A recorded SSE answer, sent event by event. */
const replay = (file: string) => ({
  chunks: wireText(file).split(/(?<=\n\n)/),
  headers: { 'content-type': 'text/event-stream' },
});
const user = (content: string) => ({ role: 'user' as const, content });

beforeAll(async () => {
  mock = await startMockServer();
  const at = (path: string) => ({ base_url: `${mock.url}${path}`, api_key: 'vendor-key' });
  gw = await startTestGateway({
    providers: {
      groq: { type: 'groq', ...at('/openai/v1') },
      openrouter: { type: 'openrouter', ...at('/api/v1') },
      deepseek: { type: 'deepseek', ...at('/v1') },
      mistral: { type: 'mistral', ...at('/v1') },
      perplexity: { type: 'perplexity', ...at('') },
    },
    routes: [],
  });
  client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'gateway-key', maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
  await mock?.close();
});
beforeEach(() => mock.reset());

describe('groq (groq_chat_stream_tools.sse)', () => {
  it('the SDK rebuilds both tool calls; usage reaches the client only when asked', async () => {
    mock.enqueue(replay('groq_chat_stream_tools.sse'));
    const stream = client.chat.completions.stream({
      model: 'groq/llama-3.3-70b-versatile',
      messages: [user('Paris and Tokyo?')],
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    const calls = final.choices[0]!.message.tool_calls as OpenAI.ChatCompletionMessageFunctionToolCall[];
    expect(calls.map((c) => JSON.parse(c.function.arguments).location)).toEqual([
      'Paris, France',
      'Tokyo, Japan',
    ]);
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(chunks.every((c) => c.choices.length > 0)).toBe(true);
    expect(mock.calls[0]!.path).toBe('/openai/v1/chat/completions');
    expect(mock.calls[0]!.headers.authorization).toBe('Bearer vendor-key');

    mock.enqueue(replay('groq_chat_stream_tools.sse'));
    const withUsage = await client.chat.completions.create({
      model: 'groq/llama-3.3-70b-versatile',
      messages: [user('Paris and Tokyo?')],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of withUsage) usage = chunk.usage ?? usage;
    expect(usage).toMatchObject({ prompt_tokens: 231, completion_tokens: 58, total_tokens: 289 });
  });
});

describe('openrouter', () => {
  it('a body with leading whitespace is a normal answer (openrouter_chat_response.json.txt)', async () => {
    mock.enqueue({
      body: wireText('openrouter_chat_response.json.txt'),
      headers: { 'content-type': 'application/json' },
    });
    const res = await client.chat.completions.create({
      model: 'openrouter/openai/gpt-4o',
      messages: [user('Paris?')],
    });
    expect(res.id).toBe('gen-1736942400-ZOAL8aq2JGf0mjD7wblB');
    expect(res.choices[0]!.finish_reason).toBe('tool_calls');
    expect(mock.calls[0]!.json.model).toBe('openai/gpt-4o');
  });

  it('a mid-stream error chunk ends the stream with an error event after the text so far (openrouter_chat_stream_midstream_error.sse)', async () => {
    mock.enqueue(replay('openrouter_chat_stream_midstream_error.sse'));
    const stream = await client.chat.completions.create({
      model: 'openrouter/anthropic/claude-sonnet-4.5',
      messages: [user('Weather?')],
      stream: true,
    });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((err) => err);
    expect(text).toBe("Right now it's 18 °C and partly cloudy in Paris");
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.message).toContain('Provider disconnected unexpectedly');
  });
});

describe('deepseek (deepseek_chat_stream_reasoning.sse)', () => {
  it('reasoning_content reaches the client; the finish-chunk usage only when asked', async () => {
    mock.enqueue(replay('deepseek_chat_stream_reasoning.sse'));
    const stream = await client.chat.completions.create({
      model: 'deepseek/deepseek-reasoner',
      messages: [{ role: 'developer', content: 'Think first.' }, user('Is 2^61-1 prime?')],
      stream: true,
    });
    let reasoning = '';
    let content = '';
    let usageSeen = false;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as
        | { content?: string | null; reasoning_content?: string | null }
        | undefined;
      reasoning += delta?.reasoning_content ?? '';
      content += delta?.content ?? '';
      usageSeen ||= chunk.usage != null;
    }
    expect(reasoning).toBe('2^61-1 is a Mersenne number; it is known to be prime.');
    expect(content).toBe('Yes — 2^61−1 is prime.');
    expect(usageSeen).toBe(false);
    expect(mock.calls[0]!.json.messages[0]).toEqual({ role: 'system', content: 'Think first.' });
  });
});

describe('mistral', () => {
  it('a tool round trip with OpenAI-style ids: Mistral sees 9-character ids, the client its own', async () => {
    const callId = 'call_YsWH1aWkO8UHLB45ONnqShS1';
    mock.enqueue({
      body: {
        id: 'cmpl-1',
        object: 'chat.completion',
        created: 1736942400,
        model: 'mistral-large-latest',
        choices: [
          { index: 0, message: { role: 'assistant', content: 'It is 18 °C.' }, finish_reason: 'stop' },
        ],
        usage: { prompt_tokens: 40, completion_tokens: 6, total_tokens: 46 },
      },
    });
    const res = await client.chat.completions.create({
      model: 'mistral/mistral-large-latest',
      tool_choice: 'required',
      seed: 42,
      messages: [
        user('Weather in Paris?'),
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: callId,
              type: 'function',
              function: { name: 'get_weather', arguments: '{"location":"Paris"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: callId, content: '{"temperature":18}' },
      ],
    });
    expect(res.choices[0]!.message.content).toBe('It is 18 °C.');
    const sent = mock.calls[0]!.json;
    const mapped = sent.messages[1].tool_calls[0].id;
    expect(mapped).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(sent.messages[2]).toMatchObject({ tool_call_id: mapped, name: 'get_weather' });
    expect(sent).toMatchObject({ tool_choice: 'any', random_seed: 42 });
    expect(sent).not.toHaveProperty('seed');
  });
});

describe('perplexity', () => {
  it('embeddings are refused before any upstream call', async () => {
    const err = await client.embeddings.create({ model: 'perplexity/sonar', input: 'hello' }).catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.code).toBe('unsupported_operation');
    expect(mock.calls).toHaveLength(0);
  });
});
