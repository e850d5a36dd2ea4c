/** A complete GenerateContentResponse → an OpenAI `chat.completion`. */
import { type UpstreamCall, UpstreamError } from '@switchyard/core';
import type { ChatCompletion, ToolCall } from '@switchyard/protocol';
import { blockedPromptError, finishReason, parseUpstreamJson, toUsage } from './candidate.js';
import type { GeminiCandidate } from './gemini-types.js';
import { toolCallId } from './tool-ids.js';

export function parseResponse(text: string, call: UpstreamCall): ChatCompletion {
  const res = parseUpstreamJson(text);
  const blocked = blockedPromptError(res);
  if (blocked) throw blocked;
  if (!res.candidates || res.candidates.length === 0) {
    throw new UpstreamError(502, 'upstream_error', 'Gemini returned no candidates.', {
      code: 'upstream_error',
    });
  }
  const completion: ChatCompletion = {
    id: `chatcmpl-${call.requestId}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: res.modelVersion ?? call.model,
    choices: res.candidates.map((c, i) => choice(c, c.index ?? i, call.requestId)),
  };
  if (res.usageMetadata) completion.usage = toUsage(res.usageMetadata);
  return completion;
}

function choice(c: GeminiCandidate, index: number, requestId: string): ChatCompletion['choices'][number] {
  let content = '';
  let reasoning = '';
  const toolCalls: ToolCall[] = [];
  for (const part of c.content?.parts ?? []) {
    if (part.functionCall) {
      toolCalls.push({
        id: toolCallId(requestId, index, toolCalls.length, part.thoughtSignature),
        type: 'function',
        function: { name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args ?? {}) },
      });
    } else if (typeof part.text === 'string') {
      if (part.thought) reasoning += part.text;
      else content += part.text;
    }
  }
  const message: ChatCompletion['choices'][number]['message'] = {
    role: 'assistant',
    content: content === '' && toolCalls.length > 0 ? null : content,
    refusal: null,
  };
  if (reasoning) message.reasoning_content = reasoning;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    index,
    message,
    logprobs: null,
    finish_reason: finishReason(c.finishReason, toolCalls.length > 0),
  };
}
