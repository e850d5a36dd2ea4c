/** OpenAI `tools` / `tool_choice` / `parallel_tool_calls` → Anthropic `tools` / `tool_choice`. */
import { errors } from '@switchyard/core';
import type { ChatRequest } from '@switchyard/protocol';
import type { MessagesRequest, ToolChoice } from './wire.js';

type Tools = Pick<MessagesRequest, 'tools' | 'tool_choice'>;

export function toolFields(body: ChatRequest): Tools {
  if (!body.tools || body.tools.length === 0) return {};
  const tools = body.tools.map((tool, i) => {
    if (tool.type !== 'function' || typeof tool.function?.name !== 'string') {
      throw errors.invalid('Only function tools are supported by the anthropic provider.', `tools[${i}]`);
    }
    const { name, description, parameters } = tool.function;
    // `strict` has no counterpart on Anthropic function tools and is dropped.
    return {
      name,
      ...(description ? { description } : {}),
      input_schema: parameters ?? { type: 'object', properties: {} },
    };
  });
  return { tools, tool_choice: toolChoice(body) };
}

function toolChoice(body: ChatRequest): ToolChoice {
  const choice = body.tool_choice ?? 'auto';
  let out: ToolChoice;
  if (choice === 'auto') out = { type: 'auto' };
  else if (choice === 'none') return { type: 'none' };
  else if (choice === 'required') out = { type: 'any' };
  else if (typeof choice === 'object' && choice.type === 'function') {
    const name = (choice as { function?: { name?: unknown } }).function?.name;
    if (typeof name !== 'string')
      throw errors.invalid('tool_choice.function.name is required.', 'tool_choice');
    out = { type: 'tool', name };
  } else {
    throw errors.invalid('This tool_choice is not supported by the anthropic provider.', 'tool_choice');
  }
  if (body.parallel_tool_calls === false) out.disable_parallel_tool_use = true;
  return out;
}
