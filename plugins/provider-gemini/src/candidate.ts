/** What JSON answers and streams share: finish reasons, usage, and the blocked-prompt error. */
import { UpstreamError } from '@switchyard/core';
import type { FinishReason, Usage } from '@switchyard/protocol';
import type { GeminiResponse, GeminiUsage } from './gemini-types.js';

/** Gemini finish reasons that mean a safety or policy filter stopped the answer (wire/mapping.md §2). */
const FILTERED = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
  'LANGUAGE',
]);

/**
 * Gemini never names tool calls as a reason: `STOP` (or an unset reason) with function calls present is
 * `tool_calls`. Everything unknown (OTHER, MALFORMED_FUNCTION_CALL, ...) is `stop`.
 */
export function finishReason(reason: string | undefined, hasToolCalls: boolean): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason !== undefined && FILTERED.has(reason)) return 'content_filter';
  return hasToolCalls ? 'tool_calls' : 'stop';
}

/** `usageMetadata` → OpenAI usage; in a stream, the last one seen is the cumulative total. */
export function toUsage(u: GeminiUsage): Usage {
  const prompt = (u.promptTokenCount ?? 0) + (u.toolUsePromptTokenCount ?? 0);
  const thoughts = u.thoughtsTokenCount ?? 0;
  const completion = (u.candidatesTokenCount ?? 0) + thoughts;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    // Gemini's total already counts the thoughts.
    total_tokens: u.totalTokenCount ?? prompt + completion,
    prompt_tokens_details: { cached_tokens: u.cachedContentTokenCount ?? 0 },
    completion_tokens_details: { reasoning_tokens: thoughts },
  };
}

/**
 * A prompt refused by Gemini's safety settings comes back as HTTP 200 with no candidates and a
 * `promptFeedback.blockReason`. It is the caller's input that was refused, so it becomes a 400 with
 * code `content_filter` (the code Azure OpenAI uses for the same case), never retried.
 */
export function blockedPromptError(res: GeminiResponse): UpstreamError | undefined {
  const reason = res.promptFeedback?.blockReason;
  if (!reason || (res.candidates && res.candidates.length > 0)) return undefined;
  const detail = res.promptFeedback?.blockReasonMessage ? `: ${res.promptFeedback.blockReasonMessage}` : '.';
  return new UpstreamError(400, 'invalid_request_error', `Gemini blocked the prompt (${reason})${detail}`, {
    code: 'content_filter',
    param: 'messages',
    retryable: false,
  });
}

/** Parse one upstream JSON document, or fail as a bad upstream answer (502). */
export function parseUpstreamJson(text: string): GeminiResponse {
  try {
    const value = JSON.parse(text);
    if (typeof value === 'object' && value !== null) return value as GeminiResponse;
  } catch {
    // fall through
  }
  throw new UpstreamError(502, 'upstream_error', 'Gemini returned a body that is not a JSON object.', {
    code: 'upstream_error',
  });
}
