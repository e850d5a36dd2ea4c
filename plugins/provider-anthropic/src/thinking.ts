/**
 * Claude's reasoning in OpenAI terms. Chat Completions has no field for it, so this provider uses two
 * extension fields on the assistant message (and on stream deltas):
 *   reasoning_content: string          the thinking text, readable (streamed as delta.reasoning_content)
 *   thinking_blocks:   SignedThinking[] the signed blocks, which the client sends back unchanged
 * Anthropic requires the signed blocks in later assistant turns when thinking is combined with tools;
 * the text alone cannot be replayed because it carries no signature.
 */
import { errors } from '@switchyard/core';
import type { ChatRequest } from '@switchyard/protocol';
import type { SignedThinking } from './wire.js';

export const REASONING_FIELD = 'reasoning_content';
export const THINKING_BLOCKS_FIELD = 'thinking_blocks';

/**
 * Thinking budget per `reasoning_effort`. Anthropic's minimum is 1024 tokens; the steps roughly double so
 * that each effort level is a clear step up.
 */
export const EFFORT_BUDGET: Readonly<Record<string, number>> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
  xhigh: 24576,
  max: 32768,
};

const MIN_BUDGET = 1024;

export interface Limits {
  max_tokens: number;
  thinking?: Record<string, unknown>;
}

/**
 * `max_tokens` and `thinking` for one request. `max_completion_tokens` wins over `max_tokens`.
 * With a client limit, the budget is at most half of it (room is left for the answer) and thinking stays
 * off when that is below Anthropic's minimum; without one, the budget is added on top of the default.
 * A native `thinking` object in the body is passed through as-is.
 */
export function resolveLimits(body: ChatRequest, defaultMaxTokens: number): Limits {
  const clientMax = positiveInt(body.max_completion_tokens) ?? positiveInt(body.max_tokens);
  const native = body.thinking;
  if (native && typeof native === 'object' && !Array.isArray(native)) {
    const budget = positiveInt((native as { budget_tokens?: unknown }).budget_tokens) ?? 0;
    return {
      max_tokens: clientMax ?? defaultMaxTokens + budget,
      thinking: native as Record<string, unknown>,
    };
  }
  const wanted = body.reasoning_effort ? EFFORT_BUDGET[body.reasoning_effort] : undefined;
  if (wanted === undefined) return { max_tokens: clientMax ?? defaultMaxTokens };
  if (clientMax === undefined) {
    return { max_tokens: defaultMaxTokens + wanted, thinking: { type: 'enabled', budget_tokens: wanted } };
  }
  const budget = Math.min(wanted, Math.floor(clientMax / 2));
  if (budget < MIN_BUDGET) return { max_tokens: clientMax };
  return { max_tokens: clientMax, thinking: { type: 'enabled', budget_tokens: budget } };
}

/** The signed blocks a client sent back on an assistant message, checked so a typo fails here, not upstream. */
export function readThinkingBlocks(message: Record<string, unknown>, param: string): SignedThinking[] {
  const raw = message[THINKING_BLOCKS_FIELD];
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw errors.invalid(`${THINKING_BLOCKS_FIELD} must be an array.`, param);
  return raw.map((block, i) => {
    const b = block as Record<string, unknown> | null;
    if (b?.type === 'thinking' && typeof b.thinking === 'string' && typeof b.signature === 'string') {
      return { type: 'thinking', thinking: b.thinking, signature: b.signature };
    }
    if (b?.type === 'redacted_thinking' && typeof b.data === 'string')
      return { type: 'redacted_thinking', data: b.data };
    throw errors.invalid(
      'Each thinking block must be {type:"thinking",thinking,signature} or {type:"redacted_thinking",data}.',
      `${param}[${i}]`,
    );
  });
}

function positiveInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}
