/** OpenAI ChatRequest → Bedrock Converse request (wire/mapping.md §1). */
import { errors } from '@switchyard/core';
import {
  type ChatMessage,
  type ChatRequest,
  type ContentPart,
  systemOnlyAsUserTurn,
} from '@switchyard/protocol';
import type {
  ContentBlock,
  ConverseRequest,
  ImageFormat,
  Message,
  ToolChoice,
  ToolResultContent,
  ToolSpec,
} from './converse.js';
import { reasoningBlocks, thinkingFor } from './reasoning.js';

/** `POST {base path}/model/{urlencoded model id}/converse` (or `/converse-stream`): `:` and `/` are encoded. */
export function conversePath(basePath: string, model: string, stream: boolean): string {
  return `${basePath}/model/${encodeURIComponent(model)}/${stream ? 'converse-stream' : 'converse'}`;
}

/**
 * The tool that stands in for `response_format` (Converse has no JSON mode every model supports):
 * the model is made to call it, and its input is returned as the message content.
 */
export function jsonModeTool(body: ChatRequest): ToolSpec | undefined {
  const format = body.response_format;
  if (format?.type === 'json_schema') {
    const { name, description, schema } = format.json_schema;
    return {
      name,
      description: description ?? 'Give the answer as this tool input.',
      inputSchema: { json: schema ?? { type: 'object' } },
    };
  }
  if (format?.type === 'json_object') {
    return {
      name: 'json_response',
      description: 'Give the answer as a JSON object in this tool input.',
      inputSchema: { json: { type: 'object' } },
    };
  }
  return undefined;
}

export function toConverseRequest(body: ChatRequest, model: string): ConverseRequest {
  if (typeof body.n === 'number' && body.n > 1)
    throw errors.invalid('Bedrock returns one choice: n must be 1.', 'n');
  const { system, messages } = translateMessages(body.messages);
  const out: ConverseRequest = { messages };
  if (system.length > 0) out.system = system;

  const inference = inferenceConfig(body);
  const extra: Record<string, unknown> = {};
  const thinking = thinkingFor(body, model, inference.maxTokens);
  if (thinking) {
    extra.thinking = thinking.thinking;
    if (thinking.maxTokens !== undefined) inference.maxTokens = thinking.maxTokens;
  }
  if (typeof body.top_k === 'number') extra.top_k = body.top_k;
  if (Object.keys(inference).length > 0) out.inferenceConfig = inference;
  if (Object.keys(extra).length > 0) out.additionalModelRequestFields = extra;

  const toolConfig = buildToolConfig(body, thinking !== undefined);
  if (toolConfig) out.toolConfig = toolConfig;
  return out;
}

function inferenceConfig(body: ChatRequest): NonNullable<ConverseRequest['inferenceConfig']> {
  const config: NonNullable<ConverseRequest['inferenceConfig']> = {};
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (typeof maxTokens === 'number') config.maxTokens = maxTokens;
  if (typeof body.temperature === 'number') config.temperature = body.temperature;
  if (typeof body.top_p === 'number') config.topP = body.top_p;
  const stop = typeof body.stop === 'string' ? [body.stop] : body.stop;
  if (Array.isArray(stop) && stop.length > 0) config.stopSequences = stop;
  return config;
}

// ───────────────────────────── tools ─────────────────────────────

function buildToolConfig(body: ChatRequest, thinking: boolean): ConverseRequest['toolConfig'] {
  const choice = body.tool_choice;
  // Converse has no "none": leave the tools out, unless the history holds tool blocks (Bedrock then
  // requires toolConfig, and the model may still call a tool).
  const offerTools = choice !== 'none' || hasToolHistory(body.messages);
  const specs = offerTools ? clientTools(body) : [];
  const json = jsonModeTool(body);
  if (json) specs.push(json);
  if (specs.length === 0) return undefined;

  let toolChoice: ToolChoice | undefined;
  if (choice === 'none') toolChoice = undefined;
  else if (choice === undefined || choice === 'auto') toolChoice = { auto: {} };
  else if (choice === 'required') toolChoice = { any: {} };
  else if (choice.type === 'function' && typeof (choice as any).function?.name === 'string')
    toolChoice = { tool: { name: (choice as any).function.name } };
  else
    throw errors.invalid(`tool_choice of type '${choice.type}' is not supported by Bedrock.`, 'tool_choice');

  if (json && !thinking && !('tool' in (toolChoice ?? {}))) {
    // Force the JSON tool when it is the only one; with client tools, any tool call (theirs or the JSON one).
    toolChoice = specs.length === 1 ? { tool: { name: json.name } } : { any: {} };
  }
  const tools = specs.map((toolSpec) => ({ toolSpec }));
  return toolChoice ? { tools, toolChoice } : { tools };
}

function clientTools(body: ChatRequest): ToolSpec[] {
  return (body.tools ?? []).map((tool, j) => {
    const fn = (tool as any).function;
    if (tool.type !== 'function' || typeof fn?.name !== 'string') {
      throw errors.invalid('The bedrock provider supports function tools only.', `tools[${j}]`);
    }
    const spec: ToolSpec = {
      name: fn.name,
      inputSchema: { json: fn.parameters ?? { type: 'object', properties: {} } },
    };
    if (fn.description) spec.description = fn.description;
    return spec;
  });
}

function hasToolHistory(messages: ChatMessage[]): boolean {
  return messages.some(
    (m) => m.role === 'tool' || (m.role === 'assistant' && (m.tool_calls?.length ?? 0) > 0),
  );
}

