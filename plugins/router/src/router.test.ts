import type { GatewayConfig, ProviderInstance, RequestContext } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { createRouter } from './index.js';
import { compileMatch } from './match.js';

const ctx = (model: string, extra: Partial<RequestContext> = {}, headers: Record<string, string> = {}) =>
  ({
    model,
    path: '/v1/chat/completions',
    headers: new Headers(headers),
    facts: {},
    ...extra,
  }) as RequestContext;

const providers = new Map(
  ['openai', 'claude', 'local'].map((id) => [id, { id, type: 'mock' } as unknown as ProviderInstance]),
);

function router(routes: GatewayConfig['routes']) {
  return createRouter({ routes } as GatewayConfig, providers);
}

describe('route matching', () => {
  it('matches models exactly, by glob, and by /regex/', () => {
    const m = compileMatch({ models: ['gpt-4o', 'fast-*', '/^claude-(haiku|sonnet)/'] });
    expect(['gpt-4o', 'fast-1', 'claude-haiku-4-5'].map((x) => m(ctx(x)))).toEqual([true, true, true]);
    expect(['gpt-4o-mini', 'slow-1', 'claude-opus'].map((x) => m(ctx(x)))).toEqual([false, false, false]);
  });

  it('matches paths and headers (exact or regex); every condition must hold', () => {
    const m = compileMatch({
      paths: ['/v1/chat/completions'],
      headers: { 'X-Team': 'research', 'x-tier': { regex: '^(gold|silver)$' } },
    });
    expect(m(ctx('any', {}, { 'x-team': 'research', 'x-tier': 'gold' }))).toBe(true);
    expect(m(ctx('any', {}, { 'x-team': 'research', 'x-tier': 'bronze' }))).toBe(false);
    expect(
      m(ctx('any', { path: '/v1/embeddings' } as never, { 'x-team': 'research', 'x-tier': 'gold' })),
    ).toBe(false);
  });

  it('matches facts other plugins publish: one-of, contains-all, numeric ranges', () => {
    const m = compileMatch({
      auto: { tier: ['high', 'medium'], needs: ['tools'], score: { min: 0.5, max: 0.9 } },
    });
    const facts = (f: Record<string, unknown>) => ctx('auto', { facts: { auto: f } } as never);
    expect(m(facts({ tier: 'high', needs: ['tools', 'json'], score: 0.7 }))).toBe(true);
    expect(m(facts({ tier: 'low', needs: ['tools'], score: 0.7 }))).toBe(false);
    expect(m(facts({ tier: 'high', needs: ['vision'], score: 0.7 }))).toBe(false);
    expect(m(facts({ tier: 'high', needs: ['tools'], score: 0.9 }))).toBe(false);
    expect(m(ctx('auto'))).toBe(false); // no facts published
  });
});

describe('router', () => {
  const r = router([
    {
      name: 'fast',
      match: { models: ['fast'] },
      strategy: 'priority',
      targets: [{ provider: 'openai', model: 'gpt-4o-mini' }],
      fallback: [{ provider: 'local', model: 'echo' }],
    },
    {
      name: 'catch-fast',
      match: { models: ['fast*'] },
      strategy: 'weighted',
      targets: [{ provider: 'claude' }],
    },
  ]);

  it('the first matching route wins and resolves its targets and fallback once', () => {
    const a = r.matchRoute(ctx('fast'))!;
    expect(a.name).toBe('fast');
    expect(a.targets.map((t) => t.key)).toEqual(['openai/gpt-4o-mini']);
    expect(a.fallback.map((t) => t.key)).toEqual(['local/echo']);
    expect(r.matchRoute(ctx('fast'))).toBe(a); // compiled once, no per-request allocation
    expect(r.matchRoute(ctx('faster'))!.name).toBe('catch-fast');
  });

  it('addresses provider/model directly when no route matches, splitting at the first slash', () => {
    const d = r.matchRoute(ctx('openai/ft:gpt-4o/custom'))!;
    expect(d.name).toBe('direct');
    expect(d.targets[0]).toMatchObject({ provider: 'openai', model: 'ft:gpt-4o/custom' });
    expect(r.matchRoute(ctx('meta-llama/Llama-3-70b'))).toBeUndefined(); // not a configured provider id
    expect(r.matchRoute(ctx('unknown'))).toBeUndefined();
  });

  it('x-switchyard-route forces a route by name; an unknown name is a 404', () => {
    expect(r.matchRoute(ctx('whatever', {}, { 'x-switchyard-route': 'fast' }))!.name).toBe('fast');
    expect(() => r.matchRoute(ctx('whatever', {}, { 'x-switchyard-route': 'nope' }))).toThrow(
      /Unknown route/,
    );
  });

  it('a target without a model passes the client model through', () => {
    const m = r.matchRoute(ctx('fast-x'))!;
    expect(m.targets[0]!.model).toBeUndefined();
  });
});
