/** Outbound shaping on a scripted in-process transport: concurrency, quota, bounded queue and wait. */
import { describe, expect, it } from 'vitest';
import type { ProviderConfig, Transport, UpstreamHttpResponse } from './contract.js';
import type { GatewayError } from './errors.js';
import { createShaper, type ShapingSettings, shaperFor, shapingSettings } from './shaping.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const request = { method: 'POST' as const, path: '/v1/chat/completions', headers: {}, body: '{}' };

/** A transport answering after `ms`, counting how many calls are open until their body is read. */
function upstream(ms = 20) {
  const seen = { calls: 0, open: 0, maxOpen: 0 };
  const transport: Transport = async () => {
    seen.calls++;
    seen.open++;
    seen.maxOpen = Math.max(seen.maxOpen, seen.open);
    await sleep(ms);
    const body = {
      async *[Symbol.asyncIterator]() {
        yield new TextEncoder().encode('ok');
        seen.open--;
      },
      async text() {
        seen.open--;
        return 'ok';
      },
    };
    return { status: 200, headers: {}, body } satisfies UpstreamHttpResponse;
  };
  return { seen, transport };
}

const settings = (s: Partial<ShapingSettings>): ShapingSettings => ({
  queue_limit: 100,
  queue_timeout: 5000,
  ...s,
});

describe('shaping settings', () => {
  it('is off unless max_concurrent or requests_per_minute is set', () => {
    expect(shapingSettings({ type: 'openai' } as ProviderConfig)).toBeUndefined();
    expect(shapingSettings({ type: 'openai', max_concurrent: 2 } as unknown as ProviderConfig)).toEqual({
      max_concurrent: 2,
      requests_per_minute: undefined,
      queue_limit: 100,
      queue_timeout: 10_000,
    });
  });

  it('a reload with the same settings keeps the shaper', async () => {
    const a = createShaper('p', settings({ max_concurrent: 2 }));
    expect(shaperFor('p', settings({ max_concurrent: 2 }), a)).toBe(a);
    const b = shaperFor('p', settings({ max_concurrent: 3 }), a);
    expect(b).not.toBe(a);
    await Promise.all([a.close(), b.close()]);
  });
});

describe('shaped transport', () => {
  it('max_concurrent: 2 lets 10 calls through at most two at a time, holding a slot until the body is read', async () => {
    const { seen, transport } = upstream(30);
    const shaper = createShaper('p', settings({ max_concurrent: 2 }));
    const send = shaper.wrap(transport);
    const bodies = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const res = await send(request, new AbortController().signal);
        await sleep(10); // reading later must not free the slot early
        const chunks: Uint8Array[] = [];
        for await (const c of res.body) chunks.push(c);
        return Buffer.concat(chunks).toString();
      }),
    );
    expect(bodies).toEqual(Array(10).fill('ok'));
    expect(seen.calls).toBe(10);
    expect(seen.maxOpen).toBe(2);
    await shaper.close();
  });

  it('a full queue refuses at once with a retryable gateway error', async () => {
    const { seen, transport } = upstream(200);
    const shaper = createShaper('p', settings({ max_concurrent: 1, queue_limit: 1 }));
    const send = shaper.wrap(transport);
    const signal = new AbortController().signal;
    const read = async () => (await send(request, signal)).body.text();
    const results = await Promise.allSettled([read(), read(), read()]);
    const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(refused).toHaveLength(1);
    const error = refused[0]!.reason as GatewayError;
    expect(error.code).toBe('provider_queue_full');
    expect(error.retryable).toBe(true);
    expect(error.upstream).toBe(false);
    expect(seen.calls).toBe(2);
    await shaper.close();
  });

  it('a wait longer than queue_timeout fails retryably, and the expired job never reaches the upstream', async () => {
    const { seen, transport } = upstream(300);
    const shaper = createShaper('p', settings({ max_concurrent: 1, queue_timeout: 100 }));
    const send = shaper.wrap(transport);
    const signal = new AbortController().signal;
    const first = send(request, signal);
    const started = performance.now();
    const second = await send(request, signal).catch((e) => e as GatewayError);
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    expect(performance.now() - started).toBeLessThan(290);
    expect((second as GatewayError).code).toBe('provider_queue_timeout');
    await (await first).body.text();
    await sleep(50);
    expect(seen.calls).toBe(1);
    await shaper.close();
  });

  it('an attempt aborted while queued leaves the queue at once', async () => {
    const { seen, transport } = upstream(200);
    const shaper = createShaper('p', settings({ max_concurrent: 1 }));
    const send = shaper.wrap(transport);
    const first = send(request, new AbortController().signal);
    const controller = new AbortController();
    const second = send(request, controller.signal).catch((e) => e as Error);
    await sleep(20);
    controller.abort(new Error('first_token timeout'));
    expect(((await second) as Error).message).toBe('first_token timeout');
    await (await first).body.text();
    expect(seen.calls).toBe(1);
    await shaper.close();
  });

  it('requests_per_minute lets a minute’s quota through at once, then queues', async () => {
    const { seen, transport } = upstream(1);
    const shaper = createShaper('p', settings({ requests_per_minute: 3, queue_timeout: 150 }));
    const send = shaper.wrap(transport);
    const signal = new AbortController().signal;
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => send(request, signal)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    expect(((results[3] as PromiseRejectedResult).reason as GatewayError).code).toBe(
      'provider_queue_timeout',
    );
    expect(seen.calls).toBe(3);
    await shaper.close();
  });
});
