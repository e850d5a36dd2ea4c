import { describe, expect, it } from 'vitest';
import { costOf, formatUsd, tokensOf } from './cost.js';

const sonnet = {
  input: 3,
  output: 15,
  cached_input: 0.3,
  cache_write: 3.75,
  long_context: { above_input_tokens: 200_000, input: 6, output: 22.5, cached_input: 0.6, cache_write: 7.5 },
};

describe('tokens and cost of one answer', () => {
  it('reads OpenAI-shaped usage, cache reads and writes included in the prompt', () => {
    const tokens = tokensOf({
      prompt_tokens: 1000,
      completion_tokens: 200,
      total_tokens: 1200,
      prompt_tokens_details: { cached_tokens: 600, cache_creation_tokens: 100 },
    });
    expect(tokens).toEqual({ input: 1000, output: 200, cached_input: 600, cache_write: 100 });
  });

  it('treats embeddings usage (no completion tokens) as zero output', () => {
    expect(tokensOf({ prompt_tokens: 8, total_tokens: 8 } as never)).toEqual({
      input: 8,
      output: 0,
      cached_input: 0,
      cache_write: 0,
    });
  });

  it('prices uncached, cached, written and output tokens at their own rates', () => {
    const usd = costOf({ input: 1000, output: 200, cached_input: 600, cache_write: 100 }, sonnet);
    // 300 uncached × 3 + 600 × 0.3 + 100 × 3.75 + 200 × 15, per million
    expect(usd).toBeCloseTo((300 * 3 + 600 * 0.3 + 100 * 3.75 + 200 * 15) / 1e6, 12);
  });

  it('falls back to the input price when there is no cached-input price', () => {
    expect(
      costOf({ input: 1000, output: 0, cached_input: 1000, cache_write: 0 }, { input: 2, output: 8 }),
    ).toBeCloseTo(0.002, 12);
  });

  it('switches to the long-context tier past its threshold, for the whole request', () => {
    const short = costOf({ input: 200_000, output: 1000, cached_input: 0, cache_write: 0 }, sonnet);
    const long = costOf({ input: 200_001, output: 1000, cached_input: 0, cache_write: 0 }, sonnet);
    expect(short).toBeCloseTo(200_000 * 3e-6 + 1000 * 15e-6, 9);
    expect(long).toBeCloseTo(200_001 * 6e-6 + 1000 * 22.5e-6, 9);
  });

  it('formats dollars without exponent or float noise', () => {
    expect(formatUsd(0)).toBe('0');
    expect(formatUsd(0.0000021)).toBe('0.0000021');
    expect(formatUsd(1.5)).toBe('1.5');
    expect(formatUsd(100)).toBe('100');
    expect(formatUsd(0.1 + 0.2)).toBe('0.3');
  });
});
