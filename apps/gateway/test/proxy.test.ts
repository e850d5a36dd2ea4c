/**
 * OpenAI-compatible proxying through the real gateway: the official SDK, untouched fields, streams
 * that are not buffered, and client disconnects that reach the upstream.
 */
import {
  type MockServer,
  openaiAnswer,
  startMockServer,
  startTestGateway,
  type TestGateway,
} from '@switchyard/testing';
import OpenAI from 'openai';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

let mock: MockServer;
let gw: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  mock = await startMockServer();
  gw = await startTestGateway({
    providers: {
      up: {
        type: 'openai',
        base_url: `${mock.url}/v1`,
        api_key: 'sk-upstream-secret',
        models: ['gpt-4o-mini'],
      },
    },
    routes: [
      { name: 'chat', match: { models: ['fast'] }, targets: [{ provider: 'up', model: 'gpt-4o-mini' }] },
    ],
  });
  client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'client-key', maxRetries: 0 });
});
afterAll(async () => {
  await gw.close();
  await mock.close();
});
beforeEach(() => mock.reset());

describe('OpenAI-compatible proxying', () => {
  it('forwards fields the gateway does not know unchanged, rewriting only the model', async () => {
    mock.enqueue(openaiAnswer({ content: '{"a":1}' }, 'stop', { input: 5, output: 3 }));
    const body = {
      model: 'fast',
      messages: [{ role: 'user', content: 'hi' }],
      max_completion_tokens: 77,
      parallel_tool_calls: false,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'x',
          strict: true,
          schema: { type: 'object', properties: { a: { type: 'number' } } },
        },
      },
      metadata: { team: 'research', ticket: '42' },
      vendor_extension: { top_k: 5, nested: [1, { deep: true }] },
      service_tier: 'flex',
    };
    const res = await request(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    expect(res.statusCode).toBe(200);
    await res.body.text();
    expect(mock.calls[0]!.json).toEqual({ ...body, model: 'gpt-4o-mini' });
    expect(res.headers['x-switchyard-route']).toBe('chat');
    expect(res.headers['x-switchyard-model']).toBe('gpt-4o-mini');
    expect(res.headers['x-switchyard-provider']).toBe('up');
    expect(res.headers['x-switchyard-attempts']).toBe('1');
    expect(Number(res.headers['x-switchyard-overhead-ms'])).toBeGreaterThanOrEqual(0);
  });

  it('asks the upstream for usage on streams but does not pass the usage chunk on', async () => {
    mock.enqueue(openaiAnswer({ content: 'one two' }, 'stop', { input: 5, output: 2 }));
    const res = await request(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({
        model: 'fast',
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
        metadata: { a: 'b' },
      }),
    });
    const text = await res.body.text();
    expect(mock.calls[0]!.json.stream_options).toEqual({ include_usage: true });
    expect(mock.calls[0]!.json.metadata).toEqual({ a: 'b' });
    expect(text).not.toContain('"prompt_tokens"');
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
  });

  it('keeps upstream secrets away from the client', async () => {
    mock.enqueue(openaiAnswer({ content: 'x' }, 'stop', { input: 1, output: 1 }));
    const res = await request(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer client-key' },
      body: JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const text = await res.body.text();
    expect(mock.calls[0]!.headers.authorization).toBe('Bearer sk-upstream-secret');
    expect(JSON.stringify(res.headers) + text).not.toContain('sk-upstream-secret');
  });

  it('serves embeddings and the model list through the SDK', async () => {
    const vector = [0.5, 0.25];
    mock.enqueue((req) => ({
      body: {
        object: 'list',
        // The SDK asks for base64 floats by default and decodes them itself.
        data: [
          {
            object: 'embedding',
            index: 0,
            embedding:
              req.json.encoding_format === 'base64'
                ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
                : vector,
          },
        ],
        model: 'text-embedding-3-small',
        usage: { prompt_tokens: 2, total_tokens: 2 },
      },
    }));
    const emb = await client.embeddings.create({ model: 'up/text-embedding-3-small', input: 'hello world' });
    expect(emb.data[0]!.embedding).toEqual(vector);
    expect(mock.calls[0]!.path).toBe('/v1/embeddings');
    expect(mock.calls[0]!.json.model).toBe('text-embedding-3-small');

    const models = [];
    for await (const m of client.models.list()) models.push(m.id);
    expect(models).toEqual(expect.arrayContaining(['up/gpt-4o-mini', 'fast']));
    const one = await client.models.retrieve('up/gpt-4o-mini');
    expect(one.id).toBe('up/gpt-4o-mini');
  });

  it('streams are not buffered: chunks 250 ms apart arrive 250 ms apart', async () => {
    const answer = openaiAnswer({ content: 'alpha beta gamma delta' }, 'stop', { input: 3, output: 4 });
    mock.enqueue(async (req) => ({ ...(await answer(req)), chunkIntervalMs: 250 }));
    const stream = await client.chat.completions.create({
      model: 'fast',
      stream: true,
      messages: [{ role: 'user', content: 'go' }],
    });
    const arrivals: number[] = [];
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) arrivals.push(performance.now());
    expect(arrivals).toHaveLength(4);
    for (let i = 1; i < arrivals.length; i++) expect(arrivals[i]! - arrivals[i - 1]!).toBeGreaterThan(180);
  });

  it('a client that disconnects mid-stream makes the upstream request close within 0.5 s', async () => {
    const answer = openaiAnswer({ content: 'a b c d e f g h i j k l' }, 'stop', { input: 3, output: 12 });
    mock.enqueue(async (req) => ({ ...(await answer(req)), chunkIntervalMs: 250 }));
    const controller = new AbortController();
    const res = await request(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'fast', stream: true, messages: [{ role: 'user', content: 'go' }] }),
      signal: controller.signal,
    });
    for await (const _ of res.body) break; // first bytes arrived
    const leftAt = performance.now();
    controller.abort();
    const closedAt = await mock.calls[0]!.closed;
    expect(mock.calls[0]!.aborted).toBe(true);
    expect(closedAt - leftAt).toBeLessThan(500);
  });

  it('passes upstream 4xx through with their status and message', async () => {
    mock.enqueue({
      status: 404,
      body: {
        error: {
          message: 'The model `gpt-9` does not exist',
          type: 'invalid_request_error',
          param: null,
          code: 'model_not_found',
        },
      },
    });
    const err = await client.chat.completions
      .create({ model: 'up/gpt-9', messages: [{ role: 'user', content: 'x' }] })
      .catch((e) => e);
    expect(err.status).toBe(404);
    expect(err.message).toContain('The model `gpt-9` does not exist');
    expect(mock.calls).toHaveLength(1);
  });
});
