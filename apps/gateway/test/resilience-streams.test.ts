/**
 * Stream safety through the real gateway: a target that sends headers but no first byte within
 * first_token is abandoned before anything reached the client (fallback serves the stream, or 504), and
 * a stream cut after its first bytes ends with exactly one error event — never retried, never duplicated.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type MockServer,
  openaiAnswer,
  startMockServer,
  startTestGateway,
  type TestGateway,
} from '@switchyard/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chat, events, metric } from './resilience-kit.js';

let slow: MockServer;
let backup: MockServer;
let gw: TestGateway;

const answer = openaiAnswer({ content: 'alpha beta gamma delta' }, 'stop', { input: 3, output: 4 });

beforeAll(async () => {
  slow = await startMockServer(answer);
  backup = await startMockServer(openaiAnswer({ content: 'from backup' }, 'stop', { input: 3, output: 2 }));
  const slowTarget = [{ provider: 'slow', model: 'gpt-slow' }];
  gw = await startTestGateway({
    providers: {
      slow: {
        type: 'openai',
        base_url: `${slow.url}/v1`,
        api_key: 'ks',
        timeout: { first_token: '300ms', idle: '300ms' },
      },
      backup: { type: 'openai', base_url: `${backup.url}/v1`, api_key: 'kb' },
    },
    routes: [
      { name: 'solo', match: { models: ['solo'] }, targets: slowTarget },
      {
        name: 'chain',
        match: { models: ['chain'] },
        targets: slowTarget,
        fallback: [{ provider: 'backup', model: 'gpt-backup' }],
      },
    ],
    plugins: [{ retry: { attempts: 2, backoff: { initial: '10ms', jitter: 0 } } }, 'metrics'],
  });
});
afterAll(async () => {
  await gw.close();
  await Promise.all([slow.close(), backup.close()]);
});
beforeEach(() => {
  slow.reset();
  backup.reset();
});

/**
 * An upstream that sends these content chunks, makes sure they left, then drops the connection (the
 * scripted mock's dropAfterChunks destroys the socket before its last write is flushed).
 */
async function cuttingUpstream(words: string[]) {
  let calls = 0;
  const server = createServer(async (req, res) => {
    calls++;
    for await (const _ of req);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const content of words.slice(0, 3)) {
      const chunk = {
        id: 'c1',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'gpt-cut',
        choices: [{ index: 0, delta: { content }, finish_reason: null }],
      };
      await new Promise<void>((resolve) => res.write(`data: ${JSON.stringify(chunk)}\n\n`, () => resolve()));
    }
    setTimeout(() => res.socket?.destroy(), 50);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls: () => calls,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Headers at once, then nothing for 5 s: a target that never produces its first token in time. */
const silentFor5s = async (req: Parameters<typeof answer>[0]) => ({
  ...(await answer(req)),
  delayFirstByteMs: 5000,
});

describe('first_token timeout', () => {
  it('headers but no first byte within first_token → the fallback serves the stream, long before the slow target would', async () => {
    slow.setHandler(silentFor5s);
    try {
      const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'k', maxRetries: 0 });
      const started = performance.now();
      const { data: stream, response } = await client.chat.completions
        .create({ model: 'chain', stream: true, messages: [{ role: 'user', content: 'go' }] })
        .withResponse();
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      const took = performance.now() - started;
      expect(text).toBe('from backup');
      expect(response.headers.get('x-switchyard-provider')).toBe('backup');
      expect(response.headers.get('x-switchyard-attempts')).toBe('3'); // two on the slow target, then the fallback
      expect(took).toBeGreaterThanOrEqual(600);
      expect(took).toBeLessThan(2500);
      expect(slow.calls).toHaveLength(2);
      for (const call of slow.calls) expect(call.aborted).toBe(true); // the gateway hung up on it
    } finally {
      slow.setHandler(answer);
    }
  });

  it('with no fallback → 504 upstream_timeout, before anything was streamed', async () => {
    slow.setHandler(silentFor5s);
    try {
      const res = await chat(gw, 'solo', { stream: true });
      expect(res.status).toBe(504);
      expect(res.headers['content-type']).toContain('application/json');
      expect(res.json.error.type).toBe('upstream_timeout');
      expect(res.ms).toBeLessThan(2500);
      expect(
        await metric(gw, 'switchyard_upstream_attempts_total', { provider: 'slow', outcome: 'timeout' }),
      ).toBeGreaterThanOrEqual(2);
    } finally {
      slow.setHandler(answer);
    }
  });
});

describe('after the first byte', () => {
  it('a stream cut after three chunks → those chunks, then one error event; one upstream call, no fallback', async () => {
    const cut = await cuttingUpstream(['one ', 'two ', 'three ', 'four ']);
    const cutGw = await startTestGateway({
      providers: {
        cut: { type: 'openai', base_url: `${cut.url}/v1`, api_key: 'kc' },
        backup: { type: 'openai', base_url: `${backup.url}/v1`, api_key: 'kb' },
      },
      routes: [
        {
          name: 'cut',
          match: { models: ['cut'] },
          targets: [{ provider: 'cut', model: 'gpt-cut' }],
          fallback: [{ provider: 'backup', model: 'gpt-backup' }],
        },
      ],
      plugins: ['retry'],
    });
    try {
      const res = await chat(cutGw, 'cut', { stream: true });
      expect(res.status).toBe(200);
      const data = events(res.text);
      expect(data).toHaveLength(4);
      const chunks = data.slice(0, 3).map((d) => JSON.parse(d));
      expect(chunks.map((c) => c.choices[0].delta.content)).toEqual(['one ', 'two ', 'three ']);
      expect(JSON.parse(data[3]!).error.type).toBe('upstream_error');
      expect(res.text).not.toContain('[DONE]');
      expect(cut.calls()).toBe(1);
      expect(backup.calls).toHaveLength(0);
    } finally {
      await cutGw.close();
      await cut.close();
    }
  });

  it('a stream silent for longer than idle after its first byte ends with one error event, not a retry', async () => {
    slow.enqueue(async (req) => ({ ...(await answer(req)), chunkIntervalMs: 1000 }));
    const res = await chat(gw, 'chain', { stream: true });
    const data = events(res.text);
    expect(data).toHaveLength(2);
    expect(JSON.parse(data[0]!).choices[0].delta.role).toBe('assistant');
    expect(JSON.parse(data[1]!).error.type).toBe('upstream_timeout');
    expect(res.ms).toBeLessThan(900);
    expect(slow.calls).toHaveLength(1);
    expect(backup.calls).toHaveLength(0);
  });
});
