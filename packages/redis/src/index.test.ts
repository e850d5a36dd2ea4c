import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRedisService,
  type RedisService,
  RedisTimeoutError,
  redactUrl,
  withDeadline,
} from './index.js';
import { startThrowawayRedis, type ThrowawayRedis } from './testing.js';

type Line = { level: string; obj: Record<string, unknown>; msg?: string };

function recordingLog() {
  const lines: Line[] = [];
  const at = (level: string) => (obj: object | string, msg?: string) =>
    lines.push(
      typeof obj === 'string'
        ? { level, obj: {}, msg: obj }
        : { level, obj: obj as Record<string, unknown>, msg },
    );
  return { lines, log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

const waitFor = async (cond: () => boolean, ms = 5000) => {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('redactUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactUrl('redis://user:s3cret@cache:6380/2')).toBe('redis://user:***@cache:6380/2');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});

describe('the shared Redis service', () => {
  let server: ThrowawayRedis;
  let service: RedisService;
  const { lines, log } = recordingLog();
  const states: boolean[] = [];

  beforeAll(async () => {
    server = await startThrowawayRedis();
    service = createRedisService(server.url, { log, logIntervalMs: 60_000, maxReconnectDelayMs: 100 });
    service.onState(({ up }) => states.push(up));
    service.start();
    await waitFor(() => service.ready);
  });
  afterAll(async () => {
    await service.close();
    await server.stop();
  });

  it('connects and answers', async () => {
    await service.client.set('switchyard-test:k', 'v', { EX: 5 });
    expect(await withDeadline(service.client.get('switchyard-test:k'), 50)).toBe('v');
    expect(states).toEqual([true]);
  });

  it('withDeadline gives up on a Redis that takes commands and never answers; the reply is not lost', async () => {
    server.pause();
    let late: Promise<string | null>;
    try {
      const started = performance.now();
      late = service.client.get('switchyard-test:k');
      await expect(withDeadline(late, 40)).rejects.toBeInstanceOf(RedisTimeoutError);
      expect(performance.now() - started).toBeLessThan(300);
    } finally {
      server.resume();
    }
    // The connection stays in step: the late reply arrives, and the next command gets its own.
    expect(await late).toBe('v');
    expect(await service.client.set('switchyard-test:k', 'w', { EX: 5 })).toBe('OK');
  });

  it('an outage: commands fail at once, one log line for many failures, then it recovers by itself', async () => {
    const before = lines.length;
    await server.stop();
    await waitFor(() => states.at(-1) === false);
    const started = performance.now();
    await expect(service.client.get('switchyard-test:k')).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(50);
    for (let i = 0; i < 50; i++) service.failed('test', new Error('offline'));
    await new Promise((r) => setTimeout(r, 400)); // several reconnect attempts fail meanwhile
    const warnings = lines.slice(before).filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toMatch(/redis unavailable/);

    await server.start();
    await waitFor(() => service.ready);
    expect(states).toEqual([true, false, true]);
    expect(lines.slice(before).some((l) => l.level === 'info' && l.msg === 'redis is back')).toBe(true);
    expect(await service.client.set('switchyard-test:k2', 'again', { EX: 5 })).toBe('OK');
  });
});
