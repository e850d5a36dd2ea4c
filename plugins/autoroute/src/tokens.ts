/**
 * The prompt-size estimate: a real BPE count (gpt-tokenizer, cl100k_base) over a bounded sample of the
 * prompt, extrapolated by characters beyond it. cl100k_base rather than o200k_base: the count is an
 * estimate across every provider's tokenizer anyway, and it loads in half the time and memory (~90 ms,
 * ~10 MB heap). The encoding loads when the plugin is set up, not when its module is imported.
 */
import type { RequestShape } from './extract.js';

export type TokenCounter = (text: string) => number;

/** Special-token strings in user text are ordinary text here, never an error. */
const AS_TEXT = { disallowedSpecial: new Set<string>() };

export async function loadTokenCounter(): Promise<TokenCounter> {
  const { countTokens } = await import('gpt-tokenizer/encoding/cl100k_base');
  return (text) => countTokens(text, AS_TEXT);
}

export interface TokenEstimate {
  /** The last user message. */
  ask: number;
  /** Everything else: system, earlier turns, tool results. */
  context: number;
}

/** Tokens counted over a sample, scaled by the characters past it. */
function extrapolate(sample: string, chars: number, count: TokenCounter): number {
  if (sample.length === 0) return 0;
  const n = count(sample);
  return chars > sample.length ? Math.round((n * chars) / sample.length) : n;
}

export function estimateTokens(shape: RequestShape, count: TokenCounter): TokenEstimate {
  return {
    ask: extrapolate(shape.askSample, shape.askChars, count),
    context: extrapolate(shape.contextSample, shape.contextChars, count),
  };
}
