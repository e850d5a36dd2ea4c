import type { PluginHost, RequestContext } from '@switchyard/core';
import type { ChatRequest } from '@switchyard/protocol';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import autoroute from './index.js';
import { javaTrace, user } from './test/requests.js';

async function onRequest(options: unknown = {}) {
  const instance = await autoroute.setup(v.parse(autoroute.schema!, options), {} as PluginHost);
  return instance.hooks!.onRequest!;
}

/** The fields onRequest reads and writes; the rest of the context is not needed here. */
function context(
  body: ChatRequest,
  headers: Record<string, string> = {},
  operation = 'chat',
): RequestContext {
  return {
    operation,
    model: body.model,
    body,
    headers: new Headers(headers),
    facts: {},
    responseHeaders: {},
  } as unknown as RequestContext;
}

describe('autoroute onRequest', () => {
  it('publishes facts and response headers for model auto', async () => {
    const hook = await onRequest();
    const ctx = context(user('hi'));
    expect(await hook(ctx)).toBeUndefined();
    expect(ctx.facts.auto).toMatchObject({ tier: 'low', skill: 'default', needs: [] });
    expect(ctx.responseHeaders['x-switchyard-auto-tier']).toBe('low');
    expect(ctx.responseHeaders['x-switchyard-auto-skill']).toBe('default');
    expect(Number(ctx.responseHeaders['x-switchyard-auto-score'])).toBe(ctx.facts.auto!.score);
    expect(ctx.responseHeaders['x-switchyard-auto-explain']).toBeUndefined();
    expect(ctx.facts.auto).not.toHaveProperty('contributions');
  });

  it('explains on request, with contributions that add up to the score header', async () => {
    const hook = await onRequest();
    const body = user(`${javaTrace(200)}\nFind the race condition.`);
    const ctx = context(body, { 'x-switchyard-auto-explain': 'true' });
    await hook(ctx);
    expect(ctx.responseHeaders['x-switchyard-auto-tier']).toBe('high');
    const parts = JSON.parse(ctx.responseHeaders['x-switchyard-auto-explain']!) as Record<string, number>;
    expect(Object.keys(parts)).toContain('prompt_tokens');
    const sum = Object.values(parts).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(Number(ctx.responseHeaders['x-switchyard-auto-score']), 9);
  });

  it('publishes needs for route matching', async () => {
    const hook = await onRequest();
    const ctx = context({
      ...user('Weather in Rome?'),
      tools: [{ type: 'function', function: { name: 'get_weather' } }],
    });
    await hook(ctx);
    expect(ctx.facts.auto!.needs).toEqual(['tools']);
    expect(typeof ctx.facts.auto!.tokens).toBe('number');
  });

  it('leaves other models alone unless override is set', async () => {
    const plain = context({ ...user('hi'), model: 'gpt-4o-mini' });
    await (await onRequest())(plain);
    expect(plain.facts.auto).toBeUndefined();
    expect(plain.responseHeaders).toEqual({});

    const overridden = context({ ...user('hi'), model: 'gpt-4o-mini' });
    await (await onRequest({ override: true }))(overridden);
    expect(overridden.facts.auto!.tier).toBe('low');
  });

  it('skips embeddings, and ignores the explain header when explain is off', async () => {
    const embeddings = context(user('hi'), {}, 'embeddings');
    await (await onRequest())(embeddings);
    expect(embeddings.facts.auto).toBeUndefined();

    const quiet = context(user('hi'), { 'x-switchyard-auto-explain': 'true' });
    await (await onRequest({ explain: false }))(quiet);
    expect(quiet.responseHeaders['x-switchyard-auto-tier']).toBe('low');
    expect(quiet.responseHeaders['x-switchyard-auto-explain']).toBeUndefined();
  });
});
