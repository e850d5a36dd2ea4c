/** Bedrock stopReason and usage → OpenAI finish_reason and usage (wire/mapping.md §2, §3). */
import { UpstreamError } from '@switchyard/core';
import type { FinishReason, Usage } from '@switchyard/protocol';
import type { ConverseUsage } from './converse.js';

const FINISH: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
};

/**
 * `answeredAsJson`: the model answered through the JSON-mode tool, which the client sees as content.
 * Malformed output is an error rather than a `stop` with a broken answer; another attempt may do better.
 */
export function finishReason(stopReason: string | undefined, answeredAsJson: boolean): FinishReason {
  if (stopReason === 'malformed_model_output' || stopReason === 'malformed_tool_use') {
    throw new UpstreamError(502, 'upstream_error', `Bedrock stopped the answer: ${stopReason}.`, {
      code: stopReason,
      retryable: true,
    });
  }
  const reason = FINISH[stopReason ?? ''] ?? 'stop';
  return reason === 'tool_calls' && answeredAsJson ? 'stop' : reason;
}

/** Bedrock's inputTokens leaves out cached tokens; OpenAI's prompt_tokens counts them. */
export function toUsage(u: ConverseUsage | undefined): Usage {
  const cacheRead = u?.cacheReadInputTokens ?? 0;
  const cacheWrite = u?.cacheWriteInputTokens ?? 0;
  const prompt = (u?.inputTokens ?? 0) + cacheRead + cacheWrite;
  const completion = u?.outputTokens ?? 0;
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cacheRead },
  };
  if (cacheWrite > 0) usage.prompt_tokens_details!.cache_creation_tokens = cacheWrite;
  return usage;
}
