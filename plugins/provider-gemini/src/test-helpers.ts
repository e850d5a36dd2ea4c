/** Test-only helpers: read the shared wire fixtures and make translations comparable in meaning. */
import { readFileSync } from 'node:fs';
import type { UpstreamCall } from '@switchyard/core';
import { type ChatChunk, type ChatRequest, SseParser } from '@switchyard/protocol';

const WIRE = new URL('../../../packages/testing/wire/', import.meta.url);

export const wireText = (name: string): string => readFileSync(new URL(name, WIRE), 'utf8');
export const wireJson = <T = any>(name: string): T => JSON.parse(wireText(name));

/** Every SSE event of a fixture, parsed by the real parser (the Gemini ones use CRLF). */
export function wireEvents(name: string) {
  const parser = new SseParser();
  return [...parser.push(wireText(name)), ...parser.end()];
}

/** The chunk objects of an expected OpenAI stream fixture (without `[DONE]`). */
export function expectedChunks(name: string): ChatChunk[] {
  return wireEvents(name)
    .filter((e) => e.data !== '[DONE]')
    .map((e) => JSON.parse(e.data));
}

export function chatCall(body: ChatRequest, overrides: Partial<UpstreamCall> = {}): UpstreamCall {
  return {
    operation: 'chat',
    body: body as UpstreamCall['body'],
    model: body.model,
    stream: body.stream === true,
    includeUsage: true,
    requestId: 'req-test-1',
    ...overrides,
  };
}

/**
 * A chunk reduced to what it means: no id / created / null usage / null logprobs, tool-call ids replaced
 * by a marker (they are synthetic), reasoning deltas dropped (wire.md allows dropping them).
 */
export function meaning(chunks: ChatChunk[]): unknown[] {
  return chunks
    .map((c) => ({
      model: c.model,
      choices: c.choices.map((ch) => {
        const { reasoning_content: _r, ...delta } = ch.delta;
        const tool_calls = delta.tool_calls?.map((t) => ({
          ...t,
          id: t.id === undefined ? undefined : '<id>',
        }));
        return {
          index: ch.index,
          finish_reason: ch.finish_reason,
          delta: tool_calls ? { ...delta, tool_calls } : delta,
        };
      }),
      ...(c.usage ? { usage: c.usage } : {}),
    }))
    .filter(
      (c) =>
        c.choices.length === 0 ||
        c.choices.some((ch) => Object.keys(ch.delta).length > 0 || ch.finish_reason),
    );
}
