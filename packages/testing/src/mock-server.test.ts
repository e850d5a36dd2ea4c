import { request } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type MockServer, startMockServer } from './mock-server.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer();
});
afterAll(() => mock.close());

it('a stream cut after N chunks delivers exactly those N chunks, then drops the connection', async () => {
  mock.enqueue({ chunks: ['data: 1\n\n', 'data: 2\n\n', 'data: 3\n\n', 'data: 4\n\n'], dropAfterChunks: 3 });
  const res = await request(`${mock.url}/x`);
  let text = '';
  const err = await (async () => {
    for await (const part of res.body) text += part;
  })().catch((e) => e);
  expect(text).toBe('data: 1\n\ndata: 2\n\ndata: 3\n\n');
  expect(err).toBeInstanceOf(Error);
});

it('records calls and serves scripted replies before the default handler', async () => {
  mock.reset();
  mock.setHandler(() => ({ status: 201, body: { default: true } }));
  mock.enqueue({ status: 503, headers: { 'retry-after': '2' }, body: { error: 'busy' } });
  const first = await request(`${mock.url}/a`, { method: 'POST', body: '{"n":1}' });
  expect(first.statusCode).toBe(503);
  expect(first.headers['retry-after']).toBe('2');
  await first.body.text();
  const second = await request(`${mock.url}/b`);
  expect(second.statusCode).toBe(201);
  await second.body.text();
  expect(mock.calls.map((c) => [c.method, c.path, c.json])).toEqual([
    ['POST', '/a', { n: 1 }],
    ['GET', '/b', undefined],
  ]);
});
