/**
 * Streams to stored answers and back. A streamed answer is assembled chunk by chunk into the
 * ChatCompletion a JSON client would have received (text fields of the deltas concatenated, tool calls
 * by index); a stored answer is replayed to a streaming client as chunks: per choice, one delta with the
 * whole message and one with the finish reason, then the usage chunk (the core drops it unless the client
 * asked for usage).
 */
import type { ChatChunk, ChatCompletion, ToolCall, Usage } from '@switchyard/protocol';

interface ChoiceParts {
  text: Record<string, string>;
  other: Record<string, unknown>;
  tools: Map<number, { id?: string; type: 'function'; name: string; args: string }>;
  finish: string | null;
  logprobs: unknown[] | undefined;
}

export class StreamAssembler {
  private head?: ChatChunk;
  private readonly choices = new Map<number, ChoiceParts>();

  add(chunk: ChatChunk): void {
    this.head ??= chunk;
    for (const c of chunk.choices) {
      let parts = this.choices.get(c.index);
      if (!parts) {
        parts = { text: {}, other: {}, tools: new Map(), finish: null, logprobs: undefined };
        this.choices.set(c.index, parts);
      }
      for (const [field, value] of Object.entries(c.delta ?? {})) {
        if (field === 'role' || field === 'tool_calls') continue;
        if (typeof value === 'string') parts.text[field] = (parts.text[field] ?? '') + value;
        else if (value !== null && value !== undefined) parts.other[field] = value;
      }
      for (const t of c.delta?.tool_calls ?? []) {
        const call = parts.tools.get(t.index) ?? { type: 'function' as const, name: '', args: '' };
        if (t.id) call.id = t.id;
        if (t.function?.name) call.name += t.function.name;
        if (t.function?.arguments) call.args += t.function.arguments;
        parts.tools.set(t.index, call);
      }
      const lp = (c.logprobs as { content?: unknown[] } | null | undefined)?.content;
      if (Array.isArray(lp)) {
        parts.logprobs ??= [];
        parts.logprobs.push(...lp);
      }
      if (c.finish_reason) parts.finish = c.finish_reason;
    }
  }

  /** The complete answer, or undefined when the stream did not finish every choice. */
  result(usage: Usage | undefined): ChatCompletion | undefined {
    const head = this.head;
    if (!head || this.choices.size === 0) return undefined;
    const choices: ChatCompletion['choices'] = [];
    for (const [index, p] of [...this.choices].sort((a, b) => a[0] - b[0])) {
      if (!p.finish) return undefined;
      const tool_calls: ToolCall[] = [...p.tools]
        .sort((a, b) => a[0] - b[0])
        .map(([, t]) => ({ id: t.id ?? '', type: t.type, function: { name: t.name, arguments: t.args } }));
      const { content, ...text } = p.text;
      choices.push({
        index,
        message: {
          ...p.other,
          ...text,
          role: 'assistant',
          content: content ?? null,
          ...(tool_calls.length ? { tool_calls } : {}),
        },
        logprobs: p.logprobs ? { content: p.logprobs } : null,
        finish_reason: p.finish,
      });
    }
    const { choices: _c, usage: _u, object: _o, ...rest } = head;
    return { ...rest, object: 'chat.completion', choices, ...(usage ? { usage } : {}) };
  }
}

export function* replayChunks(answer: ChatCompletion): Generator<ChatChunk> {
  const { choices, usage, object: _o, ...rest } = answer;
  const base = { ...rest, object: 'chat.completion.chunk' as const };
  for (const c of choices) {
    const { tool_calls, ...message } = c.message;
    const delta: ChatChunk['choices'][number]['delta'] = { ...message, role: 'assistant' };
    if (tool_calls?.length) {
      delta.tool_calls = tool_calls.map((t, index) => ({
        index,
        id: t.id,
        type: 'function',
        function: t.function,
      }));
    }
    yield {
      ...base,
      choices: [{ index: c.index, delta, logprobs: c.logprobs ?? null, finish_reason: null }],
    };
    yield {
      ...base,
      choices: [{ index: c.index, delta: {}, logprobs: null, finish_reason: c.finish_reason }],
    };
  }
  if (usage) yield { ...base, choices: [], usage };
}
