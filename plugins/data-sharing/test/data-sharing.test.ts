/**
 * Data sharing through a real gateway: the official SDK as client, a scripted upstream, and a mock
 * collector whose behaviour (answer, hang, 503) each test scripts.
 */
import {
  type MockReply,
  type MockRequest,
  type MockServer,
  openaiAnswer,
  startMockServer,
  startTestGateway,
  type TestGateway,
} from '@switchyard/testing';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const PROMPT = 'Summarize the quarterly numbers for the board';
const UPSTREAM_KEY = 'sk-upstream-secret-0123456789';
const CLIENT_KEY = 'client-key-abcdef123456';

let upstream: MockServer;
let collector: MockServer;
/** What the collector answers; tests replace it. */
let answer: () => MockReply = () => ({ status: 200, body: { ok: true } });
/** The status the collector answered each call with. */
const answered = new WeakMap<MockRequest, number>();
const gateways: TestGateway[] = [];

beforeAll(async () => {
  upstream = await startMockServer(
    openaiAnswer({ content: 'Revenue grew.' }, 'stop', { input: 12, output: 3 }),
  );
  collector = await startMockServer((call) => {
    const reply = answer();
    answered.set(call, reply.status ?? 200);
    return reply;
  });
});
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((g) => g.close()));
  collector.reset();
  upstream.reset();
  answer = () => ({ status: 200, body: { ok: true } });
});
afterAll(async () => {
  await upstream?.close();
  await collector?.close();
});

async function gateway(sharing: Record<string, unknown>, extraPlugins: unknown[] = []) {
  const gw = await startTestGateway({
    providers: {
      up: { type: 'openai', base_url: `${upstream.url}/v1`, api_key: UPSTREAM_KEY, models: ['gpt-4o-mini'] },
    },
    routes: [
      { name: 'chat', match: { models: ['fast'] }, targets: [{ provider: 'up', model: 'gpt-4o-mini' }] },
    ],
    plugins: [...extraPlugins, { 'data-sharing': { endpoint: `${collector.url}/v1/events`, ...sharing } }],
  });
  gateways.push(gw);
  return { gw, client: new OpenAI({ baseURL: gw.baseURL, apiKey: CLIENT_KEY, maxRetries: 0 }) };
}

/** Every record the collector accepted (answered 2xx), in arrival order. */
function delivered(): Array<Record<string, unknown>> {
  return collector.calls
    .filter((c) => (answered.get(c) ?? 0) < 300 && c.json?.records)
    .flatMap((c) => c.json.records as Array<Record<string, unknown>>);
}
const ask = (client: OpenAI, id: string, content = PROMPT) =>
  client.chat.completions.create(
    { model: 'fast', messages: [{ role: 'user', content }] },
    { headers: { 'x-request-id': id } },
  );

