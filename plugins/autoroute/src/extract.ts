/**
 * One pass over a chat request: the text the scorer scans and the structural counts it weighs.
 * Nothing here interprets the text; features.ts does.
 */
import type { ChatRequest } from '@switchyard/protocol';

export interface RequestShape {
  /** Every user message's text (the material the caller brought), newline-joined, capped. */
  userText: string;
  /** The last user message's text (capped): what is being asked now. */
  lastUser: string;
  /**
   * The instruction in the last user message: without fenced blocks, and when it has several paragraphs,
   * its first paragraph plus (unless the first ends with a colon, announcing material) its last one.
   */
  instruction: string;
  /** Characters of the last user message, and up to the tokenizer's sample size of it. */
  askChars: number;
  askSample: string;
  /** Characters of every other message (system, earlier turns, tool results), and a sample of them. */
  contextChars: number;
  contextSample: string;
  messages: number;
  images: number;
  /** Assistant tool calls and tool results already in the conversation. */
  toolTurns: number;
  tools: number;
  /** tool_choice `required` or a named function. */
  toolForced: boolean;
  toolNone: boolean;
  responseFormat: 'text' | 'json_object' | 'json_schema';
  /** Properties declared by a json_schema response format (nested ones too), a measure of its size. */
  schemaProperties: number;
  reasoningEffort: string | undefined;
  /** max_completion_tokens, else max_tokens. */
  maxTokens: number | undefined;
}

export interface ExtractLimits {
  /** Characters of user text kept for pattern scans. */
  scanChars: number;
  /** Characters kept for the tokenizer sample. */
  sampleChars: number;
}

function partsText(content: unknown, onImage: () => void): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (!part || typeof part !== 'object') continue;
    const type = (part as { type?: unknown }).type;
    if (type === 'text' && typeof (part as { text?: unknown }).text === 'string') {
      text += text ? `\n${(part as { text: string }).text}` : (part as { text: string }).text;
    } else if (type === 'image_url') onImage();
  }
  return text;
}

/** Counts `properties` entries in a JSON schema, nested objects and array items included (bounded depth). */
function countProperties(schema: unknown, depth = 0): number {
  if (!schema || typeof schema !== 'object' || depth > 8) return 0;
  const s = schema as { properties?: Record<string, unknown>; items?: unknown };
  let n = 0;
  if (s.properties && typeof s.properties === 'object') {
    for (const child of Object.values(s.properties)) n += 1 + countProperties(child, depth + 1);
  }
  return n + countProperties(s.items, depth + 1);
}

const FENCED_BLOCK = /^[ \t]*```[^\n]*\n[\s\S]*?^[ \t]*```[ \t]*$/gm;
const PARAGRAPH_BREAK = /\n[ \t]*\n/;
/** Longest stretch of one paragraph taken into the instruction. */
const PARAGRAPH_CAP = 600;

function instructionOf(ask: string): string {
  const prose = ask.includes('```') ? ask.replace(FENCED_BLOCK, ' ') : ask;
  if (prose.length <= PARAGRAPH_CAP) return prose;
  const paragraphs = prose.trim().split(PARAGRAPH_BREAK);
  const first = paragraphs[0]!.slice(0, PARAGRAPH_CAP);
  if (paragraphs.length === 1) return `${first}\n${prose.slice(-PARAGRAPH_CAP)}`;
  if (first.trimEnd().endsWith(':')) return first;
  return `${first}\n${paragraphs[paragraphs.length - 1]!.slice(-PARAGRAPH_CAP)}`;
}

function lastUserIndex(messages: ChatRequest['messages']): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.role === 'user') return i;
  return -1;
}

export function extractShape(body: ChatRequest, limits: ExtractLimits): RequestShape {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const askIndex = lastUserIndex(messages);
  let userText = '';
  let lastUser = '';
  let askChars = 0;
  let contextChars = 0;
  let contextSample = '';
  let images = 0;
  let toolTurns = 0;
  const onImage = () => {
    images++;
  };
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    if (!message || typeof message !== 'object') continue;
    const text = partsText(message.content, onImage);
    if (message.role === 'tool' || (Array.isArray(message.tool_calls) && message.tool_calls.length > 0))
      toolTurns++;
    if (i === askIndex) {
      askChars = text.length;
      lastUser = text.length > limits.scanChars ? text.slice(0, limits.scanChars) : text;
    } else {
      contextChars += text.length;
      if (contextSample.length < limits.sampleChars) {
        contextSample += text.slice(0, limits.sampleChars - contextSample.length);
      }
    }
    if (message.role === 'user' && userText.length < limits.scanChars) {
      userText += (userText ? '\n' : '') + text.slice(0, limits.scanChars - userText.length);
    }
  }
  const choice = body.tool_choice;
  const format = body.response_format?.type;
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  return {
    userText,
    lastUser,
    instruction: instructionOf(lastUser),
    askChars,
    askSample: lastUser.length > limits.sampleChars ? lastUser.slice(0, limits.sampleChars) : lastUser,
    contextChars,
    contextSample,
    messages: messages.length,
    images,
    toolTurns,
    tools: Array.isArray(body.tools) ? body.tools.length : 0,
    toolForced: choice === 'required' || (typeof choice === 'object' && choice !== null),
    toolNone: choice === 'none',
    responseFormat: format === 'json_object' || format === 'json_schema' ? format : 'text',
    schemaProperties:
      body.response_format?.type === 'json_schema'
        ? countProperties(body.response_format.json_schema?.schema)
        : 0,
    reasoningEffort: typeof body.reasoning_effort === 'string' ? body.reasoning_effort : undefined,
    maxTokens: typeof maxTokens === 'number' ? maxTokens : undefined,
  };
}
