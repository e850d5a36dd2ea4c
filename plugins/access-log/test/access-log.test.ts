/** The access log through a real gateway: one JSON line per request, every field, and nothing secret. */
import { fileURLToPath } from 'node:url';
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
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const PROMPT = 'My secret plan: paint the Eiffel tower green';
const CLIENT_KEY = 'sk-client-secret-123';
const UPSTREAM_KEY = 'sk-upstream-secret-456';
const authStub = fileURLToPath(new URL('./fixtures/auth-stub.js', import.meta.url));

let mock: MockServer;
let gw: TestGateway;
let client: OpenAI;

const accessLines = () => gw.logs.filter((l) => l.log === 'access');
async function lineFor(id: string) {
  await expect.poll(() => accessLines().some((l) => l.request_id === id)).toBe(true);
  return accessLines().find((l) => l.request_id === id)!;
}

beforeAll(async () => {
  mock = await startMockServer();
  gw = await startTestGateway({
    providers: {
      up: { type: 'openai', base_url: `${mock.url}/v1`, api_key: UPSTREAM_KEY, models: ['gpt-4o-mini'] },
    },
    routes: [
      { name: 'chat', match: { models: ['fast'] }, targets: [{ provider: 'up', model: 'gpt-4o-mini' }] },
    ],
    plugins: [{ use: authStub }, 'access-log'],
  });
  client = new OpenAI({ baseURL: gw.baseURL, apiKey: CLIENT_KEY, maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
  await mock?.close();
});
beforeEach(() => mock.reset());

describe('access log', () => {
  it('writes one line for a JSON answer with route, target, status, attempts, tokens, cost, timings and key name', async () => {
    mock.enqueue(openaiAnswer({ content: 'No.' }, 'stop', { input: 1000, output: 200, cached: 400 }));
    await client.chat.completions.create(
      { model: 'fast', messages: [{ role: 'user', content: PROMPT }] },
      { headers: { 'x-request-id': 'req-json-1' } },
    );
    const line = await lineFor('req-json-1');
    expect(line).toMatchObject({
      level: 30,
      log: 'access',
      request_id: 'req-json-1',
      operation: 'chat',
      path: '/v1/chat/completions',
      route: 'chat',
      provider: 'up',
      model: 'gpt-4o-mini',
      requested_model: 'fast',
      stream: false,
      status: 200,
      error: null,
      attempts: 1,
      fallbacks: 0,
      cache: null,
      tokens: { input: 1000, output: 200, cached_input: 400, cache_write: 0 },
      unpriced: false,
      key_name: 'web-frontend',
    });
    // gpt-4o-mini: 600 × 0.15 + 400 × 0.075 + 200 × 0.6, per million
    expect(line.cost_usd).toBeCloseTo((600 * 0.15 + 400 * 0.075 + 200 * 0.6) / 1e6, 12);
    expect(line.duration_ms).toBeGreaterThan(0);
    expect(line.ttft_ms).toBeGreaterThan(0);
    expect(accessLines().filter((l) => l.request_id === 'req-json-1')).toHaveLength(1);
  });

  it("writes a stream's line after its end, with the usage the client never asked for", async () => {
    mock.enqueue(openaiAnswer({ content: 'one two three' }, 'stop', { input: 30, output: 3 }));
    const stream = await client.chat.completions.create(
      { model: 'fast', messages: [{ role: 'user', content: PROMPT }], stream: true },
      { headers: { 'x-request-id': 'req-stream-1' } },
    );
    for await (const _ of stream);
    const line = await lineFor('req-stream-1');
    expect(line).toMatchObject({ stream: true, status: 200, tokens: { input: 30, output: 3 } });
    expect(line.cost_usd).toBeCloseTo((30 * 0.15 + 3 * 0.6) / 1e6, 12);
    expect(line.ttft_ms as number).toBeLessThanOrEqual(line.duration_ms as number);
  });

  it('writes failures with their status and error type, and no usage or cost', async () => {
    mock.enqueue(openaiError('server'));
    await expect(
      client.chat.completions.create(
        { model: 'fast', messages: [{ role: 'user', content: PROMPT }] },
        { headers: { 'x-request-id': 'req-fail-1' } },
      ),
    ).rejects.toMatchObject({ status: 502 });
    expect(await lineFor('req-fail-1')).toMatchObject({
      status: 502,
      error: { type: 'upstream_error', code: 'upstream_error' },
      attempts: 1,
      tokens: null,
      cost_usd: null,
    });
  });

  it('writes requests refused at the edge too', async () => {
    const res = await request(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'x-request-id': 'req-bad-1' },
      body: '{"model": "fast", "messages": ',
    });
    expect(res.statusCode).toBe(400);
    await res.body.text();
    expect(await lineFor('req-bad-1')).toMatchObject({
      status: 400,
      route: null,
      error: { type: 'invalid_request_error' },
    });
  });

  it('never logs prompt text, answers, client keys or upstream keys', async () => {
    mock.enqueue(
      openaiAnswer({ content: 'Green it is, with the key sk-upstream-secret-456' }, 'stop', {
        input: 1,
        output: 1,
      }),
    );
    await client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: PROMPT }] });
    const everything = JSON.stringify(gw.logs);
    expect(accessLines().length).toBeGreaterThanOrEqual(5);
    expect(everything).not.toContain('Eiffel');
    expect(everything).not.toContain('Green it is');
    expect(everything).not.toContain(CLIENT_KEY);
    expect(everything).not.toContain(UPSTREAM_KEY);
  });
});

describe('access log level', () => {
  it('writes at its configured level, so logging.level above it silences the lines', async () => {
    const quiet = await startTestGateway({
      providers: { up: { type: 'mock' } },
      plugins: [{ 'access-log': { level: 'debug' } }],
      logging: { level: 'info' },
    });
    const loud = await startTestGateway({
      providers: { up: { type: 'mock' } },
      plugins: [{ 'access-log': { level: 'debug' } }],
      logging: { level: 'debug' },
    });
    try {
      for (const g of [quiet, loud]) {
        const c = new OpenAI({ baseURL: g.baseURL, apiKey: 'k', maxRetries: 0 });
        await c.chat.completions.create({ model: 'up/echo', messages: [{ role: 'user', content: 'hi' }] });
      }
      await expect.poll(() => loud.logs.filter((l) => l.log === 'access').length).toBe(1);
      expect(loud.logs.find((l) => l.log === 'access')).toMatchObject({
        level: 20,
        provider: 'up',
        cost_usd: 0,
      });
      expect(quiet.logs.filter((l) => l.log === 'access')).toHaveLength(0);
    } finally {
      await quiet.close();
      await loud.close();
    }
  });
});

describe('access log with logging.format: pretty', () => {
  it('prints a human-readable line with the same fields', async () => {
    const pretty = await startTestGateway({
      providers: { up: { type: 'mock' } },
      plugins: ['access-log'],
      logging: { format: 'pretty' },
    });
    try {
      const c = new OpenAI({ baseURL: pretty.baseURL, apiKey: 'k', maxRetries: 0 });
      await c.chat.completions.create(
        { model: 'up/echo', messages: [{ role: 'user', content: 'hi' }] },
        { headers: { 'x-request-id': 'pretty-1' } },
      );
      await expect.poll(() => pretty.logs.some((l) => String(l.msg).includes('200 direct'))).toBe(true);
      const text = pretty.logs.map((l) => String(l.msg)).join('\n');
      expect(text).toMatch(/INFO.*200 direct/);
      expect(text).toContain('request_id: "pretty-1"');
      expect(text).toContain('log: "access"');
    } finally {
      await pretty.close();
    }
  });
});
