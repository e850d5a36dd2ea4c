import type { RequestContext } from '@switchyard/core';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import rateLimit from './index.js';
import { compileRule, type RuleConfig, ruleNames } from './rules.js';

const memory = { prefix: '', timeoutMs: 100, failClosed: false };
const ctx = (over: Partial<RequestContext>) =>
  ({
    model: 'gpt-4o',
    clientIp: '10.0.0.1',
    principal: { name: 'web' },
    route: { name: 'chat' },
    ...over,
  }) as RequestContext;
const compile = (c: RuleConfig) => compileRule(c, 'r', true, memory, () => undefined);

describe('rules', () => {
  it('default names: the scope, or scope-index when several rules share it', () => {
    expect(
      ruleNames([
        { scope: 'key', requests_per_minute: 1 },
        { scope: 'global', requests_per_minute: 1 },
        { scope: 'global', tokens_per_minute: 1 },
        { name: 'mine', scope: 'ip', requests_per_minute: 1 },
      ]),
    ).toEqual(['key', 'global-1', 'global-2', 'mine']);
  });

  it('counts each scope under its own key', () => {
    const c = ctx({});
    expect(compile({ scope: 'key', requests_per_minute: 1 }).keyOf(c)).toBe('web');
    expect(compile({ scope: 'ip', requests_per_minute: 1 }).keyOf(c)).toBe('10.0.0.1');
    expect(compile({ scope: 'route', requests_per_minute: 1 }).keyOf(c)).toBe('chat');
    expect(compile({ scope: 'model', requests_per_minute: 1 }).keyOf(c)).toBe('gpt-4o');
    expect(compile({ scope: 'global', requests_per_minute: 1 }).keyOf(c)).toBe('all');
    expect(
      compile({ scope: 'key', requests_per_minute: 1 }).keyOf(ctx({ principal: undefined })),
    ).toBeUndefined();
  });

  it('models and routes narrow a rule to some requests', () => {
    const rule = compile({ scope: 'global', requests_per_minute: 1, models: ['gpt-*'], routes: ['chat'] });
    expect(rule.keyOf(ctx({}))).toBe('all');
    expect(rule.keyOf(ctx({ model: 'claude' }))).toBeUndefined();
    expect(rule.keyOf(ctx({ route: { name: 'bulk' } as never }))).toBeUndefined();
  });

  it('burst adds a short window of `burst` requests spanning burst/rpm of a minute', () => {
    const rule = compile({ scope: 'key', requests_per_minute: 600, burst: 20 });
    expect([rule.burst!.points, rule.burst!.durationS]).toEqual([20, 2]);
    expect(compile({ scope: 'key', requests_per_minute: 600 }).burst).toBeUndefined();
    expect(compile({ scope: 'key', requests_per_minute: 600, burst: 600 }).burst).toBeUndefined();
  });

  it('a reload keeps the windows (and their counts) of an unchanged rule', () => {
    const first = compile({ scope: 'key', requests_per_minute: 5 });
    const kept = compileRule({ scope: 'key', requests_per_minute: 5 }, 'r', true, memory, (s) =>
      s === first.signature ? first : undefined,
    );
    expect(kept).toBe(first);
    const changed = compileRule({ scope: 'key', requests_per_minute: 6 }, 'r', true, memory, (s) =>
      s === first.signature ? first : undefined,
    );
    expect(changed).not.toBe(first);
  });
});

describe('rate-limit options', () => {
  const ok = (options: unknown) => v.safeParse(rateLimit.schema!, options).success;

  it('checks each rule and the rule list', () => {
    expect(ok({ rules: [{ scope: 'key', requests_per_minute: 10 }] })).toBe(true);
    expect(ok({ rules: [{ scope: 'key' }] })).toBe(false);
    expect(ok({ rules: [{ scope: 'team', requests_per_minute: 10 }] })).toBe(false);
    expect(ok({ rules: [{ scope: 'key', tokens_per_minute: 10, burst: 2 }] })).toBe(false);
    expect(ok({ rules: [{ scope: 'key', requests_per_minute: 600, burst: 5 }] })).toBe(false);
    expect(ok({ rules: [{ scope: 'key', requests_per_minute: 600, burst: 10 }] })).toBe(true);
    expect(ok({ rules: [{ scope: 'key', requests_per_minute: 0 }] })).toBe(false);
    expect(
      ok({
        rules: [
          { name: 'x', scope: 'key', requests_per_minute: 1 },
          { name: 'x', scope: 'ip', requests_per_minute: 1 },
        ],
      }),
    ).toBe(false);
    expect(ok({ store: 'postgres', rules: [{ scope: 'key', requests_per_minute: 1 }] })).toBe(false);
    expect(ok({ rules: [] })).toBe(false);
  });
});
