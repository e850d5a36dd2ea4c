/**
 * Hot reload: a saved route change applies within 2 s; an invalid file keeps the old config serving and
 * counts a reload error; a stream in flight during a reload is not cut.
 */
import {
  type MockServer,
  openaiAnswer,
  startMockServer,
  startTestGateway,
  type TestGateway,
} from '@switchyard/testing';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let a: MockServer;
let b: MockServer;
let gw: TestGateway;

const config = (target: 'a' | 'b') => ({
  providers: {
    a: { type: 'openai', base_url: `${a.url}/v1`, api_key: 'ka' },
    b: { type: 'openai', base_url: `${b.url}/v1`, api_key: 'kb' },
  },
  routes: [
    { name: 'main', match: { models: ['m'] }, targets: [{ provider: target, model: `model-${target}` }] },
  ],
  plugins: ['metrics'],
});

async function chat(model = 'm') {
  const res = await request(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
  await res.body.text();
  return res;
}

async function until<T>(
  probe: () => Promise<T | undefined>,
  ms: number,
): Promise<{ value: T; after: number }> {
  const start = performance.now();
  while (performance.now() - start < ms) {
    const value = await probe();
    if (value !== undefined) return { value, after: performance.now() - start };
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`not within ${ms} ms`);
}

async function metric(name: string): Promise<string> {
  const res = await request(`${gw.url}/metrics`);
  return (await res.body.text())
    .split('\n')
    .filter((l) => l.startsWith(name))
    .join('\n');
}

beforeAll(async () => {
  a = await startMockServer(openaiAnswer({ content: 'from a' }, 'stop', { input: 1, output: 2 }));
  b = await startMockServer(openaiAnswer({ content: 'from b' }, 'stop', { input: 1, output: 2 }));
  gw = await startTestGateway(config('a'));
});
afterAll(async () => {
  await gw.close();
  await a.close();
  await b.close();
});

describe('hot reload', () => {
  it('applies a route change within 2 s of saving', async () => {
    expect((await chat()).headers['x-switchyard-provider']).toBe('a');
    gw.writeConfig(config('b'));
    const { after } = await until(
      async () => ((await chat()).headers['x-switchyard-provider'] === 'b' ? true : undefined),
      2000,
    );
    expect(after).toBeLessThan(2000);
    expect(b.calls.at(-1)!.json.model).toBe('model-b');
    expect(await metric('switchyard_config_reloads_total')).toContain('result="ok"');
  });

  it('keeps serving the old config when the file becomes invalid, and counts the error', async () => {
    gw.writeConfig(
      'routes: [ { name: broken, targets: [ { provider: nowhere } ] } ]\nserver: { port: "not a port" }\n',
    );
    await until(
      async () =>
        (await metric('switchyard_config_reloads_total')).includes('result="error"') ? true : undefined,
      2000,
    );
    const res = await chat();
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-switchyard-provider']).toBe('b');
    const logged = gw.logs.find((l) => String(l.msg).includes('reload rejected'));
    expect(JSON.stringify(logged)).toMatch(/routes\[0\]\.targets\[0\]\.provider \(1:\d+\)/);
  });

  it('does not cut a stream in flight during a reload', async () => {
    const slow = openaiAnswer({ content: 'one two three four five six' }, 'stop', { input: 1, output: 6 });
    b.enqueue(async (req) => ({ ...(await slow(req)), chunkIntervalMs: 150 }));
    const res = await request(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'go' }] }),
    });
    gw.writeConfig(config('a'));
    const text = await res.body.text();
    expect(text).toContain('six');
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
    await until(
      async () => ((await chat()).headers['x-switchyard-provider'] === 'a' ? true : undefined),
      2000,
    );
  });
});
