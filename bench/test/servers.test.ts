import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNode, stop } from '../lib/children.mjs';
import { chatBody, probe, requestOptions, runLoad } from '../lib/load.mjs';
import { completionBody, streamEvents } from '../servers/upstream-answers.mjs';

const servers = new URL('../servers/', import.meta.url).pathname;
type Handle = Awaited<ReturnType<typeof startNode>>;
let upstream: Handle;
let proxy: Handle;

beforeAll(async () => {
  upstream = await startNode({ name: 'mock upstream', args: [`${servers}mock-upstream.mjs`], env: {} });
  proxy = await startNode({
    name: 'thin proxy',
    args: [`${servers}thin-proxy.mjs`],
    env: { UPSTREAM_URL: upstream.url },
  });
});
afterAll(async () => {
  await Promise.all([proxy, upstream].filter(Boolean).map(stop));
});

const post = (origin: string, body: string) =>
  fetch(`${origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });

describe('mock upstream and thin proxy', () => {
  it('answers a chat request with the fixed completion, directly and through the proxy', async () => {
    for (const origin of [upstream.url, proxy.url]) {
      const res = await post(origin, chatBody());
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.text()).toBe(completionBody());
    }
  });

  it('streams SSE events ending in [DONE] when asked, with usage only on request', async () => {
    const plain = await (await post(proxy.url, chatBody({ stream: true }))).text();
    expect(plain).toBe(streamEvents({ includeUsage: false }).join(''));
    expect(plain).not.toContain('"usage"');
    const withUsage = JSON.stringify({
      ...JSON.parse(chatBody({ stream: true })),
      stream_options: { include_usage: true },
    });
    const text = await (await post(proxy.url, withUsage)).text();
    expect(text).toContain('"total_tokens":46');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('rejects malformed JSON at the proxy and unknown paths at the upstream', async () => {
    expect((await post(proxy.url, '{"model":')).status).toBe(400);
    expect((await fetch(`${upstream.url}/v1/models`)).status).toBe(404);
  });

  it('probes targets and fails on an answer that is not a completion', async () => {
    await expect(probe(proxy.url, { stream: true })).resolves.toBeUndefined();
    await expect(probe(`${upstream.url}/nowhere`, {})).rejects.toThrow(/answered 404/);
  });

  it('measures a short load run with latencies and no failures', async () => {
    const run = await runLoad({ origin: proxy.url, connections: 4, seconds: 1, request: {} });
    expect(run.ok).toBeGreaterThan(50);
    expect(run.rps).toBeGreaterThan(50);
    expect(run.p50_ms).toBeGreaterThan(0);
    expect(run.p99_ms).toBeGreaterThanOrEqual(run.p50_ms);
    expect(run.non2xx + run.errors + run.timeouts).toBe(0);
  });

  it('returns 502 from the proxy once the upstream is gone', async () => {
    const lonely = await startNode({
      name: 'proxy without upstream',
      args: [`${servers}thin-proxy.mjs`],
      env: { UPSTREAM_URL: 'http://127.0.0.1:9' },
    });
    try {
      expect((await post(lonely.url, chatBody())).status).toBe(502);
    } finally {
      await stop(lonely);
    }
    expect(lonely.exited).toBe(true);
  });
});

describe('workloads', () => {
  it('sends the same body every time by default, a new one per request with uniqueBodies', () => {
    expect(requestOptions({}).body).toBe(chatBody());
    const { requests, headers } = requestOptions({
      uniqueBodies: true,
      headers: { authorization: 'Bearer k' },
    });
    const setup = requests[0].setupRequest;
    const bodies = [setup({}).body, setup({}).body];
    expect(bodies[0]).not.toBe(bodies[1]);
    expect(JSON.parse(bodies[0]).messages).toHaveLength(2);
    expect(headers).toEqual({ 'content-type': 'application/json', authorization: 'Bearer k' });
  });

  it('keeps unique bodies unique across runs (a warm-up and its measured run never share one)', () => {
    const run = () => requestOptions({ uniqueBodies: true }).requests[0].setupRequest;
    const warmup = run();
    const measured = run();
    const seen = new Set([warmup({}).body, warmup({}).body]);
    expect(seen.has(measured({}).body)).toBe(false);
  });
});
