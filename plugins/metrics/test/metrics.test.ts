/**
 * The metric set through a real gateway: the official SDK as client, a scripted OpenAI-compatible upstream,
 * and /metrics read back after each scenario.
 */
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
import { scrape } from './prom.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const user = [{ role: 'user' as const, content: 'What is the capital of France?' }];
/** gpt-4o-mini in the shipped table: $0.15 in, $0.60 out, $0.075 cached in, per million tokens. */
const mini = (input: number, output: number, cached = 0) =>
  ((input - cached) * 0.15 + cached * 0.075 + output * 0.6) / 1e6;

let mock: MockServer;
let gw: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  mock = await startMockServer();
  gw = await startTestGateway({
    providers: {
      up: { type: 'openai', base_url: `${mock.url}/v1`, api_key: 'sk-upstream', models: ['gpt-4o-mini'] },
      spare: { type: 'openai', base_url: `${mock.url}/v1`, api_key: 'sk-upstream' },
    },
    routes: [
      { name: 'chat', match: { models: ['fast'] }, targets: [{ provider: 'up', model: 'gpt-4o-mini' }] },
      {
        name: 'novel',
        match: { models: ['novel'] },
        targets: [{ provider: 'up', model: 'brand-new-model' }],
      },
      {
        name: 'safe',
        match: { models: ['safe'] },
        targets: [{ provider: 'up', model: 'gpt-4o-mini' }],
        fallback: [{ provider: 'spare', model: 'gpt-4o-mini' }],
      },
    ],
    plugins: [{ use: fixture('services-stub.js') }, { use: fixture('cache-stub.js') }, 'metrics'],
  });
  client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'client-key', maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
  await mock?.close();
});
beforeEach(() => mock.reset());

async function drain(stream: AsyncIterable<unknown>) {
  for await (const _ of stream);
}

describe('metrics: tokens and cost', () => {
  it('counts exactly the upstream usage of a JSON answer and of a stream that did not ask for usage, and prices them', async () => {
    const before = await scrape(gw.url);
    const tokens = (direction: string) =>
      before.value('switchyard_tokens_total', { direction, provider: 'up', model: 'gpt-4o-mini' }) ?? 0;
    const [in0, out0, cached0] = [tokens('input'), tokens('output'), tokens('cached_input')];
    const cost0 = before.value('switchyard_cost_usd_total', { provider: 'up', model: 'gpt-4o-mini' }) ?? 0;

    mock.enqueue(openaiAnswer({ content: 'Paris.' }, 'stop', { input: 1234, output: 56, cached: 1000 }));
    const json = await client.chat.completions.create({ model: 'fast', messages: user }).withResponse();
    mock.enqueue(openaiAnswer({ content: 'Paris is the capital.' }, 'stop', { input: 321, output: 45 }));
    const stream = await client.chat.completions.create({ model: 'fast', messages: user, stream: true });
    await drain(stream);
    expect(mock.calls[1]!.json.stream_options).toEqual({ include_usage: true });

    const after = await scrape(gw.url);
    const t = (direction: string) =>
      after.value('switchyard_tokens_total', { direction, provider: 'up', model: 'gpt-4o-mini' }) ?? 0;
    expect(t('input') - in0).toBe(1234 + 321);
    expect(t('output') - out0).toBe(56 + 45);
    expect(t('cached_input') - cached0).toBe(1000);
    const cost =
      (after.value('switchyard_cost_usd_total', { provider: 'up', model: 'gpt-4o-mini' }) ?? 0) - cost0;
    expect(cost).toBeGreaterThan(0);
    expect(cost).toBeCloseTo(mini(1234, 56, 1000) + mini(321, 45), 12);
    // The JSON answer carries its own cost.
    expect(Number(json.response.headers.get('x-switchyard-cost-usd'))).toBeCloseTo(mini(1234, 56, 1000), 12);
  });

  it('sends no cost header on a stream (its usage comes after the headers)', async () => {
    mock.enqueue(openaiAnswer({ content: 'Paris.' }, 'stop', { input: 5, output: 2 }));
    const res = await request(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'fast', messages: user, stream: true }),
    });
    await res.body.text();
    expect(res.headers['x-switchyard-cost-usd']).toBeUndefined();
  });

  it('reports a model without a price as unpriced — a counter and one warning per model — never as $0', async () => {
    for (let i = 0; i < 2; i++) {
      mock.enqueue(openaiAnswer({ content: 'hi' }, 'stop', { input: 10, output: 3 }));
      const res = await client.chat.completions.create({ model: 'novel', messages: user }).withResponse();
      expect(res.response.headers.get('x-switchyard-cost-usd')).toBeNull();
    }
    const m = await scrape(gw.url);
    // brand-new-model is named by a route, so it is its own label value.
    expect(m.value('switchyard_unpriced_requests_total', { provider: 'up', model: 'brand-new-model' })).toBe(
      2,
    );
    expect(
      m.value('switchyard_cost_usd_total', { provider: 'up', model: 'brand-new-model' }),
    ).toBeUndefined();
    expect(m.value('switchyard_tokens_total', { direction: 'input', model: 'brand-new-model' })).toBe(20);
    const warnings = gw.logs.filter((l) => String(l.msg).startsWith('no price for up/brand-new-model'));
    expect(warnings).toHaveLength(1);
  });

  it('counts a stream cut before its usage chunk as usage missing, not as zero tokens', async () => {
    const before = (await scrape(gw.url)).value('switchyard_usage_missing_total', { provider: 'up' }) ?? 0;
    mock.enqueue((req) => ({
      ...(openaiAnswer({ content: 'a b c d e f' }, 'stop', { input: 9, output: 6 })(req) as object),
      chunkIntervalMs: 20,
      dropAfterChunks: 3,
    }));
    const res = await request(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'fast', messages: user, stream: true }),
    });
    expect(res.statusCode).toBe(200);
    await res.body.text().catch(() => '');
    await expect
      .poll(async () => (await scrape(gw.url)).value('switchyard_usage_missing_total', { provider: 'up' }))
      .toBe(before + 1);
  });
});