describe('data sharing: batches', () => {
  it('sends five requests in fewer than five POSTs carrying all five request ids and no prompt text', async () => {
    const { client } = await gateway({ flush_interval: '200ms', api_key: 'collector-token-xyz' });
    const ids = ['ds-a', 'ds-b', 'ds-c', 'ds-d', 'ds-e'];
    for (const id of ids) await ask(client, id);
    await expect
      .poll(
        () =>
          delivered()
            .map((r) => r.request_id)
            .sort(),
        { timeout: 5000 },
      )
      .toEqual(ids);
    expect(collector.calls.length).toBeLessThan(5);
    const call = collector.calls[0]!;
    expect(call.method).toBe('POST');
    expect(call.path).toBe('/v1/events');
    expect(call.headers['content-type']).toBe('application/json');
    expect(call.headers.authorization).toBe('Bearer collector-token-xyz');
    expect(call.json).toMatchObject({ schema: 'switchyard.records.v1', dropped_total: 0 });
    expect(delivered()[0]).toMatchObject({
      request_id: 'ds-a',
      route: 'chat',
      provider: 'up',
      model: 'gpt-4o-mini',
      requested_model: 'fast',
      status: 200,
      attempts: 1,
      tokens: { input: 12, output: 3, cached_input: 0, cache_write: 0 },
      stream: false,
    });
    expect(delivered()[0]!.cost_usd).toBeCloseTo((12 * 0.15 + 3 * 0.6) / 1e6, 12);
    expect(Date.parse(String(delivered()[0]!.time))).toBeGreaterThan(Date.now() - 60_000);
    const bodies = collector.calls.map((c) => c.body).join('\n');
    expect(bodies).not.toContain('quarterly');
    expect(bodies).not.toContain('Revenue grew');
    expect(bodies).not.toContain(CLIENT_KEY);
    expect(bodies).not.toContain(UPSTREAM_KEY);
    for (const r of delivered()) expect(r).not.toHaveProperty('prompt');
  });

  it('sends a batch as soon as batch_size records are waiting', async () => {
    const { client } = await gateway({ flush_interval: '60s', batch_size: 2 });
    for (const id of ['bs-1', 'bs-2', 'bs-3', 'bs-4', 'bs-5']) await ask(client, id);
    await expect.poll(() => collector.calls.length, { timeout: 5000 }).toBe(2);
    expect(collector.calls.map((c) => c.json.records.length)).toEqual([2, 2]);
  });

  it('keeps queued records across a reload and sends them with the new settings', async () => {
    const { gw, client } = await gateway({ flush_interval: '60s' });
    for (const id of ['rl-1', 'rl-2']) await ask(client, id);
    gw.writeConfig({
      providers: { up: { type: 'openai', base_url: `${upstream.url}/v1`, api_key: UPSTREAM_KEY } },
      routes: [
        { name: 'chat', match: { models: ['fast'] }, targets: [{ provider: 'up', model: 'gpt-4o-mini' }] },
      ],
      plugins: [{ 'data-sharing': { endpoint: `${collector.url}/v2/ingest`, flush_interval: '100ms' } }],
    });
    await expect
      .poll(() => delivered().map((r) => r.request_id), { timeout: 5000 })
      .toEqual(['rl-1', 'rl-2']);
    expect(collector.calls.every((c) => c.path === '/v2/ingest')).toBe(true);
  });

  it('flushes what is queued at shutdown', async () => {
    const { gw, client } = await gateway({ flush_interval: '60s' });
    for (const id of ['sd-1', 'sd-2', 'sd-3']) await ask(client, id);
    expect(collector.calls).toHaveLength(0);
    await gw.close();
    expect(delivered().map((r) => r.request_id)).toEqual(['sd-1', 'sd-2', 'sd-3']);
  });
});

describe('data sharing: prompts and answers', () => {
  it('shares them only after redaction: a redact match, credentials and keys never reach the collector', async () => {
    const { client } = await gateway({
      flush_interval: '100ms',
      share_prompts: true,
      share_responses: true,
      redact: ['ACME-\\d{6}'],
    });
    const secretPrompt = `Ticket ACME-123456: the caller key is ${CLIENT_KEY}, aws AKIAIOSFODNN7EXAMPLE, api_key=hunter2hunter2`;
    upstream.enqueue(
      openaiAnswer({ content: `Closed ACME-654321 with ${UPSTREAM_KEY}` }, 'stop', { input: 20, output: 8 }),
    );
    await ask(client, 'share-json', secretPrompt);
    upstream.enqueue(
      openaiAnswer({ content: 'Streamed answer about ACME-777777' }, 'stop', { input: 20, output: 5 }),
    );
    const stream = await client.chat.completions.create(
      { model: 'fast', messages: [{ role: 'user', content: secretPrompt }], stream: true },
      { headers: { 'x-request-id': 'share-stream' } },
    );
    for await (const _ of stream);

    await expect.poll(() => delivered().length, { timeout: 5000 }).toBe(2);
    const bodies = collector.calls.map((c) => c.body).join('\n');
    for (const secret of [
      'ACME-123456',
      'ACME-654321',
      'ACME-777777',
      CLIENT_KEY,
      UPSTREAM_KEY,
      'AKIAIOSFODNN7EXAMPLE',
      'hunter2',
    ]) {
      expect(bodies).not.toContain(secret);
    }
    const [json, streamed] = delivered();
    expect(json!.prompt).toEqual([
      {
        role: 'user',
        content: 'Ticket [REDACTED]: the caller key is [REDACTED], aws [REDACTED], api_key=[REDACTED]',
      },
    ]);
    expect(json!.response).toEqual({
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Closed [REDACTED] with [REDACTED]' },
          finish_reason: 'stop',
        },
      ],
    });
    expect(streamed).toMatchObject({
      request_id: 'share-stream',
      stream: true,
      tokens: { input: 20, output: 5 },
    });
    expect(streamed!.response).toEqual({
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Streamed answer about [REDACTED]' },
          finish_reason: 'stop',
        },
      ],
    });
  });
});

