/** Anthropic usage and stop reasons in OpenAI terms (mapping.md §2, §3). */
import type { FinishReason, Usage as OpenAIUsage } from '@switchyard/protocol';
import type { Usage } from './wire.js';

/**
 * Anthropic counts cached prompt tokens apart from `input_tokens`; OpenAI's `prompt_tokens` includes them.
 * Cache writes are reported as `prompt_tokens_details.cache_creation_tokens`.
 */
export function toUsage(usage: Usage | undefined): OpenAIUsage {
  const input = count(usage?.input_tokens);
  const cacheRead = count(usage?.cache_read_input_tokens);
  const cacheWrite = count(usage?.cache_creation_input_tokens);
  const output = count(usage?.output_tokens);
  const prompt = input + cacheRead + cacheWrite;
  return {
    prompt_tokens: prompt,
    completion_tokens: output,
    total_tokens: prompt + output,
    prompt_tokens_details: { cached_tokens: cacheRead, cache_creation_tokens: cacheWrite },
    completion_tokens_details: { reasoning_tokens: count(usage?.output_tokens_details?.thinking_tokens) },
  };
}

const FINISH: Readonly<Record<string, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  // The server paused a long-running turn; the client may continue it like a finished one.
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

export function finishReason(stopReason: string | null | undefined): FinishReason {
  return (stopReason && FINISH[stopReason]) || 'stop';
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
