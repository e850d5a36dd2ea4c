/**
 * The mock's answers, in OpenAI wire format (so the OpenAI adapter reads them like any upstream):
 * the last user message echoed back, as JSON or as a word-by-word SSE stream, with usage.
 */
import type { ChatRequest, EmbeddingsRequest } from '@switchyard/protocol';

const words = (text: string) => (text.match(/\S+/g) ?? []).length;

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p) =>
        p && typeof p === 'object' && (p as { type?: string }).type === 'text'
          ? (p as { text: string }).text
          : '',
      )
      .join(' ');
  }
  return '';
}

export function echoText(body: ChatRequest): string {
  for (let i = body.messages.length - 1; i >= 0; i--) {
    const m = body.messages[i]!;
    if (m.role === 'user') return textOf(m.content) || '(empty message)';
  }
  return '(no user message)';
}

export function usageOf(body: ChatRequest, answer: string) {
  const prompt = body.messages.reduce((n, m) => n + words(textOf(m.content)) + 1, 0);
  const completion = words(answer);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

export function chatCompletion(body: ChatRequest, id: string) {
  const content = echoText(body);
  return {
    id: `chatcmpl-${id}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null },
        finish_reason: 'stop',
        logprobs: null,
      },
    ],
    usage: usageOf(body, content),
  };
}

/** The SSE events of a streamed echo, one word per chunk, then finish, usage and [DONE]. */
export function chatChunks(body: ChatRequest, id: string): string[] {
  const content = echoText(body);
  const base = {
    id: `chatcmpl-${id}`,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: body.model,
  };
  const chunk = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] })}\n\n`;
  const out = [chunk({ role: 'assistant', content: '' })];
  const pieces = content.match(/\S+\s*/g) ?? [content];
  for (const piece of pieces) out.push(chunk({ content: piece }));
  out.push(chunk({}, 'stop'));
  const wantsUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage;
  if (wantsUsage)
    out.push(`data: ${JSON.stringify({ ...base, choices: [], usage: usageOf(body, content) })}\n\n`);
  out.push('data: [DONE]\n\n');
  return out;
}

/** Deterministic unit-length vectors, so the same input always embeds the same way. */
export function embeddings(body: EmbeddingsRequest, dimensions: number) {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const data = inputs.map((input, index) => {
    const text = typeof input === 'string' ? input : JSON.stringify(input);
    const vec = Array.from({ length: dimensions }, (_, i) => {
      let h = 2166136261 ^ i;
      for (let j = 0; j < text.length; j++) h = Math.imul(h ^ text.charCodeAt(j), 16777619);
      return ((h >>> 0) / 0xffffffff) * 2 - 1;
    });
    const norm = Math.hypot(...vec) || 1;
    return { object: 'embedding', index, embedding: vec.map((x) => x / norm) };
  });
  const tokens = inputs.reduce<number>((n, i) => n + (typeof i === 'string' ? words(i) : 1), 0);
  return { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}
