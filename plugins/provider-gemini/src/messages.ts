/**
 * OpenAI `messages` → Gemini `systemInstruction` + `contents`.
 * System and developer messages (wherever they sit) become the system instruction; assistant turns become
 * `model` turns with their function calls (and the thoughtSignature carried in the call id); tool results
 * become `functionResponse` parts in a `user` turn, named after the call they answer. A request of system
 * messages only is sent as one `user` turn carrying that text (see `systemOnlyAsUserTurn`).
 */
import { errors } from '@switchyard/core';
import { type ChatMessage, type ContentPart, systemOnlyAsUserTurn } from '@switchyard/protocol';
import type { GeminiContent, GeminiPart, GeminiRequest } from './gemini-types.js';
import { audioPart, filePart, urlPart } from './media.js';
import { signatureFromId } from './tool-ids.js';

type Translated = Pick<GeminiRequest, 'contents' | 'systemInstruction'>;

export function translateMessages(messages: readonly ChatMessage[]): Translated {
  const system: Array<{ text: string }> = [];
  const contents: GeminiContent[] = [];
  // tool_call_id → function name, filled from the assistant turns as they are read.
  const names = new Map<string, string>();

  for (const [i, m] of messages.entries()) {
    const param = `messages[${i}]`;
    if (m.role === 'system' || m.role === 'developer') {
      for (const text of texts(m.content, param)) system.push({ text });
      continue;
    }
    const [role, parts] = turn(m, param, names);
    push(contents, role, parts);
  }

  // Gemini refuses empty `contents`: system-only text becomes the one user turn.
  const lifted = systemOnlyAsUserTurn({ system, turns: contents }, (parts) => ({
    role: 'user' as const,
    parts,
  }));
  const out: Translated = { contents: lifted.turns };
  if (lifted.system.length > 0) out.systemInstruction = { parts: lifted.system };
  return out;
}

function turn(
  m: ChatMessage,
  param: string,
  names: Map<string, string>,
): [GeminiContent['role'], GeminiPart[]] {
  switch (m.role) {
    case 'user':
      return ['user', userParts(m.content, param)];
    case 'assistant':
      return ['model', assistantParts(m, param, names)];
    case 'tool':
      return ['user', [toolResultPart(m, param, names)]];
    case 'function':
      return ['user', [functionResponse(requiredName(m.name, param), m.content, param)]];
    default:
      throw errors.invalid(`Unsupported message role '${String(m.role)}'.`, `${param}.role`);
  }
}

/** Consecutive turns of one role are merged: parallel tool results must share one `user` turn. */
function push(contents: GeminiContent[], role: GeminiContent['role'], parts: GeminiPart[]): void {
  if (parts.length === 0) return;
  const last = contents[contents.length - 1];
  if (last?.role === role) last.parts.push(...parts);
  else contents.push({ role, parts });
}

function texts(content: ChatMessage['content'], param: string): string[] {
  if (content == null) return [];
  if (typeof content === 'string') return content === '' ? [] : [content];
  return content.map((p, j) => {
    if (p.type === 'text' && typeof p.text === 'string') return p.text;
    if (p.type === 'refusal' && typeof p.refusal === 'string') return p.refusal;
    throw errors.invalid(`Only text parts are allowed here, got '${p.type}'.`, `${param}.content[${j}]`);
  });
}

function userParts(content: ChatMessage['content'], param: string): GeminiPart[] {
  if (content == null) return [];
  if (typeof content === 'string') return [{ text: content }];
  return content.map((p, j) => contentPart(p, `${param}.content[${j}]`));
}

function contentPart(p: ContentPart, param: string): GeminiPart {
  const part = p as ContentPart & Record<string, any>;
  switch (part.type) {
    case 'text':
      return { text: String(part.text ?? '') };
    case 'image_url': {
      const url = typeof part.image_url === 'string' ? part.image_url : part.image_url?.url;
      if (typeof url !== 'string') throw errors.invalid('image_url needs a url.', param);
      return urlPart(url, param);
    }
    case 'input_audio':
      return audioPart(part.input_audio, param);
    case 'file':
      return filePart(part.file, param);
    default:
      throw errors.invalid(`Content part type '${part.type}' is not supported by Gemini.`, param);
  }
}

function assistantParts(m: ChatMessage, param: string, names: Map<string, string>): GeminiPart[] {
  const parts: GeminiPart[] = texts(m.content, param).map((text) => ({ text }));
  m.tool_calls?.forEach((call, j) => {
    const callParam = `${param}.tool_calls[${j}]`;
    names.set(call.id, call.function.name);
    const part: GeminiPart = { functionCall: { name: call.function.name, args: parseArgs(call, callParam) } };
    const signature = signatureFromId(call.id);
    if (signature) part.thoughtSignature = signature;
    parts.push(part);
  });
  return parts;
}

function parseArgs(call: { function: { arguments: string } }, param: string): Record<string, unknown> {
  const raw = call.function.arguments;
  if (raw === undefined || raw.trim() === '') return {};
  let args: unknown;
  try {
    args = JSON.parse(raw);
  } catch {
    throw errors.invalid('Tool call arguments must be a JSON object.', `${param}.function.arguments`);
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw errors.invalid('Tool call arguments must be a JSON object.', `${param}.function.arguments`);
  }
  return args as Record<string, unknown>;
}

function toolResultPart(m: ChatMessage, param: string, names: Map<string, string>): GeminiPart {
  const id = m.tool_call_id;
  // Gemini matches results by function name; an OpenAI tool message only has the call id.
  const name = (id !== undefined ? names.get(id) : undefined) ?? m.name;
  if (name === undefined) {
    throw errors.invalid(
      `Tool message refers to tool_call_id '${id}', which no earlier assistant message contains.`,
      `${param}.tool_call_id`,
    );
  }
  return functionResponse(name, m.content, param);
}

/** Gemini wants an object as the response: a JSON object is sent as it is, anything else as `{result}`. */
function functionResponse(name: string, content: ChatMessage['content'], param: string): GeminiPart {
  const text = texts(content, param).join('');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const response =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : { result: text };
  return { functionResponse: { name, response } };
}

function requiredName(name: unknown, param: string): string {
  if (typeof name !== 'string' || name === '') throw errors.invalid('Function messages need a name.', param);
  return name;
}
