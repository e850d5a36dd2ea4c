import { DONE, type StreamItem, UpstreamError } from '@switchyard/core';
import type { ChatChunk } from '@switchyard/protocol';
import { describe, expect, it } from 'vitest';
import { createStreamTranslator } from './stream.js';
import { chatCall, expectedChunks, meaning, wireEvents } from './test-helpers.js';

const call = chatCall({ model: 'gemini-2.5-flash', messages: [], stream: true });

function translate(fixture: string): ChatChunk[] {
  const t = createStreamTranslator(call);
  const items: StreamItem[] = [];
  for (const ev of wireEvents(fixture)) {
    const out = t.event(ev);
    if (out === DONE) throw new Error('Gemini streams have no terminator');
    items.push(...out);
  }
  items.push(...t.end());
  return items.map((i) => (typeof i === 'string' ? JSON.parse(i) : i));
}

const data = (obj: unknown) => ({ data: JSON.stringify(obj) });

describe('stream translator against wire/expected', () => {
  it('matches openai_chat_stream_from_gemini_text.sse (from gemini_stream.sse)', () => {
    expect(meaning(translate('gemini_stream.sse'))).toEqual(
      meaning(expectedChunks('expected/openai_chat_stream_from_gemini_text.sse')),
    );
  });

  it('matches openai_chat_stream_from_gemini_tools.sse (from gemini_stream_thoughts.sse)', () => {
    expect(meaning(translate('gemini_stream_thoughts.sse'))).toEqual(
      meaning(expectedChunks('expected/openai_chat_stream_from_gemini_tools.sse')),
    );
  });

  it('gives the tools-only stream the same chunks', () => {
    expect(meaning(translate('gemini_stream_tools.sse'))).toEqual(
      meaning(expectedChunks('expected/openai_chat_stream_from_gemini_tools.sse')),
    );
  });
});

describe('stream translator', () => {
  it('shares one id, created and model across chunks, with stable distinct tool-call ids', () => {
    const chunks = translate('gemini_stream_thoughts.sse');
    expect(new Set(chunks.map((c) => `${c.id}|${c.created}|${c.model}`)).size).toBe(1);
    expect(chunks[0]!.id).toBe('chatcmpl-req-test-1');
    const calls = chunks.flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? []));
    expect(calls.map((c) => c.index)).toEqual([0, 1]);
    expect(new Set(calls.map((c) => c.id)).size).toBe(2);
    expect(
      translate('gemini_stream_thoughts.sse').flatMap((c) =>
        c.choices.flatMap((ch) => ch.delta.tool_calls ?? []),
      ),
    ).toEqual(calls);
  });

  it('streams thoughts as reasoning_content', () => {
    const reasoning = translate('gemini_stream_thoughts.sse').flatMap((c) =>
      c.choices.map((ch) => ch.delta.reasoning_content).filter(Boolean),
    );
    expect(reasoning).toEqual([expect.stringContaining('**Checking the forecast**')]);
  });

  it('reports the last (cumulative) usage once, in a choices:[] chunk at the end', () => {
    const chunks = translate('gemini_stream.sse');
    expect(chunks.filter((c) => c.usage)).toHaveLength(1);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 171, completion_tokens: 27, total_tokens: 198 },
    });
  });

  it('throws a classified UpstreamError for an error chunk', () => {
    const t = createStreamTranslator(call);
    t.event(data({ candidates: [{ content: { parts: [{ text: 'Hi' }] } }] }));
    const ev = data({ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } });
    expect(() => t.event(ev)).toThrow(UpstreamError);
    expect(() => t.event(ev)).toThrow(
      expect.objectContaining({ status: 503, retryable: true, message: 'The model is overloaded.' }),
    );
  });

  it('throws a 400 content_filter error for a blocked prompt', () => {
    const t = createStreamTranslator(call);
    const ev = data({ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 3 } });
    expect(() => t.event(ev)).toThrow(expect.objectContaining({ status: 400, code: 'content_filter' }));
  });

  it('refuses to end quietly when the answer was cut before a finish reason', () => {
    const t = createStreamTranslator(call);
    t.event(data({ candidates: [{ content: { parts: [{ text: 'Hi' }] } }] }));
    expect(() => t.end()).toThrow(expect.objectContaining({ status: 502, retryable: true }));
    expect(() => createStreamTranslator(call).end()).toThrow(UpstreamError);
  });

  it('keeps candidates apart (n > 1) and counts tool calls per candidate', () => {
    const t = createStreamTranslator(call);
    const out = t.event(
      data({
        candidates: [
          { index: 0, content: { parts: [{ functionCall: { name: 'f', args: {} } }] }, finishReason: 'STOP' },
          { index: 1, content: { parts: [{ text: 'no tools' }] }, finishReason: 'MAX_TOKENS' },
        ],
      }),
    ) as ChatChunk[];
    const summary = out.map((c) => [
      c.choices[0]!.index,
      Object.keys(c.choices[0]!.delta).join(','),
      c.choices[0]!.finish_reason,
    ]);
    expect(summary).toEqual([
      [0, 'role,content', null],
      [0, 'tool_calls', null],
      [0, '', 'tool_calls'],
      [1, 'role,content', null],
      [1, 'content', null],
      [1, '', 'length'],
    ]);
    expect(t.end()).toEqual([]);
  });
});