describe('data sharing: a slow or failing collector', () => {
  async function twentyRequests(client: OpenAI, prefix: string) {
    const started = performance.now();
    for (let i = 0; i < 20; i++) await ask(client, `${prefix}-${i}`);
    return performance.now() - started;
  }

  it('adds no latency while the collector hangs for 5 s, and delivers every record afterwards', async () => {
    let first = true;
    answer = () => {
      const reply: MockReply = first
        ? { status: 200, body: {}, delayHeadersMs: 5000 }
        : { status: 200, body: {} };
      first = false;
      return reply;
    };
    const { client } = await gateway({ flush_interval: '100ms' });
    const elapsed = await twentyRequests(client, 'hang');
    expect(elapsed).toBeLessThan(2000);
    await expect
      .poll(() => new Set(delivered().map((r) => r.request_id)).size, { timeout: 10_000, interval: 100 })
      .toBe(20);
  });

  it('adds no latency while the collector answers 503, and loses nothing once it recovers', async () => {
    let failing = true;
    answer = () => (failing ? { status: 503, body: { error: 'down' } } : { status: 200, body: {} });
    const { client } = await gateway({ flush_interval: '100ms', backoff: { initial: '50ms', max: '300ms' } });
    const elapsed = await twentyRequests(client, 'down');
    expect(elapsed).toBeLessThan(2000);
    await expect.poll(() => collector.calls.length, { timeout: 5000 }).toBeGreaterThan(1); // tried, refused, retried
    expect(delivered()).toHaveLength(0);
    failing = false;
    await expect.poll(() => delivered().length, { timeout: 5000, interval: 50 }).toBe(20);
    expect(new Set(delivered().map((r) => r.request_id)).size).toBe(20);
  });

  it('holds at most queue_limit records, drops the rest and counts them', async () => {
    answer = () => ({ status: 503, body: {} });
    const { gw, client } = await gateway(
      { flush_interval: '50ms', queue_limit: 5, backoff: { initial: '20ms', max: '50ms' } },
      ['metrics'],
    );
    for (let i = 0; i < 8; i++) await ask(client, `q-${i}`);
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toContain('switchyard_data_sharing_records_total{result="dropped"} 3');
    collector.reset();
    answer = () => ({ status: 200, body: {} });
    await expect
      .poll(() => delivered().map((r) => r.request_id), { timeout: 5000 })
      .toEqual(['q-0', 'q-1', 'q-2', 'q-3', 'q-4']);
    expect(collector.calls.at(-1)!.json.dropped_total).toBe(3);
  });

  it('drops a batch the collector refuses with a 4xx instead of retrying it', async () => {
    answer = () => ({ status: 400, body: { error: 'bad schema' } });
    const { gw, client } = await gateway({
      flush_interval: '50ms',
      backoff: { initial: '20ms', max: '50ms' },
    });
    await ask(client, 'r-1');
    await expect.poll(() => collector.calls.length, { timeout: 5000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(collector.calls).toHaveLength(1);
    expect(gw.logs.some((l) => String(l.msg).includes('refused a batch'))).toBe(true);
  });
});
