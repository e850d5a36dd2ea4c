/** The hook runner, asserted by exact call order (the way Rollup tests its plugin driver). */
import { describe, expect, it } from 'vitest';
import type { HookHandlers, Logger, PluginInstance, Reply, RequestContext } from './contract.js';
import { GatewayError } from './errors.js';
import { HookRunner } from './hooks.js';

const ctx = {} as RequestContext;
const reply: Reply = { kind: 'json', status: 200, body: {} };

function runner(plugins: Array<[string, Partial<HookHandlers>]>, log?: Logger) {
  const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
  return new HookRunner(
    plugins.map(([name, hooks]) => ({ name, instance: { hooks } as PluginInstance })),
    log ?? silent,
  );
}

describe('HookRunner', () => {
  it('first: calls in YAML order and stops at the first defined answer', async () => {
    const calls: string[] = [];
    const r = runner([
      ['a', { matchRoute: () => void calls.push('a') }],
      [
        'b',
        {
          matchRoute: () => {
            calls.push('b');
            return { name: 'from-b' } as never;
          },
        },
      ],
      [
        'c',
        {
          matchRoute: () => {
            calls.push('c');
            return { name: 'from-c' } as never;
          },
        },
      ],
    ]);
    expect(await r.first('matchRoute', ctx)).toEqual({ name: 'from-b' });
    expect(calls).toEqual(['a', 'b']);
    expect(r.order('matchRoute')).toEqual(['a', 'b', 'c']);
  });

  it('guard: the first Reply stops the request; passing guards return nothing', async () => {
    const calls: string[] = [];
    const r = runner([
      ['pass', { limit: () => void calls.push('pass') }],
      [
        'stop',
        {
          limit: async () => {
            calls.push('stop');
            return reply;
          },
        },
      ],
      ['never', { limit: () => void calls.push('never') }],
    ]);
    expect(await r.guard('limit', ctx)).toBe(reply);
    expect(calls).toEqual(['pass', 'stop']);
  });

  it('waterfall: each hook receives the previous result, request side in order', async () => {
    const r = runner([
      ['a', { transformRequest: (b) => ({ ...b, trail: `${b.trail}a` }) }],
      ['b', { transformRequest: async (b) => ({ ...b, trail: `${b.trail}b` }) }],
    ]);
    const out = await r.waterfall('transformRequest', { trail: '' } as never, ctx);
    expect((out as unknown as { trail: string }).trail).toBe('ab');
  });

  it('response-side waterfalls run in reverse plugin order', async () => {
    const seen: string[] = [];
    const r = runner([
      [
        'first',
        {
          transformResponse: (b) => {
            seen.push('first');
            return b;
          },
          transformChunk: (c) => {
            seen.push('first');
            return c;
          },
        },
      ],
      [
        'second',
        {
          transformResponse: (b) => {
            seen.push('second');
            return b;
          },
          transformChunk: (c) => {
            seen.push('second');
            return c;
          },
        },
      ],
    ]);
    await r.waterfall('transformResponse', {} as never, ctx);
    r.chunk({} as never, ctx);
    expect(seen).toEqual(['second', 'first', 'second', 'first']);
  });

  it('transformChunk: null drops the chunk and skips the rest', () => {
    const seen: string[] = [];
    const r = runner([
      [
        'keeps',
        {
          transformChunk: (c) => {
            seen.push('keeps');
            return c;
          },
        },
      ],
      [
        'drops',
        {
          transformChunk: () => {
            seen.push('drops');
            return null;
          },
        },
      ],
    ]);
    expect(r.chunk({} as never, ctx)).toBeNull();
    expect(seen).toEqual(['drops']);
  });

  it('stamps every error with the plugin and hook that threw it', async () => {
    const r = runner([
      ['ok', { authenticate: () => undefined }],
      [
        'auth',
        {
          authenticate: () => {
            throw new GatewayError(401, 'authentication_error', 'no');
          },
        },
      ],
      [
        'boom',
        {
          selectTarget: () => {
            throw new Error('secret internals');
          },
        },
      ],
    ]);
    const err = await r.first('authenticate', ctx).catch((e) => e);
    expect(err).toMatchObject({ status: 401, plugin: 'auth', hook: 'authenticate' });
    const internal = await r.first('selectTarget', [], ctx).catch((e) => e);
    expect(internal).toMatchObject({ status: 500, plugin: 'boom', hook: 'selectTarget' });
    expect(internal.message).not.toContain('secret internals');
  });

  it('observer: all run, failures are logged with plugin and hook and never thrown', async () => {
    const logged: object[] = [];
    const log: Logger = { debug() {}, info() {}, warn() {}, error: (o) => void logged.push(o as object) };
    const calls: string[] = [];
    const r = runner(
      [
        [
          'sync-fail',
          {
            onResponse: () => {
              calls.push('sync-fail');
              throw new Error('x');
            },
          },
        ],
        [
          'async-fail',
          {
            onResponse: async () => {
              calls.push('async-fail');
              throw new Error('y');
            },
          },
        ],
        ['after', { onResponse: () => void calls.push('after') }],
      ],
      log,
    );
    expect(() => r.observe('onResponse', ctx, reply)).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual(['sync-fail', 'async-fail', 'after']);
    expect(logged).toEqual([
      expect.objectContaining({ plugin: 'sync-fail', hook: 'onResponse' }),
      expect.objectContaining({ plugin: 'async-fail', hook: 'onResponse' }),
    ]);
  });

  it('has() lets the pipeline skip stages nobody implements', () => {
    const r = runner([['a', { onAttempt: () => undefined }]]);
    expect(r.has('onAttempt')).toBe(true);
    expect(r.has('transformChunk')).toBe(false);
  });
});

describe('errors from another copy of @switchyard/core', () => {
  it('are recognised by their registered brand, not prototype identity', async () => {
    const foreign = Object.assign(new Error('upstream said no'), {
      [Symbol.for('switchyard.GatewayError')]: true,
      status: 429,
      type: 'rate_limit_error',
      retryable: true,
    });
    expect(foreign instanceof GatewayError).toBe(true);
    const r = runner([
      [
        'copy',
        {
          authenticate: () => {
            throw foreign;
          },
        },
      ],
    ]);
    expect(await r.first('authenticate', ctx).catch((e) => e)).toMatchObject({ status: 429, plugin: 'copy' });
  });
});
