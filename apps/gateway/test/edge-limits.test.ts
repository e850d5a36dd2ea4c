/**
 * Rate limits through the real gateway (memory store): per-key requests and tokens per minute, 429 with
 * retry-after and the x-ratelimit-* headers, shadow rules, route/model scopes, and the client IP that
 * `ip` limits count under (X-Forwarded-For only with server.trust_proxy).
 */
import { createHash } from 'node:crypto';
import {
  type MockServer,
  openaiAnswer,
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

beforeAll(async () => {
  mock = await startMockServer(openaiAnswer({ content: 'ok' }, 'stop', { input: 40, output: 10 }));
});
afterAll(() => mock.close());
afterEach(async () => {
  await gw?.close();
  gw = undefined;
  mock.reset();
});

function start(plugins: unknown[], server: Record<string, unknown> = {}) {
  return startTestGateway({
    server,
    providers: { up: { type: 'openai', base_url: `${mock.url}/v1`, api_key: 'sk-upstream' } },
    routes: [
      { name: 'chat', match: { models: ['fast'] }, targets: [{ provider: 'up', model: 'gpt-4o-mini' }] },
      { name: 'bulk', match: { models: ['bulk'] }, targets: [{ provider: 'up', model: 'gpt-4o-mini' }] },
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
      ...plugins,
    ],
  });
}

async function chat(key: string, body: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const res = await request(`${gw!.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
    body: JSON.stringify({
      model: 'fast',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 20,
      ...body,
    }),
  });
  return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as any };
}

describe('requests per minute per key', () => {
  it('the request over the limit gets 429 with retry-after and headers; another key is unaffected', async () => {
    gw = await start([{ 'rate-limit': { rules: [{ scope: 'key', requests_per_minute: 3 }] } }]);
    const seen = [];
    for (let i = 0; i < 3; i++) {
      const res = await chat(KEYS.a);
      expect(res.status).toBe(200);
      seen.push(res.headers['x-ratelimit-remaining-requests']);
      expect(res.headers['x-ratelimit-limit-requests']).toBe('3');
      expect(res.headers['x-ratelimit-reset-requests']).toMatch(/^(\d+m)?\d+(ms|s)$/);
    }
    expect(seen).toEqual(['2', '1', '0']);
    const limited = await chat(KEYS.a);
    expect(limited.status).toBe(429);
    expect(limited.body.error.type).toBe('rate_limit_error');
    expect(limited.body.error.message).toContain("'key'");
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers['x-ratelimit-remaining-requests']).toBe('0');
    expect(limited.headers['x-ratelimit-limit-requests']).toBe('3');
    expect(mock.calls).toHaveLength(3);

    const other = await chat(KEYS.b);
    expect(other.status).toBe(200);
    expect(other.headers['x-ratelimit-remaining-requests']).toBe('2');

    // The OpenAI SDK sees a RateLimitError (and would honour retry-after if it retried).
    const client = new OpenAI({ baseURL: gw.baseURL, apiKey: KEYS.a, maxRetries: 0 });
    await expect(
      client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toBeInstanceOf(OpenAI.RateLimitError);
  });

  it('a refused request does not count against the rules that passed it', async () => {
    gw = await start([
      {
        'rate-limit': {
          rules: [
            { name: 'per-key', scope: 'key', requests_per_minute: 2 },
            { name: 'bulk', scope: 'global', requests_per_minute: 1, routes: ['bulk'] },
          ],
        },
      },
    ]);
    expect((await chat(KEYS.a, { model: 'bulk' })).status).toBe(200);
    const refused = await chat(KEYS.a, { model: 'bulk' });
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toContain("'bulk'");
    expect(refused.headers['x-ratelimit-limit-requests']).toBe('1');
    // The per-key rule counted the refused request, then gave it back: one request left.
    const last = await chat(KEYS.a, { model: 'fast' });
    expect(last.status).toBe(200);
    expect(last.headers['x-ratelimit-remaining-requests']).toBe('0');
    expect((await chat(KEYS.a, { model: 'fast' })).body.error.message).toContain("'per-key'");
  });
});

describe('tokens per minute', () => {
  it('a key sending long prompts hits its tokens-per-minute limit; short prompts from another key pass', async () => {
    gw = await start([{ 'rate-limit': { rules: [{ scope: 'key', tokens_per_minute: 1000 }] } }]);
    const long = 'lorem ipsum dolor sit amet '.repeat(60); // ~1600 characters: ~400 tokens
    const first = await chat(KEYS.a, { messages: [{ role: 'user', content: long }], max_tokens: 100 });
    expect(first.status).toBe(200);
    expect(first.headers['x-ratelimit-limit-tokens']).toBe('1000');
    const held = 1000 - Number(first.headers['x-ratelimit-remaining-tokens']);
    expect(held).toBeGreaterThan(400);
    expect(held).toBeLessThan(600);
    // The upstream reported 50 tokens (40 in + 10 out): the hold is settled down to that.
    await new Promise((r) => setTimeout(r, 50));
    const second = await chat(KEYS.a, { messages: [{ role: 'user', content: long }], max_tokens: 100 });
    expect(second.status).toBe(200);
    expect(1000 - Number(second.headers['x-ratelimit-remaining-tokens'])).toBe(50 + held);
    await new Promise((r) => setTimeout(r, 50));
    const third = await chat(KEYS.a, {
      messages: [{ role: 'user', content: `${long}${long}` }],
      max_tokens: 100,
    });
    expect(third.status).toBe(429);
    expect(third.body.error.message).toContain('tokens per minute');
    expect(third.headers['x-ratelimit-remaining-tokens']).toBe('0');
    expect(Number(third.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await chat(KEYS.b)).status).toBe(200);
    expect(mock.calls).toHaveLength(3);
  });
});

describe('shadow mode, scopes and burst', () => {
  it('enforce: false only counts: the request passes and the rule is counted in metrics', async () => {
    gw = await start([
      { 'rate-limit': { enforce: false, rules: [{ name: 'trial', scope: 'key', requests_per_minute: 1 }] } },
      'metrics',
    ]);
    expect((await chat(KEYS.a)).status).toBe(200);
    const over = await chat(KEYS.a);
    expect(over.status).toBe(200);
    expect(over.headers['x-ratelimit-limit-requests']).toBeUndefined();
    const metrics = await (await request(`${gw.url}/metrics`)).body.text();
    expect(metrics).toMatch(/switchyard_rate_limited_total\{rule="trial"[^}]*\} 1\b/);
  });

  it('route and model scopes count per route / per requested model, and rules can be narrowed', async () => {
    gw = await start([
      {
        'rate-limit': {
          rules: [
            { name: 'per-route', scope: 'route', requests_per_minute: 2, routes: ['bulk'] },
            { name: 'per-model', scope: 'model', requests_per_minute: 3 },
          ],
        },
      },
    ]);
    expect((await chat(KEYS.a, { model: 'bulk' })).status).toBe(200);
    expect((await chat(KEYS.b, { model: 'bulk' })).status).toBe(200);
    const bulk = await chat(KEYS.a, { model: 'bulk' });
    expect(bulk.status).toBe(429);
    expect(bulk.body.error.message).toContain("'per-route'");
    for (let i = 0; i < 3; i++) expect((await chat(KEYS.a, { model: 'fast' })).status).toBe(200);
    expect((await chat(KEYS.b, { model: 'fast' })).body.error.message).toContain("'per-model'");
  });

  it('an unknown model or a forbidden one does not use up the allowance', async () => {
    gw = await start([{ 'rate-limit': { rules: [{ scope: 'key', requests_per_minute: 1 }] } }]);
    expect((await chat(KEYS.a, { model: 'nope' })).status).toBe(404);
    expect((await chat(KEYS.a)).status).toBe(200);
  });

  it('burst caps how many of the minute arrive at once', async () => {
    gw = await start([{ 'rate-limit': { rules: [{ scope: 'key', requests_per_minute: 60, burst: 2 }] } }]);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await chat(KEYS.a)).status);
    expect(statuses).toEqual([200, 200, 429, 429]);
  });
});

describe('the client IP of ip limits', () => {
  const forwarded = (ip: string) => ({ 'x-forwarded-for': ip });

  it('ignores X-Forwarded-For without trust_proxy: every forged address shares one allowance', async () => {
    gw = await start([{ 'rate-limit': { rules: [{ scope: 'ip', requests_per_minute: 2 }] } }]);
    expect((await chat(KEYS.a, {}, forwarded('203.0.113.1'))).status).toBe(200);
    expect((await chat(KEYS.a, {}, forwarded('203.0.113.2'))).status).toBe(200);
    expect((await chat(KEYS.a, {}, forwarded('203.0.113.3'))).status).toBe(429);
  });

  it('uses X-Forwarded-For when the proxy is trusted', async () => {
    gw = await start([{ 'rate-limit': { rules: [{ scope: 'ip', requests_per_minute: 2 }] } }], {
      trust_proxy: ['127.0.0.1/32', '::1/128'],
    });
    for (let i = 0; i < 2; i++) expect((await chat(KEYS.a, {}, forwarded('203.0.113.1'))).status).toBe(200);
    expect((await chat(KEYS.a, {}, forwarded('203.0.113.1'))).status).toBe(429);
    expect((await chat(KEYS.a, {}, forwarded('203.0.113.2'))).status).toBe(200);
  });
});
