/**
 * API-key auth through the real gateway: 401 / 403 / 200, both credential headers, keys kept away from
 * upstreams, logs and metrics, /metrics protected by option, and `validate` warning about plain keys.
 */
import { createHash } from 'node:crypto';
import { formatProblem, loadConfig } from '@switchyard/config';
import { ModuleRegistry } from '@switchyard/gateway';
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

const WEB_KEY = 'sk-web-0123456789abcdef';
const FAST_ONLY_KEY = 'sk-fast-only-0123456789';
const CHAT_ROUTE_KEY = 'sk-chat-route-0123456789';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

let mock: MockServer;
let gw: TestGateway;

beforeAll(async () => {
  mock = await startMockServer(openaiAnswer({ content: 'hello' }, 'stop', { input: 3, output: 1 }));
  gw = await startTestGateway({
    providers: { up: { type: 'openai', base_url: `${mock.url}/v1`, api_key: 'sk-upstream-secret' } },
    routes: [
      {
        name: 'chat',
        match: { models: ['fast', 'smart'] },
        targets: [{ provider: 'up', model: 'gpt-4o-mini' }],
      },
      { name: 'batch', match: { models: ['batch'] }, targets: [{ provider: 'up', model: 'gpt-4o-mini' }] },
    ],
    plugins: [
      {
        auth: {
          keys: [
            { name: 'web', key_sha256: sha(WEB_KEY) },
            { name: 'fast-only', key_sha256: sha(FAST_ONLY_KEY), models: ['fast'] },
            { name: 'chat-route', key: CHAT_ROUTE_KEY, routes: ['chat'] },
          ],
          protect_endpoints: ['/metrics'],
        },
      },
      'metrics',
      'access-log',
    ],
  });
});
afterAll(async () => {
  await gw.close();
  await mock.close();
});
beforeEach(() => mock.reset());

async function chat(headers: Record<string, string>, model = 'fast') {
  const res = await request(`${gw.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
  return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as any };
}

describe('auth', () => {
  it('refuses a request without a key or with a wrong one: 401 authentication_error, no upstream call', async () => {
    for (const headers of [
      {},
      { authorization: 'Bearer sk-wrong-0123456789' },
      { 'x-api-key': 'nope' },
      { authorization: `Basic ${WEB_KEY}` },
    ]) {
      const res = await chat(headers);
      expect(res.status).toBe(401);
      expect(res.body.error.type).toBe('authentication_error');
      expect(JSON.stringify(res.body)).not.toContain(WEB_KEY);
    }
    expect(mock.calls).toHaveLength(0);
  });

  it('accepts a key from Authorization: Bearer (the OpenAI SDK) and from x-api-key', async () => {
    const client = new OpenAI({ baseURL: gw.baseURL, apiKey: WEB_KEY, maxRetries: 0 });
    const answer = await client.chat.completions.create({
      model: 'fast',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(answer.choices[0]!.message.content).toBe('hello');
    expect((await chat({ 'x-api-key': WEB_KEY })).status).toBe(200);
    // A plain-text key in the config works too.
    expect((await chat({ authorization: `Bearer ${CHAT_ROUTE_KEY}` })).status).toBe(200);
  });

  it("a key's models and routes limit it: 403 permission_error for the others", async () => {
    expect((await chat({ authorization: `Bearer ${FAST_ONLY_KEY}` }, 'fast')).status).toBe(200);
    const model = await chat({ authorization: `Bearer ${FAST_ONLY_KEY}` }, 'smart');
    expect(model.status).toBe(403);
    expect(model.body.error.type).toBe('permission_error');
    const route = await chat({ authorization: `Bearer ${CHAT_ROUTE_KEY}` }, 'batch');
    expect(route.status).toBe(403);
    expect(route.body.error.message).toContain("route 'batch'");
    expect(mock.calls).toHaveLength(1);
  });

  it("the client's key never reaches the upstream, a log line or a metric", async () => {
    const client = new OpenAI({ baseURL: gw.baseURL, apiKey: WEB_KEY, maxRetries: 0 });
    await client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'hi' }] });
    const stream = await client.chat.completions.create({
      model: 'fast',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    for await (const _ of stream);
    await chat({ authorization: 'Bearer sk-wrong-0123456789' });
    expect(mock.calls).toHaveLength(2);
    for (const call of mock.calls) {
      expect(call.headers.authorization).toBe('Bearer sk-upstream-secret');
      expect(JSON.stringify(call.headers) + call.body).not.toContain(WEB_KEY);
    }
    const metrics = await request(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${WEB_KEY}` } });
    const text = await metrics.body.text();
    expect(text).toContain('switchyard_requests_total');
    expect(text).not.toContain(WEB_KEY);
    expect(text).not.toContain('sk-wrong');
    // The access log names the caller by its key's name, never by the key.
    expect(gw.logs.some((l) => l.log === 'access' && l.key_name === 'web')).toBe(true);
    const logs = JSON.stringify(gw.logs);
    expect(logs).not.toContain(WEB_KEY);
    expect(logs).not.toContain('sk-wrong');
  });

  it('/metrics needs a key when protected; /health and /ready never do', async () => {
    const refused = await request(`${gw.url}/metrics`);
    expect(refused.statusCode).toBe(401);
    expect(((await refused.body.json()) as any).error.type).toBe('authentication_error');
    const wrong = await request(`${gw.url}/metrics`, { headers: { 'x-api-key': 'sk-wrong-0123456789' } });
    expect(wrong.statusCode).toBe(401);
    await wrong.body.dump();
    const allowed = await request(`${gw.url}/metrics`, { headers: { 'x-api-key': WEB_KEY } });
    expect(allowed.statusCode).toBe(200);
    await allowed.body.dump();
    for (const path of ['/health', '/ready']) {
      const res = await request(`${gw.url}${path}`);
      expect(res.statusCode).toBe(200);
      await res.body.dump();
    }
  });
});

describe('auth config', () => {
  it('`validate` warns about a plain-text key at its line and column, and rejects a bad digest', async () => {
    const registry = new ModuleRegistry(process.cwd());
    const yaml = [
      'plugins:',
      '  - auth:',
      '      keys:',
      '        - name: web',
      `          key: ${WEB_KEY}`,
      '',
    ].join('\n');
    const ok = await loadConfig(yaml, { source: 'test.yaml', env: {}, definitions: registry.definitions });
    expect(ok.config).toBeDefined();
    expect(ok.problems.map(formatProblem)).toEqual([
      "warning: plugins[0].auth.keys[0].key (5:16): key 'web' is in plain text; store its SHA-256 as key_sha256 instead",
    ]);

    const bad = await loadConfig(
      ['plugins:', '  - auth:', '      keys:', '        - { name: web, key_sha256: abc }', ''].join('\n'),
      { source: 'test.yaml', env: {}, definitions: registry.definitions },
    );
    expect(bad.config).toBeUndefined();
    expect(bad.problems.map(formatProblem).join('\n')).toContain('expected 64 hex digits');
  });
});
