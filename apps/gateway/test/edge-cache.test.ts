/**
 * The response cache through the real gateway (memory store): miss then hit without an upstream call,
 * every answer-changing field a miss, tenants apart, streams stored and replayed, bypass headers, TTL,
 * the size cap, and only successful answers stored.
 */
import { createHash } from 'node:crypto';
import {
  type MockServer,
  openaiAnswer,
  openaiError,
  startMockServer,
  startTestGateway,
  type TestGateway,
} from '@switchyard/testing';
import OpenAI from 'openai';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const KEYS = { a: 'sk-key-a-0123456789abcdef', b: 'sk-key-b-0123456789abcdef' };

let mock: MockServer;
let gw: TestGateway | undefined;
let answers = 0;

beforeAll(async () => {
  // Every upstream answer is different, so a hit is recognisable by its content.
  mock = await startMockServer((req) =>
    openaiAnswer({ content: `answer ${++answers}` }, 'stop', { input: 7, output: 2 })(req),
  );
});
afterAll(() => mock.close());
afterEach(async () => {
  await gw?.close();
  gw = undefined;
  mock.reset();
});

function configWith(cache: Record<string, unknown> = {}, extraPlugins: unknown[] = []) {
  return {
    providers: { up: { type: 'openai', base_url: `${mock.url}/v1`, api_key: 'sk-upstream' } },
    routes: [
      { name: 'chat', match: { models: ['fast'] }, targets: [{ provider: 'up', model: 'gpt-4o-mini' }] },
      { name: 'smart', match: { models: ['smart'] }, targets: [{ provider: 'up', model: 'gpt-4o' }] },
    ],
    plugins: [
      {
        auth: {
          keys: [
            { name: 'a', key_sha256: sha(KEYS.a) },
            { name: 'b', key_sha256: sha(KEYS.b) },
          ],
        },
      },
      { cache: cache },
      ...extraPlugins,
    ],
  };
}

async function start(cache: Record<string, unknown> = {}, extraPlugins: unknown[] = []) {
  gw = await startTestGateway(configWith(cache, extraPlugins));
  return gw;
}

/** Save a new config and wait until the gateway has reloaded it (bounded). */
async function reload(config: object) {
  const done = () => gw!.logs.filter((l) => l.msg === 'config reloaded').length;
  const before = done();
  gw!.writeConfig(config);
  for (let i = 0; i < 100 && done() === before; i++) await new Promise((r) => setTimeout(r, 30));
  expect(done()).toBe(before + 1);
}

const BASE = { model: 'fast', messages: [{ role: 'user', content: 'what is 2+2?' }] };

