/** The top-level `pricing:` block: accepted as written, and every mistake reported at its line:col. */
import { describe, expect, test } from 'vitest';
import { loadConfig } from './load.js';
import { fakeDefinitions } from './test-definitions.js';

const load = (lines: string[]) =>
  loadConfig(`${lines.join('\n')}\n`, {
    source: 'switchyard.yaml',
    env: {},
    definitions: fakeDefinitions().source,
  });

describe('pricing', () => {
  test('overrides by provider/model, with a long-context tier and a * model', async () => {
    const result = await load([
      'pricing:',
      '  openai/gpt-x: { input: 1, output: 2, cached_input: 0.5 }',
      '  together/*: { input: 0.9, output: 0.9 }',
      '  claude/claude-z:',
      '    input: 3',
      '    output: 15',
      '    long_context: { above_input_tokens: 200000, input: 6, output: 22.5 }',
    ]);
    expect(result.problems).toEqual([]);
    expect(result.config?.pricing).toEqual({
      'openai/gpt-x': { input: 1, output: 2, cached_input: 0.5 },
      'together/*': { input: 0.9, output: 0.9 },
      'claude/claude-z': {
        input: 3,
        output: 15,
        long_context: { above_input_tokens: 200000, input: 6, output: 22.5 },
      },
    });
  });

  test('is optional', async () => {
    const result = await load(['providers: {}']);
    expect(result.problems).toEqual([]);
    expect(result.config?.pricing).toBeUndefined();
  });

  test('reports a key without a model, a negative price, a missing price and an unknown key', async () => {
    const result = await load([
      'pricing:',
      '  gpt-x: { input: 1, output: 2 }',
      '  up/a: { input: -1, output: 2 }',
      '  up/b: { input: 1 }',
      '  up/c: { input: 1, output: 2, cache_read: 1 }',
    ]);
    expect(result.config).toBeUndefined();
    const problems = result.problems.map((p) => `${p.path} ${p.line}:${p.col} ${p.message}`);
    expect(problems).toEqual([
      'pricing.gpt-x 2:3 expected a key like provider/model (model may be *)',
      'pricing["up/a"].input 3:18 a price cannot be negative',
      'pricing["up/b"].output 4:3 missing required key "output"',
      'pricing["up/c"].cache_read 5:32 unknown key "cache_read"',
    ]);
  });
});
