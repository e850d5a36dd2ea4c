import type { RequestContext } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { cacheKey } from './key.js';

const route = (name: string, targets: string[]) => ({ name, targets: targets.map((key) => ({ key })) });
const ctx = (body: Record<string, unknown>, over: Partial<RequestContext> = {}) =>
  ({
    operation: 'chat',
    body: { model: 'fast', messages: [{ role: 'user', content: 'hi' }], ...body },
    route: route('chat', ['up/gpt-4o-mini']),
    principal: { name: 'web' },
    ...over,
  }) as unknown as RequestContext;

describe('cacheKey', () => {
  const base = cacheKey(ctx({}));

  it('is a SHA-256 hex digest, stable across calls and key order', () => {
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(cacheKey(ctx({}))).toBe(base);
    const reordered = ctx({});
    reordered.body = { messages: [{ content: 'hi', role: 'user' }], model: 'fast' } as never;
    expect(cacheKey(reordered)).toBe(base);
  });

  it.each([
    ['response_format', { type: 'json_object' }],
    ['stop', ['\n']],
    ['seed', 1],
    ['temperature', 0],
    ['top_p', 0.9],
    ['max_tokens', 5],
    ['max_completion_tokens', 5],
    ['n', 2],
    ['tools', [{ type: 'function', function: { name: 'f' } }]],
    ['tool_choice', 'required'],
    ['logprobs', true],
    ['reasoning_effort', 'low'],
    ['model', 'other'],
    ['messages', [{ role: 'user', content: 'hi!' }]],
    ['top_k', 5],
  ])('%s changes the key', (field, value) => {
    expect(cacheKey(ctx({ [field]: value }))).not.toBe(base);
  });

  it.each([
    ['stream', true],
    ['stream_options', { include_usage: true }],
    ['metadata', { team: 'x' }],
    ['user', 'end-user-1'],
    ['store', true],
  ])('%s does not', (field, value) => {
    expect(cacheKey(ctx({ [field]: value }))).toBe(base);
  });

  it('separates callers, routes, targets and operations', () => {
    expect(cacheKey(ctx({}, { principal: { name: 'other' } }))).not.toBe(base);
    expect(cacheKey(ctx({}, { principal: undefined }))).not.toBe(base);
    expect(cacheKey(ctx({}, { route: route('chat2', ['up/gpt-4o-mini']) as never }))).not.toBe(base);
    expect(cacheKey(ctx({}, { route: route('chat', ['up/gpt-4o']) as never }))).not.toBe(base);
    expect(cacheKey(ctx({}, { operation: 'embeddings' }))).not.toBe(base);
  });
});
