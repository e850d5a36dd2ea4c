/** Converse JSON → OpenAI chat.completion. */
import { parseJsonSafe, type UpstreamCall, UpstreamError } from '@switchyard/core';
import type { ChatCompletion, ToolCall } from '@switchyard/protocol';
import type { ConverseResponse } from './converse.js';
import { finishReason, toUsage } from './finish.js';
import { jsonModeTool } from './request.js';

/** The Anthropic provider's extension fields, so signed reasoning survives a round trip through clients. */
export type ThinkingBlock =
  | { type: 'thinking'; thinking: string; signature?: string }
  | { type: 'redacted_thinking'; data: string };

export function completionId(call: UpstreamCall): string {
  return `chatcmpl-${call.requestId}`;
}

export function toChatCompletion(text: string, call: UpstreamCall): ChatCompletion {
  const res = parseJsonSafe(text) as ConverseResponse | undefined;
  if (!res || typeof res !== 'object') {
    throw new UpstreamError(502, 'upstream_error', 'Bedrock returned a body that is not JSON.', {
      code: 'bad_response',
      retryable: true,
    });
  }
  const jsonTool = jsonModeTool(call.body)?.name;
  let content = '';
  let reasoning = '';
  let answeredAsJson = false;
  const toolCalls: ToolCall[] = [];
  const thinkingBlocks: ThinkingBlock[] = [];

  for (const block of res.output?.message?.content ?? []) {
    if (typeof block.text === 'string') content += block.text;
    else if (block.toolUse && block.toolUse.name === jsonTool) {
      content += JSON.stringify(block.toolUse.input ?? {});
      answeredAsJson = true;
    } else if (block.toolUse) {
      toolCalls.push({
        id: block.toolUse.toolUseId,
        type: 'function',
        function: { name: block.toolUse.name, arguments: JSON.stringify(block.toolUse.input ?? {}) },
      });
    } else if (block.reasoningContent?.reasoningText) {
      const { text: thought, signature } = block.reasoningContent.reasoningText;
      reasoning += thought;
      thinkingBlocks.push(
        signature
          ? { type: 'thinking', thinking: thought, signature }
          : { type: 'thinking', thinking: thought },
      );
    } else if (typeof block.reasoningContent?.redactedContent === 'string') {
      thinkingBlocks.push({ type: 'redacted_thinking', data: block.reasoningContent.redactedContent });
    }
  }

  const message: ChatCompletion['choices'][number]['message'] = {
    role: 'assistant',
    content: content === '' && toolCalls.length > 0 ? null : content,
    refusal: null,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (reasoning) message.reasoning_content = reasoning;
  if (thinkingBlocks.length > 0) message.thinking_blocks = thinkingBlocks;

  return {
    id: completionId(call),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: call.model,
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason: finishReason(res.stopReason, answeredAsJson && toolCalls.length === 0),
      },
    ],
    usage: toUsage(res.usage),
  };
}
