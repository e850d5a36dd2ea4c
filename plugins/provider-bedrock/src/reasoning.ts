/**
 * Claude's extended thinking on Bedrock (`additionalModelRequestFields.thinking`), with the same policy as
 * the anthropic provider: `reasoning_effort` picks a budget, a native `thinking` object passes through.
 * Other model families on Bedrock take model-specific fields, so the effort is not sent to them.
 */
import { errors } from '@switchyard/core';
import type { ChatRequest } from '@switchyard/protocol';
import type { ContentBlock } from './converse.js';

/** Thinking budget per effort, in tokens; the anthropic provider's steps (Claude's minimum is 1024). */
export const EFFORT_BUDGET: Readonly<Record<string, number>> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
  xhigh: 24576,
  max: 32768,
};

const MIN_BUDGET = 1024;
/** Room for the visible answer on top of the budget when the client set no token limit. */
const ANSWER_TOKENS = 4096;

export function isAnthropicModel(model: string): boolean {
  return /anthropic|claude/i.test(model);
}

/**
 * The thinking object and the maxTokens to send with it. OpenAI's token limit includes reasoning and Claude
 * needs budget < maxTokens, so with a client limit the budget is at most half of it, and below Claude's
 * minimum thinking stays off.
 */
export function thinkingFor(
  body: ChatRequest,
  model: string,
  maxTokens: number | undefined,
): { thinking: Record<string, unknown>; maxTokens: number | undefined } | undefined {
  const native = body.thinking;
  if (native && typeof native === 'object' && !Array.isArray(native)) {
    return { thinking: native as Record<string, unknown>, maxTokens };
  }
  const wanted = EFFORT_BUDGET[body.reasoning_effort ?? ''];
  if (wanted === undefined || !isAnthropicModel(model)) return undefined;
  if (maxTokens === undefined) {
    return { thinking: { type: 'enabled', budget_tokens: wanted }, maxTokens: wanted + ANSWER_TOKENS };
  }
  const budget = Math.min(wanted, Math.floor(maxTokens / 2));
  if (budget < MIN_BUDGET) return undefined;
  return { thinking: { type: 'enabled', budget_tokens: budget }, maxTokens };
}

/**
 * The signed blocks a client sent back on an assistant message (`thinking_blocks`, as the anthropic
 * provider returns them) → reasoningContent blocks. Checked so a typo fails here, not upstream.
 */
export function reasoningBlocks(raw: unknown, param: string): ContentBlock[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw errors.invalid('thinking_blocks must be an array.', param);
  return raw.map((b: any, i): ContentBlock => {
    if (b?.type === 'thinking' && typeof b.thinking === 'string' && typeof b.signature === 'string') {
      return { reasoningContent: { reasoningText: { text: b.thinking, signature: b.signature } } };
    }
    if (b?.type === 'redacted_thinking' && typeof b.data === 'string')
      return { reasoningContent: { redactedContent: b.data } };
    throw errors.invalid(
      'Each thinking block must be {type:"thinking",thinking,signature} or {type:"redacted_thinking",data}.',
      `${param}[${i}]`,
    );
  });
}
