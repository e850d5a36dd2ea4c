import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from './features.js';
import { DEFAULT_SKILLS, DEFAULT_TIERS, DEFAULT_WEIGHTS, optionsSchema } from './options.js';

const problems = (input: unknown) =>
  (v.safeParse(optionsSchema, input).issues ?? []).map((i) => `${v.getDotPath(i) ?? ''}: ${i.message}`);

describe('the autoroute block', () => {
  it('fills every key with its default', () => {
    const options = v.parse(optionsSchema, {});
    expect(options).toMatchObject({ override: false, explain: true, sample_chars: 1024, scan_chars: 65536 });
    expect(options.tiers).toEqual(DEFAULT_TIERS);
    expect(options.weights).toEqual(DEFAULT_WEIGHTS);
    expect(Object.keys(options.weights).sort()).toEqual([...FEATURE_NAMES].sort());
    expect(options.skills.map((s) => s.name)).toEqual(DEFAULT_SKILLS.map((s) => s.name));
    expect(options.tokens.to).toBeGreaterThan(options.tokens.from);
  });

  it('merges partial weights with the defaults', () => {
    const options = v.parse(optionsSchema, { weights: { images: 0.9 } });
    expect(options.weights.images).toBe(0.9);
    expect(options.weights.prompt_tokens).toBe(DEFAULT_WEIGHTS.prompt_tokens);
  });

  it('gives custom skills flags i and weight 0 by default', () => {
    const options = v.parse(optionsSchema, { skills: [{ name: 'sql', pattern: 'select' }] });
    expect(options.skills).toEqual([{ name: 'sql', pattern: 'select', flags: 'i', weight: 0 }]);
  });

  it.each([
    [{ weights: { promt_tokens: 0.2 } }, 'weights.promt_tokens'],
    [{ weights: { code: -1 } }, 'weights.code'],
    [{ tiers: {} }, 'tiers'],
    [{ tiers: { low: 0, high: 0 } }, 'tiers'],
    [{ skills: [{ name: 'x', pattern: '(' }] }, 'skills.0.pattern'],
    [{ skills: [{ name: 'x', pattern: 'a', flags: 'g' }] }, 'skills.0.flags'],
    [{ tokens: { from: 100, to: 50 } }, 'tokens'],
    [{ sample_chars: 10 }, 'sample_chars'],
    [{ overide: true }, 'overide'],
  ])('rejects %j at %s', (input, path) => {
    const found = problems(input);
    expect(found.length).toBeGreaterThan(0);
    expect(found.some((p) => p.startsWith(`${path}:`))).toBe(true);
  });
});
