/** The OpenAI conversation → Anthropic `system` + alternating `messages`. */
import { errors } from '@switchyard/core';
import { type ChatMessage, systemOnlyAsUserTurn, type ToolCall } from '@switchyard/protocol';
import { inputBlocks, textBlocks } from './content.js';
import { readThinkingBlocks, THINKING_BLOCKS_FIELD } from './thinking.js';
import type { ContentBlock, MessageParam, TextBlock, ToolResultBlock, ToolUseBlock } from './wire.js';

/**
 * `system` + `messages`. A request of system/developer messages only is sent as one user turn carrying
 * that text and no system (an empty `messages` list is a 400 upstream; see `systemOnlyAsUserTurn`).
 */
export function translateMessages(messages: readonly ChatMessage[]): {
  system: TextBlock[];
  messages: MessageParam[];
} {
  const turns = conversation(messages);
  const lifted = systemOnlyAsUserTurn({ system: systemBlocks(messages), turns }, (blocks) => ({
    role: 'user' as const,
    content: blocks,
  }));
  return { system: lifted.system, messages: lifted.turns };
}

/** Every system and developer message, wherever it sits, in order (Anthropic has one system prompt). */
function systemBlocks(messages: readonly ChatMessage[]): TextBlock[] {
  const out: TextBlock[] = [];
  messages.forEach((m, i) => {
    if (m.role === 'system' || m.role === 'developer')
      out.push(...textBlocks(m.content, `messages[${i}].content`));
  });
  return out;
}

/**
 * The turns. Tool messages become `tool_result` blocks of a user turn; consecutive turns of one role are
 * merged, so the results of parallel calls (and any user text after them) form ONE user turn.
 */
function conversation(messages: readonly ChatMessage[]): MessageParam[] {
  const out: MessageParam[] = [];
  const push = (role: MessageParam['role'], blocks: ContentBlock[]) => {
    if (blocks.length === 0) return;
    const last = out[out.length - 1];
    if (last?.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  };
  messages.forEach((m, i) => {
    const param = `messages[${i}]`;
    if (m.role === 'user') push('user', inputBlocks(m.content, `${param}.content`));
    else if (m.role === 'assistant') push('assistant', assistantBlocks(m, param));
    else if (m.role === 'tool') push('user', [toolResult(m, param)]);
    else if (m.role !== 'system' && m.role !== 'developer') {
      throw errors.invalid(`Role '${m.role}' is not supported by the anthropic provider.`, `${param}.role`);
    }
  });
  return out;
}

/** Signed thinking first (Anthropic requires it to lead the turn), then text, then tool calls. */
function assistantBlocks(m: ChatMessage, param: string): ContentBlock[] {
  const blocks: ContentBlock[] = readThinkingBlocks(m, `${param}.${THINKING_BLOCKS_FIELD}`);
  blocks.push(...textBlocks(m.content, `${param}.content`));
  m.tool_calls?.forEach((call, j) => {
    blocks.push(toolUse(call, `${param}.tool_calls[${j}]`));
  });
  return blocks;
}

function toolUse(call: ToolCall, param: string): ToolUseBlock {
  const name = call.function?.name;
  if (typeof call.id !== 'string' || typeof name !== 'string') {
    throw errors.invalid('A tool call needs an id and a function name.', param);
  }
  return {
    type: 'tool_use',
    id: toolId(call.id),
    name,
    input: parseArguments(call.function.arguments, param),
  };
}

function toolResult(m: ChatMessage, param: string): ToolResultBlock {
  if (typeof m.tool_call_id !== 'string') throw errors.invalid('A tool message needs tool_call_id.', param);
  const content = typeof m.content === 'string' ? m.content : inputBlocks(m.content, `${param}.content`);
  return { type: 'tool_result', tool_use_id: toolId(m.tool_call_id), content };
}

/** `arguments` is a JSON string in OpenAI, an object in Anthropic. */
function parseArguments(args: unknown, param: string): Record<string, unknown> {
  if (args === undefined || args === null || (typeof args === 'string' && args.trim() === '')) return {};
  let value: unknown = args;
  if (typeof args === 'string') {
    try {
      value = JSON.parse(args);
    } catch {
      throw errors.invalid('Tool call arguments are not valid JSON.', `${param}.function.arguments`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw errors.invalid('Tool call arguments must be a JSON object.', `${param}.function.arguments`);
  }
  return value as Record<string, unknown>;
}

/**
 * Anthropic accepts tool ids matching ^[a-zA-Z0-9_-]+$; ids minted by other providers may not. The same
 * mapping is applied to calls and results, so they still pair up.
 */
function toolId(id: string): string {
  return id.replace(/[^a-zA-Z0-9_-]/g, '_') || '_';
}