async function chat(body: Record<string, unknown> = {}, headers: Record<string, string> = {}, key = KEYS.a) {
  const res = await request(`${gw!.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
    body: JSON.stringify({ ...BASE, ...body }),
  });
  const text = await res.body.text();
  return {
    status: res.statusCode,
    cache: res.headers['x-switchyard-cache'],
    text,
    json: () => JSON.parse(text),
  };
}

const content = (r: { json(): any }) => r.json().choices[0].message.content as string;

describe('cache', () => {
  it('miss, then a hit served without an upstream call; key order in the body does not matter', async () => {
    await start();
    const first = await chat();
    expect(first.cache).toBe('miss');
    const second = await chat();
    expect(second.cache).toBe('hit');
    expect(content(second)).toBe(content(first));
    expect(second.json().usage).toEqual(first.json().usage);
    expect(mock.calls).toHaveLength(1);
    const reordered = await request(`${gw!.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.a}` },
      body: `{"messages":[{"content":"what is 2+2?","role":"user"}],"model":"fast"}`,
    });
    expect(reordered.headers['x-switchyard-cache']).toBe('hit');
    await reordered.body.dump();
  });

  it('any field that changes the answer is a miss; delivery fields are not', async () => {
    await start();
    await chat();
    const variants: Array<Record<string, unknown>> = [
      { response_format: { type: 'json_object' } },
      { stop: ['\n'] },
      { seed: 7 },
      { temperature: 0.2 },
      { top_p: 0.5 },
      { max_tokens: 9 },
      { model: 'smart' },
      { tools: [{ type: 'function', function: { name: 'add', parameters: { type: 'object' } } }] },
      { tool_choice: 'none' },
      { n: 2 },
      { top_k: 3 }, // a vendor field the gateway does not know
      { messages: [{ role: 'user', content: 'what is 2+3?' }] },
    ];
    for (const v of variants)
      expect([JSON.stringify(v), (await chat(v)).cache]).toEqual([JSON.stringify(v), 'miss']);
    expect(mock.calls).toHaveLength(1 + variants.length);
    expect((await chat({ metadata: { team: 'x' }, user: 'u-1' })).cache).toBe('hit');
  });

  it('the same prompt from two keys shares no entry', async () => {
    await start();
    const a = await chat({}, {}, KEYS.a);
    const b = await chat({}, {}, KEYS.b);
    expect([a.cache, b.cache]).toEqual(['miss', 'miss']);
    expect(content(a)).not.toBe(content(b));
    expect(content(await chat({}, {}, KEYS.b))).toBe(content(b));
  });

  it('a cached answer is replayed to a streaming client, with usage only when asked', async () => {
    await start();
    const stored = content(await chat());
    const client = new OpenAI({ baseURL: gw!.baseURL, apiKey: KEYS.a, maxRetries: 0 });
    const { data: stream, response } = await client.chat.completions
      .create({ ...BASE, stream: true } as OpenAI.ChatCompletionCreateParamsStreaming)
      .withResponse();
    expect(response.headers.get('x-switchyard-cache')).toBe('hit');
    let text = '';
    const chunks = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe(stored);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.some((c) => c.usage)).toBe(false);

    const withUsage = await chat({ stream: true, stream_options: { include_usage: true } });
    expect(withUsage.cache).toBe('hit');
    expect(withUsage.text).toContain('"prompt_tokens":7');
    expect(withUsage.text.trim().endsWith('data: [DONE]')).toBe(true);
    expect(mock.calls).toHaveLength(1);
  });

  it('a streamed answer is assembled and stored: a JSON client then gets it whole', async () => {
    await start();
    const client = new OpenAI({ baseURL: gw!.baseURL, apiKey: KEYS.a, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      ...BASE,
      stream: true,
    } as OpenAI.ChatCompletionCreateParamsStreaming);
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
    const hit = await chat();
    expect(hit.cache).toBe('hit');
    expect(content(hit)).toBe(streamed);
    expect(hit.json().usage.prompt_tokens).toBe(7);
    expect(hit.json().object).toBe('chat.completion');
    expect(mock.calls).toHaveLength(1);
  });

  it('x-switchyard-no-cache and cache-control: no-cache bypass the cache both ways', async () => {
    await start();
    const bypassed = await chat({}, { 'x-switchyard-no-cache': 'true' });
    expect(bypassed.cache).toBe('bypass');
    expect((await chat()).cache).toBe('miss'); // the bypassed answer was not stored
    expect((await chat({}, { 'cache-control': 'no-cache' })).cache).toBe('bypass');
    expect((await chat()).cache).toBe('hit');
    expect(mock.calls).toHaveLength(3);
  });

  it('entries expire after the ttl', async () => {
    await start({ ttl: '300ms' });
    await chat();
    expect((await chat()).cache).toBe('hit');
    await new Promise((r) => setTimeout(r, 400));
    expect((await chat()).cache).toBe('miss');
  });

  it('stores only successful answers', async () => {
    await start();
    mock.enqueue(openaiError('server'));
    expect((await chat()).status).toBe(502);
    expect((await chat()).cache).toBe('miss');
    expect((await chat()).cache).toBe('hit');
    expect(mock.calls).toHaveLength(2);
  });

  it('does not store answers over max_entry_size', async () => {
    await start({ max_entry_size: 200 });
    expect((await chat()).text.length).toBeGreaterThan(200);
    expect((await chat()).cache).toBe('miss');
    expect(mock.calls).toHaveLength(2);
  });

  it('a reload keeps the stored answers unless the cache options changed', async () => {
    await start();
    await chat();
    await reload({ ...configWith(), server: { request_timeout: '1m' } });
    expect((await chat()).cache).toBe('hit');
    await reload(configWith({ ttl: '5m' }));
    expect((await chat()).cache).toBe('miss');
  });

  it('caches embeddings too', async () => {
    await start();
    mock.enqueue({
      body: {
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: [0.5] }],
        model: 'e',
        usage: { prompt_tokens: 2, total_tokens: 2 },
      },
    });
    const embed = async () => {
      const res = await request(`${gw!.baseURL}/embeddings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEYS.a}` },
        body: JSON.stringify({ model: 'up/text-embedding-3-small', input: 'hello' }),
      });
      return { cache: res.headers['x-switchyard-cache'], body: (await res.body.json()) as any };
    };
    expect((await embed()).cache).toBe('miss');
    const hit = await embed();
    expect(hit.cache).toBe('hit');
    expect(hit.body.data[0].embedding).toEqual([0.5]);
    expect(mock.calls).toHaveLength(1);
  });

  it('counts results in switchyard_cache_requests_total', async () => {
    await start({}, ['metrics']);
    await chat();
    await chat();
    await chat({}, { 'x-switchyard-no-cache': 'true' });
    const text = await (await request(`${gw!.url}/metrics`)).body.text();
    for (const result of ['hit', 'miss', 'bypass']) {
      expect(text).toMatch(new RegExp(`switchyard_cache_requests_total\\{result="${result}"\\} 1\\b`));
    }
  });
});
