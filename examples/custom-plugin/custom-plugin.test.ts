import { fileURLToPath } from 'node:url';
import { startTestGateway, type TestGateway } from '@switchyard/testing';
import { request } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    providers: { mock: { type: 'mock' } },
    plugins: [
      { use: fileURLToPath(new URL('./require-user.js', import.meta.url)), config: { header: 'x-end-user' } },
    ],
  });
});
afterAll(() => gw.close());

const chat = (body: object) =>
  request(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }], ...body }),
  });

it('runs a plugin loaded by path from the YAML', async () => {
  const refused = await chat({});
  expect(refused.statusCode).toBe(400);
  expect(((await refused.body.json()) as { error: { param: string } }).error.param).toBe('user');
  const ok = await chat({ user: 'alice' });
  expect(ok.statusCode).toBe(200);
  expect(ok.headers['x-end-user']).toBe('alice');
  await ok.body.text();
});