describe('metrics: requests, errors, attempts', () => {
  it('counts failures with their status: an upstream 400 as 400, an upstream 500 as 502, a bad body as 400', async () => {
    const before = await scrape(gw.url);
    const count = (m: typeof before, labels: Record<string, string>) =>
      m.value('switchyard_requests_total', labels) ?? 0;

    mock.enqueue(openaiError('bad_request'));
    await expect(client.chat.completions.create({ model: 'fast', messages: user })).rejects.toMatchObject({
      status: 400,
    });
    mock.enqueue(openaiError('server'));
    await expect(client.chat.completions.create({ model: 'fast', messages: user })).rejects.toMatchObject({
      status: 502,
    });
    const bad = await request(`${gw.baseURL}/chat/completions`, { method: 'POST', body: '{not json' });
    expect(bad.statusCode).toBe(400);
    await bad.body.text();

    const after = await scrape(gw.url);
    expect(
      count(after, { route: 'chat', status: '400' }) - count(before, { route: 'chat', status: '400' }),
    ).toBe(1);
    expect(
      count(after, { route: 'chat', status: '502' }) - count(before, { route: 'chat', status: '502' }),
    ).toBe(1);
    expect(count(after, { route: '', status: '400' }) - count(before, { route: '', status: '400' })).toBe(1);
    const attempts = (m: typeof before, outcome: string) =>
      m.value('switchyard_upstream_attempts_total', { provider: 'up', outcome }) ?? 0;
    expect(attempts(after, 'client_error') - attempts(before, 'client_error')).toBe(1);
    expect(attempts(after, 'server_error') - attempts(before, 'server_error')).toBe(1);
    expect(after.value('switchyard_inflight_requests')).toBe(0);
  });

  it('counts attempts by outcome and moves to a fallback target', async () => {
    const before = await scrape(gw.url);
    mock.enqueue(openaiError('overloaded'));
    mock.enqueue(openaiAnswer({ content: 'ok' }, 'stop', { input: 4, output: 1 }));
    const res = await client.chat.completions.create({ model: 'safe', messages: user }).withResponse();
    expect(res.response.headers.get('x-switchyard-provider')).toBe('spare');
    const after = await scrape(gw.url);
    const diff = (name: string, labels: Record<string, string>) =>
      (after.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0);
    expect(diff('switchyard_fallbacks_total', { route: 'safe' })).toBe(1);
    expect(diff('switchyard_upstream_attempts_total', { provider: 'up', outcome: 'server_error' })).toBe(1);
    expect(diff('switchyard_upstream_attempts_total', { provider: 'spare', outcome: 'ok' })).toBe(1);
    expect(diff('switchyard_requests_total', { route: 'safe', provider: 'spare', status: '200' })).toBe(1);
  });

  it('keeps label values bounded: a model the config does not name is "other"', async () => {
    mock.enqueue(openaiAnswer({ content: 'ok' }, 'stop', { input: 2, output: 1 }));
    await client.chat.completions.create({ model: 'up/some-client-invented-model-x9', messages: user });
    const m = await scrape(gw.url);
    expect(m.text).not.toContain('some-client-invented-model-x9');
    expect(
      m.value('switchyard_requests_total', { route: 'direct', provider: 'up', model: 'other' }),
    ).toBeGreaterThan(0);
  });
});

