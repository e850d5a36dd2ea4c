/**
 * What `share_prompts` / `share_responses` add to a record. Capture keeps references only; turning them
 * into the shared form (and redacting them) happens when the batch is built, off the request path.
 */
import type { ChatChunk, ChatCompletion } from '@switchyard/protocol';

export interface SharedMessage {
  role: 'assistant';
  content: string | null;
  tool_calls?: Array<{ id?: string; type: 'function'; function: { name: string; arguments: string } }>;
}

export interface SharedChoice {
  index: number;
  message: SharedMessage;
  finish_reason: string | null;
}

/** The answer of a JSON reply, in the shared form (embeddings are not shared: vectors, not text). */
export function choicesOf(body: unknown): SharedChoice[] | undefined {
  const choices = (body as ChatCompletion | undefined)?.choices;
  if (!Array.isArray(choices)) return undefined;
  return choices.map((c) => {
    const message: SharedMessage = { role: 'assistant', content: c.message?.content ?? null };
    const calls = (c.message as { tool_calls?: SharedMessage['tool_calls'] } | undefined)?.tool_calls;
    if (calls?.length)
      message.tool_calls = calls.map(({ id, function: f }) => ({ id, type: 'function', function: f }));
    return { index: c.index, message, finish_reason: c.finish_reason ?? null };
  });
}

/** Rebuilds a streamed answer from its chunks: content and tool-call fragments joined per choice. */
export class StreamAssembly {
  private readonly choices = new Map<number, SharedChoice>();

  add(chunk: ChatChunk): void {
    for (const c of chunk.choices ?? []) {
      let choice = this.choices.get(c.index);
      if (!choice) {
        choice = { index: c.index, message: { role: 'assistant', content: null }, finish_reason: null };
        this.choices.set(c.index, choice);
      }
      const delta = c.delta ?? {};
      if (typeof delta.content === 'string')
        choice.message.content = (choice.message.content ?? '') + delta.content;
      for (const call of delta.tool_calls ?? []) {
        choice.message.tool_calls ??= [];
        const calls = choice.message.tool_calls;
        calls[call.index] ??= { type: 'function', function: { name: '', arguments: '' } };
        const slot = calls[call.index]!;
        if (call.id) slot.id = call.id;
        if (call.function?.name) slot.function.name += call.function.name;
        if (call.function?.arguments) slot.function.arguments += call.function.arguments;
      }
      if (c.finish_reason) choice.finish_reason = c.finish_reason;
    }
  }

  result(): SharedChoice[] {
    return [...this.choices.values()].sort((a, b) => a.index - b.index);
  }
}