// ───────────────────────────── messages ─────────────────────────────

function translateMessages(messages: ChatMessage[]): {
  system: Array<{ text: string }>;
  messages: Message[];
} {
  if (!Array.isArray(messages)) throw errors.invalid('messages must be an array.', 'messages');
  const system: Array<{ text: string }> = [];
  const out: Message[] = [];
  // Bedrock rejects two turns of the same role in a row: blocks of consecutive same-role messages are
  // merged, which also puts all tool results of one assistant turn into one user turn.
  const push = (role: Message['role'], blocks: ContentBlock[]) => {
    if (blocks.length === 0) return;
    const last = out.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  };
  messages.forEach((m, i) => {
    switch (m.role) {
      case 'system':
      case 'developer':
        for (const text of texts(m.content, `messages[${i}].content`)) system.push({ text });
        break;
      case 'user':
        push('user', userBlocks(m.content, `messages[${i}].content`));
        break;
      case 'assistant':
        push('assistant', assistantBlocks(m, i));
        break;
      case 'tool':
        push('user', [toolResultBlock(m, i)]);
        break;
      default:
        throw errors.invalid(
          `Messages with role '${m.role}' are not supported by Bedrock.`,
          `messages[${i}].role`,
        );
    }
  });
  // Bedrock refuses an empty `messages` list: system-only text becomes the one user turn.
  const lifted = systemOnlyAsUserTurn({ system, turns: out }, (blocks) => ({
    role: 'user' as const,
    content: blocks,
  }));
  return { system: lifted.system, messages: lifted.turns };
}

/** The non-empty texts of a text-only content (system prompts, assistant turns). */
function texts(content: ChatMessage['content'], param: string): string[] {
  if (content == null) return [];
  if (typeof content === 'string') return content ? [content] : [];
  return content.flatMap((part, j) => {
    if (part.type === 'text' || part.type === 'refusal') {
      const text = (part as any).text ?? (part as any).refusal;
      return typeof text === 'string' && text ? [text] : [];
    }
    throw errors.invalid(`Content part type '${part.type}' is not allowed here.`, `${param}[${j}].type`);
  });
}

/** Text and images; Bedrock rejects empty text blocks, so they are dropped. */
function userBlocks(content: ChatMessage['content'], param: string): ContentBlock[] {
  if (content == null) return [];
  if (typeof content === 'string') return content ? [{ text: content }] : [];
  return content.flatMap((part: ContentPart, j): ContentBlock[] => {
    if (part.type === 'text') {
      const text = (part as any).text;
      return typeof text === 'string' && text ? [{ text }] : [];
    }
    if (part.type === 'image_url')
      return [imageBlock((part as any).image_url?.url, `${param}[${j}].image_url.url`)];
    throw errors.invalid(
      `Content part type '${part.type}' is not supported by Bedrock.`,
      `${param}[${j}].type`,
    );
  });
}

const IMAGE_FORMATS: Record<string, ImageFormat> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/** Only inline `data:` URLs: the gateway never fetches a URL a client supplies. */
function imageBlock(url: unknown, param: string): ContentBlock {
  if (typeof url !== 'string' || !url.startsWith('data:')) {
    throw errors.invalid(
      'Bedrock needs images inline as base64 data URLs (data:image/png;base64,...); the gateway does not fetch image URLs.',
      param,
    );
  }
  const comma = url.indexOf(',');
  const meta = url.slice(5, comma === -1 ? undefined : comma).split(';');
  const format = IMAGE_FORMATS[meta[0]!.toLowerCase()];
  if (comma === -1 || !meta.includes('base64'))
    throw errors.invalid('Image data URLs must be base64.', param);
  if (!format)
    throw errors.invalid(
      `Image type '${meta[0]}' is not supported by Bedrock (png, jpeg, gif, webp).`,
      param,
    );
  return { image: { format, source: { bytes: url.slice(comma + 1) } } };
}

function assistantBlocks(m: ChatMessage, i: number): ContentBlock[] {
  const blocks: ContentBlock[] = reasoningBlocks(m.thinking_blocks, `messages[${i}].thinking_blocks`);
  for (const text of texts(m.content, `messages[${i}].content`)) blocks.push({ text });
  (m.tool_calls ?? []).forEach((call, j) => {
    const param = `messages[${i}].tool_calls[${j}]`;
    if (typeof call.id !== 'string' || typeof call.function?.name !== 'string') {
      throw errors.invalid('A tool call needs an id and a function name.', param);
    }
    blocks.push({
      toolUse: {
        toolUseId: call.id,
        name: call.function.name,
        input: parseArguments(call.function.arguments, param),
      },
    });
  });
  return blocks;
}

function parseArguments(args: unknown, param: string): unknown {
  if (args === undefined || args === '') return {};
  if (typeof args !== 'string')
    throw errors.invalid('Tool call arguments must be a JSON string.', `${param}.function.arguments`);
  try {
    return JSON.parse(args);
  } catch {
    throw errors.invalid('Tool call arguments are not valid JSON.', `${param}.function.arguments`);
  }
}

function toolResultBlock(m: ChatMessage, i: number): ContentBlock {
  if (typeof m.tool_call_id !== 'string')
    throw errors.invalid('A tool message needs tool_call_id.', `messages[${i}].tool_call_id`);
  const content = userBlocks(m.content, `messages[${i}].content`) as ToolResultContent[];
  return { toolResult: { toolUseId: m.tool_call_id, content } };
}
