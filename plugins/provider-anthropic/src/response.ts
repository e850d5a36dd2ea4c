/** A complete Messages answer → an OpenAI `chat.completion`. */
import { UpstreamError } from '@switchyard/core';
import type { ChatCompletion, ToolCall } from '@switchyard/protocol';
import { REASONING_FIELD, THINKING_BLOCKS_FIELD } from './thinking.js';
import { finishReason, toUsage } from './usage.js';
import type { MessagesResponse, SignedThinking } from './wire.js';

export function parseMessagesResponse(text: string, requestId: string): ChatCompletion {
  let msg: MessagesResponse;
  try {
    msg = JSON.parse(text);
  } catch {
    throw new UpstreamError(502, 'upstream_error', 'Anthropic answered 2xx with a body that is not JSON.', {
      code: 'bad_response',
      retryable: true,
    });
  }
  return toChatCompletion(msg, requestId);
}

export function toChatCompletion(msg: MessagesResponse, requestId: string): ChatCompletion {
  let text: string | null = null;
  let reasoning: string | null = null;
  const toolCalls: ToolCall[] = [];
  const thinking: SignedThinking[] = [];
  for (const block of msg.content ?? []) {
    if (block.type === 'text') text = (text ?? '') + block.text;
    else if (block.type === 'tool_use') {
      toolCalls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      });
    } else if (block.type === 'thinking') {
      reasoning = (reasoning ?? '') + block.thinking;
      thinking.push({ type: 'thinking', thinking: block.thinking, signature: block.signature });
    } else if (block.type === 'redacted_thinking') {
      thinking.push({ type: 'redacted_thinking', data: block.data });
    }
    // Server-tool blocks (web search, code execution) have no Chat Completions counterpart.
  }
  const message: ChatCompletion['choices'][number]['message'] = {
    role: 'assistant',
    content: text,
    refusal: null,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (reasoning !== null) message[REASONING_FIELD] = reasoning;
  if (thinking.length > 0) message[THINKING_BLOCKS_FIELD] = thinking;
  return {
    id: `chatcmpl-${msg.id ?? requestId}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: msg.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(msg.stop_reason) }],
    usage: toUsage(msg.usage),
  };
}
