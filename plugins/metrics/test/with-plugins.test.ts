/**
 * Metrics and the access log next to the real cache, rate-limit and circuit-breaker plugins: cache hits
 * counted as cached tokens at no cost, refusals counted by rule, circuit states exported.
 */
import {
  type MockServer,
  openaiAnswer,
  openaiError,
  startMockServer,
  startTestGateway,
  type TestGateway,
} from '@switchyard/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrape } from './prom.js';

const user = [{ role: 'user' as const, content: 'Name a prime number.' }];

describe('with the cache plugin', () => {
  let upstream: MockServer;
  let gw: TestGateway;
  let client: OpenAI;

  beforeAll(async () => {
    upstream = await startMockServer(openaiAnswer({ content: 'Seven.' }, 'stop', { input: 40, output: 2 }));
    gw = await startTestGateway({
      providers: { up: { type: 'openai', base_url: `${upstream.url}/v1`, api_key: 'sk-upstream' } },
      routes: [
        { name: 'chat', match: { models: ['fast'] }, targets: [{ provider: 'up', model: 'gpt-4o-mini' }] },
      ],
      plugins: ['cache', 'metrics', 'access-log'],
    });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'k', maxRetries: 0 });
  });
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('counts a JSON hit and a streamed hit as cached tokens, with no upstream tokens and no cost', async () => {
    const first = await client.chat.completions.create({ model: 'fast', messages: user }).withResponse();
    expect(first.response.headers.get('x-switchyard-cache')).toBe('miss');
    const second = await client.chat.completions.create({ model: 'fast', messages: user }).withResponse();
    expect(second.response.headers.get('x-switchyard-cache')).toBe('hit');
    expect(second.response.headers.get('x-switchyard-cost-usd')).toBe('0');
    const streamed = await client.chat.completions.create(
      { model: 'fast', messages: user, stream: true },
      { headers: { 'x-request-id': 'hit-stream' } },
    );
    for await (const _ of streamed);
    expect(upstream.calls).toHaveLength(1);

    const m = await scrape(gw.url);
    expect(m.value('switchyard_cache_requests_total', { result: 'miss' })).toBe(1);
    expect(m.value('switchyard_cache_requests_total', { result: 'hit' })).toBe(2);
    expect(m.value('switchyard_tokens_total', { direction: 'input' })).toBe(40); // the miss only
    expect(m.value('switchyard_cache_tokens_total', { route: 'chat', direction: 'input' })).toBe(80);
    expect(m.value('switchyard_cache_tokens_total', { route: 'chat', direction: 'output' })).toBe(4);
    expect(m.value('switchyard_cost_usd_total')).toBeCloseTo((40 * 0.15 + 2 * 0.6) / 1e6, 12);
    const line = gw.logs.find((l) => l.log === 'access' && l.request_id === 'hit-stream');
    expect(line).toMatchObject({ cache: 'hit', cost_usd: 0, tokens: { input: 40, output: 2 } });
  });
});

describe('with the rate-limit and circuit-breaker plugins', () => {
  let upstream: MockServer;
  let gw: TestGateway;
  let client: OpenAI;

  beforeAll(async () => {
    upstream = await startMockServer(openaiError('server'));
    gw = await startTestGateway({
      providers: { up: { type: 'openai', base_url: `${upstream.url}/v1`, api_key: 'sk-upstream' } },
      routes: [
        { name: 'chat', match: { models: ['fast'] }, targets: [{ provider: 'up', model: 'gpt-4o-mini' }] },
      ],
      plugins: [
        { 'rate-limit': { rules: [{ name: 'everyone', scope: 'global', requests_per_minute: 3 }] } },
        { 'circuit-breaker': { volume_threshold: 2, error_threshold_percent: 50, reset_timeout: '1m' } },
        'metrics',
      ],
    });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'k', maxRetries: 0 });
  });
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('exports the open circuit of a failing target and counts refusals under their rule', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        await client.chat.completions.create({ model: 'fast', messages: user }).then(
          () => 200,
          (e) => e.status,
        ),
      );
    }
    expect(statuses.at(-1)).toBe(429);
    const m = await scrape(gw.url);
    expect(m.value('switchyard_rate_limited_total', { rule: 'everyone', mode: 'enforced' })).toBe(1);
    expect(m.value('switchyard_requests_total', { status: '429' })).toBe(1);
    expect(m.value('switchyard_circuit_state', { provider: 'up', model: 'gpt-4o-mini' })).toBe(2);
  });
});
