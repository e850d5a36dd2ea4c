/**
 * Bad input gets the spec's status and the OpenAI error shape with the request id, and the gateway
 * keeps serving everyone else.
 */
import { startTestGateway, type TestGateway } from '@switchyard/testing';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    server: { body_limit: '1mb' },
    providers: { mock: { type: 'mock' } },
    routes: [],
  });
});
afterAll(() => gw.close());

const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
  request(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });

const ok = JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'still here' }] });

describe('bad input', () => {
  const cases: Array<[string, () => ReturnType<typeof post>, number, string, string | null]> = [
    [
      'malformed JSON',
      () => post('{"model": "mock/echo", "messages": ['),
      400,
      'invalid_request_error',
      null,
    ],
    ['a JSON array', () => post('[1,2]'), 400, 'invalid_request_error', null],
    [
      'missing messages',
      () => post(JSON.stringify({ model: 'mock/echo' })),
      400,
      'invalid_request_error',
      'messages',
    ],
    [
      'messages of the wrong type',
      () => post(JSON.stringify({ model: 'mock/echo', messages: 'hi' })),
      400,
      'invalid_request_error',
      'messages',
    ],
    [
      'a bad role',
      () => post(JSON.stringify({ model: 'mock/echo', messages: [{ role: 'robot', content: 'x' }] })),
      400,
      'invalid_request_error',
      'messages[0].role',
    ],
    [
      'stream of the wrong type',
      () =>
        post(
          JSON.stringify({ model: 'mock/echo', stream: 'yes', messages: [{ role: 'user', content: 'x' }] }),
        ),
      400,
      'invalid_request_error',
      'stream',
    ],
    [
      'model missing',
      () => post(JSON.stringify({ messages: [{ role: 'user', content: 'x' }] })),
      400,
      'invalid_request_error',
      'model',
    ],
    ['a 20 MB body', () => post(Buffer.alloc(20 * 1024 * 1024, 'a')), 413, 'invalid_request_error', null],
    [
      'an unknown model',
      () => post(JSON.stringify({ model: 'gpt-nothing', messages: [{ role: 'user', content: 'x' }] })),
      404,
      'not_found_error',
      'model',
    ],
  ];

  for (const [name, send, status, type, param] of cases) {
    it(`${name} → ${status} ${type}`, async () => {
      const res = await send();
      const body = (await res.body.json()) as { error: Record<string, unknown> };
      expect(res.statusCode).toBe(status);
      expect(res.headers['content-type']).toContain('application/json');
      expect(res.headers['x-switchyard-request-id']).toBeTruthy();
      expect(body.error.type).toBe(type);
      expect(body.error.param).toBe(param);
      expect(typeof body.error.message).toBe('string');
      expect(body.error).toHaveProperty('code');
      expect(JSON.stringify(body)).not.toMatch(/at .*\.(ts|js):\d+/); // no stack traces
      const after = await post(ok);
      expect(after.statusCode).toBe(200);
      await after.body.text();
    });
  }

  it('a 20 MB body without content-length (chunked) → 413', async () => {
    async function* chunks() {
      for (let i = 0; i < 20; i++) yield Buffer.alloc(1024 * 1024, 'a');
    }
    const res = await request(`${gw.url}/v1/chat/completions`, { method: 'POST', body: chunks() }).catch(
      (e) => e,
    );
    if (res instanceof Error) return; // the server may close the connection once the limit is passed
    expect(res.statusCode).toBe(413);
    await res.body.text();
  });

  it('an unknown path → JSON 404', async () => {
    const res = await request(`${gw.url}/v2/nothing`);
    expect(res.statusCode).toBe(404);
    expect(((await res.body.json()) as { error: { type: string } }).error.type).toBe('not_found_error');
  });

  it('echoes a sane client x-request-id and replaces an insane one', async () => {
    const a = await post(ok, { 'x-request-id': 'req-abc.123' });
    await a.body.text();
    expect(a.headers['x-switchyard-request-id']).toBe('req-abc.123');
    const b = await post(ok, { 'x-request-id': 'bad id with spaces <script>' });
    await b.body.text();
    expect(b.headers['x-switchyard-request-id']).not.toContain(' ');
  });

  it('serves health and readiness', async () => {
    const h = await request(`${gw.url}/health`);
    const body = (await h.body.json()) as Record<string, unknown>;
    expect(body.status).toBe('ok');
    expect(typeof body.version).toBe('string');
    expect(typeof body.uptime_s).toBe('number');
    const r = await request(`${gw.url}/ready`);
    expect(r.statusCode).toBe(200);
    await r.body.text();
  });
});
