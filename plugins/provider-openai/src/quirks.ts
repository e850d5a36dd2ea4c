/**
 * Vendor quirks of OpenAI-compatible servers, as small rewrites of the chat request body and of the
 * answers. A rewrite copies what it changes and returns its input when nothing applies: the client's
 * body is shared with other attempts and fallback targets.
 */
import type { UpstreamCall } from '@switchyard/core';
import type { ChatMessage } from '@switchyard/protocol';

export type Body = Record<string, unknown>;
export type BodyRewrite = (body: Body, call: UpstreamCall) => Body;

/** An answer rewrite and the JSON text that may need it (others are forwarded without parsing). */
export interface AnswerRewrite {
  when: RegExp;
  apply(answer: Body): Body;
}

type Choice = { finish_reason?: unknown; delta?: Body; message?: Body; [key: string]: unknown };

/** Rewrites messages one by one; the body is copied only when one of them changed. */
export function mapMessages(
  body: Body,
  rewrite: (message: ChatMessage, index: number, all: ChatMessage[]) => ChatMessage,
): Body {
  const messages = body.messages as ChatMessage[] | undefined;
  if (!Array.isArray(messages)) return body;
  let changed = false;
  const next = messages.map((m, i) => {
    const out = rewrite(m, i, messages);
    if (out !== m) changed = true;
    return out;
  });
  return changed ? { ...body, messages: next } : body;
}

function omit<T extends object>(value: T, ...keys: string[]): T {
  const copy = { ...value } as Record<string, unknown>;
  for (const key of keys) delete copy[key];
  return copy as T;
}

/** Most OpenAI-compatible servers (and model chat templates) know no `developer` role: it is a system prompt. */
export const developerAsSystem: BodyRewrite = (body) =>
  mapMessages(body, (m) => (m.role === 'developer' ? { ...m, role: 'system' } : m));

/** A field under the vendor's own name; an explicit value under the vendor's name wins. */
export function renameField(from: string, to: string): BodyRewrite {
  return (body) => {
    if (!(from in body)) return body;
    const out = omit(body, from);
    if (!(to in body)) out[to] = body[from];
    return out;
  };
}

/** OpenAI fields the vendor rejects and that can go without changing the answer's content. */
export function dropFields(...names: string[]): BodyRewrite {
  return (body) => (names.some((n) => n in body) ? omit(body, ...names) : body);
}

/** `messages[].name` (the participant name) rejected by the vendor. */
export const dropMessageNames: BodyRewrite = (body) =>
  mapMessages(body, (m) => ('name' in m ? omit(m, 'name') : m));

/** `response_format: json_object` for servers that only take `json_schema`: any JSON object. */
export const jsonObjectAsSchema: BodyRewrite = (body) => {
  const format = body.response_format as { type?: string } | undefined;
  if (format?.type !== 'json_object') return body;
  return {
    ...body,
    response_format: {
      type: 'json_schema',
      json_schema: { name: 'json_object', schema: { type: 'object' } },
    },
  };
};

/**
 * Reasoning text of earlier answers is not context: send it back only where the vendor needs it, on
 * assistant turns that called tools (DeepSeek thinking mode answers 400 when it is missing there).
 */
export const reasoningOnlyOnToolTurns: BodyRewrite = (body) =>
  mapMessages(body, (m) =>
    m.role === 'assistant' && 'reasoning_content' in m && !m.tool_calls?.length
      ? omit(m, 'reasoning_content')
      : m,
  );

function choicesOf(answer: Body): Choice[] {
  return Array.isArray(answer.choices) ? (answer.choices as Choice[]) : [];
}

/** Vendor finish reasons → OpenAI's (`eos` → `stop`, ...), in JSON answers and stream chunks. */
export function finishReasons(map: Record<string, string>): AnswerRewrite {
  return {
    when: new RegExp(`"finish_reason":\\s*"(${Object.keys(map).join('|')})"`),
    apply(answer) {
      for (const choice of choicesOf(answer)) {
        const mapped = typeof choice.finish_reason === 'string' ? map[choice.finish_reason] : undefined;
        if (mapped) choice.finish_reason = mapped;
      }
      return answer;
    },
  };
}

/**
 * Tool calls the OpenAI SDK can accumulate: every call carries `type`, and every stream delta an `index`
 * (vendors that send whole calls may leave them out; the SDK then drops or merges calls).
 */
export const completeToolCalls: AnswerRewrite = {
  when: /"tool_calls"\s*:\s*\[\s*\{/,
  apply(answer) {
    for (const choice of choicesOf(answer)) {
      const calls = (choice.delta ?? choice.message)?.tool_calls;
      if (!Array.isArray(calls)) continue;
      calls.forEach((call: Body, position: number) => {
        if (choice.delta && typeof call.index !== 'number') call.index = position;
        if (call.type === undefined && (choice.message || call.id !== undefined)) call.type = 'function';
      });
    }
    return answer;
  },
};
