/**
 * Tokens and dollars of one answer, from its OpenAI-shaped usage. Every provider adapter reports usage
 * the OpenAI way: `prompt_tokens` includes the prompt-cache reads (`prompt_tokens_details.cached_tokens`)
 * and writes (`cache_creation_tokens`), and `completion_tokens` includes reasoning tokens.
 */
import type { Usage } from '@switchyard/protocol';
import type { Price } from './price-table.js';

export interface Tokens {
  /** Prompt tokens, cache reads and writes included (what the upstream reported as prompt_tokens). */
  input: number;
  /** Completion tokens, reasoning included. */
  output: number;
  /** Of `input`, tokens read from the provider's prompt cache. */
  cached_input: number;
  /** Of `input`, tokens written to the provider's prompt cache. */
  cache_write: number;
}

const count = (value: unknown) =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;

export function tokensOf(usage: Usage): Tokens {
  const details = usage.prompt_tokens_details;
  return {
    input: count(usage.prompt_tokens),
    // Embeddings report no completion tokens.
    output: count(usage.completion_tokens),
    cached_input: count(details?.cached_tokens),
    cache_write: count(details?.cache_creation_tokens),
  };
}

/** USD for these tokens at this price (the long-context tier once the prompt is past its threshold). */
export function costOf(tokens: Tokens, price: Price): number {
  const long = price.long_context;
  const tier = long && tokens.input > long.above_input_tokens ? long : price;
  const uncached = Math.max(0, tokens.input - tokens.cached_input - tokens.cache_write);
  const micro =
    uncached * tier.input +
    tokens.cached_input * (tier.cached_input ?? tier.input) +
    tokens.cache_write * (tier.cache_write ?? tier.input) +
    tokens.output * tier.output;
  return micro / 1_000_000;
}

/** A dollar amount for headers and logs: plain decimal, no exponent, no float noise. */
export function formatUsd(usd: number): string {
  return usd.toFixed(10).replace(/\.?0+$/, '');
}