describe('metrics: cache, rate limits, circuits', () => {
  it('counts a cache hit as cached tokens with no upstream tokens or cost', async () => {
    const before = await scrape(gw.url);
    const hit = await request(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'x-test-cache': 'hit' },
      body: JSON.stringify({ model: 'fast', messages: user }),
    });
    expect(JSON.parse(await hit.body.text()).choices[0].message.content).toBe('from the cache');
    expect(hit.headers['x-switchyard-cost-usd']).toBe('0');
    expect(mock.calls).toHaveLength(0);
    const after = await scrape(gw.url);
    const diff = (name: string, labels: Record<string, string> = {}) =>
      (after.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0);
    expect(diff('switchyard_cache_requests_total', { result: 'hit' })).toBe(1);
    expect(diff('switchyard_cache_tokens_total', { route: 'chat', direction: 'input' })).toBe(11);
    expect(diff('switchyard_cache_tokens_total', { route: 'chat', direction: 'output' })).toBe(4);
    expect(diff('switchyard_tokens_total')).toBe(0);
    expect(diff('switchyard_cost_usd_total')).toBe(0);
  });

  it('counts a miss under its result', async () => {
    const before = (await scrape(gw.url)).value('switchyard_cache_requests_total', { result: 'miss' }) ?? 0;
    mock.enqueue(openaiAnswer({ content: 'ok' }, 'stop', { input: 2, output: 1 }));
    await client.chat.completions.create({ model: 'fast', messages: user });
    expect((await scrape(gw.url)).value('switchyard_cache_requests_total', { result: 'miss' })).toBe(
      before + 1,
    );
  });

  it('counts rate-limited requests by rule (shadow rules too) and exports circuit states', async () => {
    const refused = await request(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'x-test-limit': 'refuse' },
      body: JSON.stringify({ model: 'fast', messages: user }),
    });
    expect(refused.statusCode).toBe(429);
    await refused.body.text();
    mock.enqueue(openaiAnswer({ content: 'ok' }, 'stop', { input: 2, output: 1 }));
    const shadow = await request(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'x-test-limit': 'count' },
      body: JSON.stringify({ model: 'fast', messages: user }),
    });
    expect(shadow.statusCode).toBe(200);
    await shadow.body.text();
    const m = await scrape(gw.url);
    expect(m.value('switchyard_rate_limited_total', { rule: 'per-key', mode: 'enforced' })).toBe(1);
    expect(m.value('switchyard_rate_limited_total', { rule: 'per-key', mode: 'shadow' })).toBe(1);
    expect(m.value('switchyard_requests_total', { status: '429' })).toBeGreaterThanOrEqual(1);
    expect(m.value('switchyard_circuit_state', { provider: 'up', model: 'gpt-4o-mini' })).toBe(2);
  });
});

describe('metrics: exposition', () => {
  it('uses buckets from 10 ms to 5 min, records time to first token for streams only, and drops scope and target info', async () => {
    mock.enqueue(openaiAnswer({ content: 'a b' }, 'stop', { input: 2, output: 2 }));
    await drain(await client.chat.completions.create({ model: 'fast', messages: user, stream: true }));
    const m = await scrape(gw.url);
    const les = m.samples
      .filter(
        (s) =>
          s.name === 'switchyard_request_duration_seconds_bucket' &&
          s.labels.route === 'chat' &&
          s.labels.provider === 'up' &&
          s.labels.status === '200',
      )
      .map((s) => s.labels.le);
    expect(les).toEqual([
      '0.01',
      '0.025',
      '0.05',
      '0.1',
      '0.25',
      '0.5',
      '1',
      '2.5',
      '5',
      '10',
      '20',
      '30',
      '60',
      '120',
      '300',
      '+Inf',
    ]);
    const ttftCount = m.value('switchyard_time_to_first_token_seconds_count', { route: 'chat' }) ?? 0;
    const streams = mock.calls.filter((c) => c.json.stream).length;
    expect(ttftCount).toBeGreaterThanOrEqual(streams);
    expect(m.value('switchyard_time_to_first_token_seconds_count', { route: 'novel' })).toBeUndefined(); // JSON only
    expect(m.text).not.toContain('otel_scope_name');
    expect(m.text).not.toContain('target_info');
    expect(m.text).not.toMatch(/sk-upstream|client-key|capital of France/);
  });

  it('keeps counters across a reload and counts reloads', async () => {
    const before = (await scrape(gw.url)).value('switchyard_requests_total') ?? 0;
    expect(before).toBeGreaterThan(0);
    expect(await gw.running.reload()).toBe(true);
    const m = await scrape(gw.url);
    expect(m.value('switchyard_requests_total')).toBe(before);
    expect(m.value('switchyard_config_reloads_total', { result: 'ok' })).toBeGreaterThanOrEqual(1);
  });
});
