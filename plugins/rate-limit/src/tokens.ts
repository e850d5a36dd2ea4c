/**
 * How many tokens a request may cost, estimated before the call so a tokens-per-minute limit can hold
 * them: the prompt at about four characters per token (the usual rule of thumb for English BPE
 * vocabularies; no tokenizer on the request path), plus the most it may generate. The reservation is
 * settled with the upstream's real usage afterwards, so the estimate only has to be cheap and not far off.
 */
import type { RequestContext } from '@switchyard/core';

const CHARS_PER_TOKEN = 4;
/** Role markers and separators each message costs on top of its text. */
const PER_MESSAGE = 4;
/** Images, audio and files are counted as a flat amount each (their real cost depends on the model). */
const PER_MEDIA_PART = 512;

function contentChars(content: unknown): { chars: number; media: number } {
  if (typeof content === 'string') return { chars: content.length, media: 0 };
  let chars = 0;
  let media = 0;
  if (Array.isArray(content)) {
    for (const part of content as Array<{ type?: string; text?: unknown }>) {
      if (typeof part?.text === 'string') chars += part.text.length;
      else media++;
    }
  }
  return { chars, media };
}

function promptTokens(body: RequestContext['body'], operation: RequestContext['operation']): number {
  let chars = 0;
  let extra = 0;
  if (operation === 'embeddings') {
    const input = (body as { input?: unknown }).input;
    const items = Array.isArray(input) ? input : [input];
    for (const item of items) {
      if (typeof item === 'string') chars += item.length;
      else if (typeof item === 'number') extra += 1;
      else if (Array.isArray(item)) extra += item.length; // already token ids
    }
    return Math.ceil(chars / CHARS_PER_TOKEN) + extra;
  }
  for (const m of body.messages ?? []) {
    const c = contentChars((m as { content?: unknown }).content);
    chars += c.chars;
    extra += PER_MESSAGE + c.media * PER_MEDIA_PART;
    const calls = (m as { tool_calls?: unknown }).tool_calls;
    if (calls) chars += JSON.stringify(calls).length;
  }
  const tools = (body as { tools?: unknown }).tools;
  if (tools) chars += JSON.stringify(tools).length;
  return Math.ceil(chars / CHARS_PER_TOKEN) + extra;
}

/** The most output the request allows: its own max tokens (times `n`), else `defaultMax`. */
function outputTokens(
  body: RequestContext['body'],
  operation: RequestContext['operation'],
  defaultMax: number,
): number {
  if (operation === 'embeddings') return 0;
  const b = body as { max_completion_tokens?: unknown; max_tokens?: unknown; n?: unknown };
  const max =
    typeof b.max_completion_tokens === 'number'
      ? b.max_completion_tokens
      : typeof b.max_tokens === 'number'
        ? b.max_tokens
        : defaultMax;
  const n = typeof b.n === 'number' && b.n > 1 ? Math.floor(b.n) : 1;
  return Math.max(0, Math.floor(max)) * n;
}

export function estimateTokens(
  ctx: Pick<RequestContext, 'body' | 'operation'>,
  defaultMaxTokens: number,
): number {
  return promptTokens(ctx.body, ctx.operation) + outputTokens(ctx.body, ctx.operation, defaultMaxTokens);
}
