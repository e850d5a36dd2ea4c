/** The metrics plugin's options and the top-level pricing block, through a real gateway. */
import {
  type MockServer,
  openaiAnswer,
  startMockServer,
  startTestGateway,
  type TestGateway,
} from '@switchyard/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrape } from './prom.js';

const user = [{ role: 'user' as const, content: 'hello' }];

describe('metrics options', () => {
  let upstream: MockServer;
  let collector: MockServer;
  let gw: TestGateway;
  let client: OpenAI;

  beforeAll(async () => {
    upstream = await startMockServer();
    collector = await startMockServer(() => ({ status: 200, body: {} }));
    gw = await startTestGateway({
      providers: { up: { type: 'openai', base_url: `${upstream.url}/v1`, api_key: 'sk-upstream' } },
      routes: [
        { name: 'cheap', match: { models: ['cheap'] }, targets: [{ provider: 'up', model: 'gpt-4o-mini' }] },
        {
          name: 'inhouse',
          match: { models: ['inhouse'] },
          targets: [{ provider: 'up', model: 'inhouse-70b' }],
        },
      ],
      pricing: {
        'up/gpt-4o-mini': { input: 1, output: 2 },
        'openai/inhouse-70b': { input: 0.5, output: 0.5 },
      },
      plugins: [
        {
          metrics: {
            path: '/internal/metrics',
            service_name: 'switchyard-test',
            otlp: {
              endpoint: `${collector.url}/v1/metrics`,
              interval: '200ms',
              headers: { 'x-tenant': 'ops' },
            },
          },
        },
      ],
    });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'client-key', maxRetries: 0 });
  });
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
    await collector?.close();
  });

  it('prices from the YAML pricing block: by provider id over the shipped table, by type for a new model', async () => {
    upstream.enqueue(openaiAnswer({ content: 'hi' }, 'stop', { input: 1000, output: 500 }));
    const a = await client.chat.completions.create({ model: 'cheap', messages: user }).withResponse();
    expect(a.response.headers.get('x-switchyard-cost-usd')).toBe('0.002'); // 1000 × $1 + 500 × $2 per million
    upstream.enqueue(openaiAnswer({ content: 'hi' }, 'stop', { input: 2000, output: 2000 }));
    const b = await client.chat.completions.create({ model: 'inhouse', messages: user }).withResponse();
    expect(b.response.headers.get('x-switchyard-cost-usd')).toBe('0.002');
  });

  it('serves the exposition on the configured path', async () => {
    const m = await scrape(gw.url, '/internal/metrics');
    expect(m.value('switchyard_requests_total', { route: 'cheap' })).toBe(1);
    expect((await fetch(`${gw.url}/metrics`)).status).toBe(404);
  });

  it('pushes the same series over OTLP/HTTP with the service.name resource and the configured headers', async () => {
    await expect
      .poll(() => collector.calls.some((c) => c.body.includes('switchyard_requests')), { timeout: 5000 })
      .toBe(true);
    const call = collector.calls.find((c) => c.body.includes('switchyard_requests'))!;
    expect(call.path).toBe('/v1/metrics');
    expect(call.headers['x-tenant']).toBe('ops');
    const resource = call.json.resourceMetrics[0].resource.attributes;
    expect(resource).toContainEqual({ key: 'service.name', value: { stringValue: 'switchyard-test' } });
  });
});

describe('metrics without the cost header', () => {
  let upstream: MockServer;
  let gw: TestGateway;

  beforeAll(async () => {
    upstream = await startMockServer();
    gw = await startTestGateway({
      providers: { up: { type: 'openai', base_url: `${upstream.url}/v1`, api_key: 'sk-upstream' } },
      routes: [{ name: 'r', match: { models: ['m'] }, targets: [{ provider: 'up', model: 'gpt-4o-mini' }] }],
      plugins: [{ metrics: { cost_header: false } }],
    });
  });
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('still counts the cost but sends no header', async () => {
    upstream.enqueue(openaiAnswer({ content: 'hi' }, 'stop', { input: 10, output: 10 }));
    const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'k', maxRetries: 0 });
    const res = await client.chat.completions.create({ model: 'm', messages: user }).withResponse();
    expect(res.response.headers.get('x-switchyard-cost-usd')).toBeNull();
    expect((await scrape(gw.url)).value('switchyard_cost_usd_total')).toBeGreaterThan(0);
  });
});
