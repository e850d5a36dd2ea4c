import { type StreamItem, UpstreamError, type UpstreamEvent } from '@switchyard/core';
import { type ChatChunk, parseSse } from '@switchyard/protocol';
import { describe, expect, it } from 'vitest';
import { decodeEventStream } from './eventstream.js';
import { ConverseStreamTranslator } from './stream.js';
import { MODEL, makeCall, readWire, readWireBytes } from './test-fixtures.js';

async function* once(bytes: Uint8Array) {
  yield bytes;
}

/** Runs a whole stream the way the core does: every event through the translator, then end(). */
async function translateBin(name: string, body: Record<string, unknown> = {}): Promise<ChatChunk[]> {
  const translator = new ConverseStreamTranslator(makeCall({ ...body, stream: true }));
  const out: StreamItem[] = [];
  for await (const ev of decodeEventStream(once(readWireBytes(name))))
    out.push(...(translator.event(ev) as StreamItem[]));
  out.push(...translator.end());
  return out as ChatChunk[];
}

/** Events as the decoder yields them, from `[type, payload]` pairs. */
function events(...list: Array<[string, unknown]>): UpstreamEvent[] {
  return list.map(([event, payload]) => ({
    event,
    data: JSON.stringify(payload),
    headers: { ':event-type': event, ':message-type': 'event', ':content-type': 'application/json' },
  }));
}

function run(list: UpstreamEvent[], body: Record<string, unknown> = {}): ChatChunk[] {
  const translator = new ConverseStreamTranslator(makeCall({ ...body, stream: true }));
  const out = list.flatMap((ev) => translator.event(ev) as StreamItem[]);
  return [...out, ...translator.end()] as ChatChunk[];
}

/** Chunks compared in meaning: no synthetic id / created, no `usage: null` placeholders. */
function normalize(chunk: any) {
  const { id: _id, created: _created, usage, ...rest } = chunk;
  return usage == null ? rest : { ...rest, usage };
}

describe('ConverseStreamTranslator on wire/bedrock_converse_stream.bin', () => {
  it('matches expected/openai_chat_stream_from_bedrock_tools.sse in meaning', async () => {
    const expected: unknown[] = [];
    for await (const ev of parseSse(
      once(new TextEncoder().encode(readWire('expected/openai_chat_stream_from_bedrock_tools.sse'))),
    )) {
      if (ev.data !== '[DONE]') expected.push(normalize(JSON.parse(ev.data)));
    }
    const chunks = await translateBin('bedrock_converse_stream.bin');
    // Bedrock reports no reasoning token count, so none is claimed.
    const last = expected.at(-1) as any;
    delete last.usage.completion_tokens_details;
    expect(chunks.map(normalize)).toEqual(expected);
  });

  it('gives every chunk one id, created and model', async () => {
    const chunks = await translateBin('bedrock_converse_stream.bin');
    expect(new Set(chunks.map((c) => `${c.id}|${c.created}|${c.model}`)).size).toBe(1);
    expect(chunks[0]!.id).toBe('chatcmpl-req_test1');
    expect(chunks[0]!.model).toBe(MODEL);
  });

  it('reassembles each tool call exactly, with the toolUseId as id and only the first delta naming it', async () => {
    const chunks = await translateBin('bedrock_converse_stream.bin');
    const calls: Record<number, { id?: string; name?: string; arguments: string; heads: number }> = {};
    for (const c of chunks) {
      for (const d of c.choices[0]?.delta.tool_calls ?? []) {
        calls[d.index] ??= { arguments: '', heads: 0 };
        const call = calls[d.index]!;
        if (d.id) {
          call.id = d.id;
          call.name = d.function?.name;
          call.heads++;
        }
        call.arguments += d.function?.arguments ?? '';
      }
    }
    expect(calls).toEqual({
      0: {
        id: 'tooluse_3PiNfhF3kbnKB8ycZeasUX',
        name: 'get_weather',
        arguments: '{"location":"Paris, France","unit":"celsius"}',
        heads: 1,
      },
      1: {
        id: 'tooluse_mYlnecmYqzlowB5R9C1DKm',
        name: 'get_weather',
        arguments: '{"location":"Tokyo, Japan","unit":"celsius"}',
        heads: 1,
      },
    });
  });

  it('throws a retryable 429 for the throttlingException frame (bedrock_converse_stream_exception.bin)', async () => {
    const err = await translateBin('bedrock_converse_stream_exception.bin').catch((e) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ status: 429, type: 'rate_limit_error', retryable: true });
    expect(err.message).toMatch(/Too many tokens/);
  });
});

describe('ConverseStreamTranslator on scripted events', () => {
  it('starts with the role chunk even without messageStart, and ends with finish then usage', () => {
    const chunks = run(
      events(
        ['contentBlockDelta', { delta: { text: 'Hi' }, contentBlockIndex: 0 }],
        ['contentBlockStop', { contentBlockIndex: 0 }],
        ['someFutureEvent', { x: 1 }],
        ['messageStop', { stopReason: 'max_tokens' }],
        [
          'metadata',
          { usage: { inputTokens: 5, outputTokens: 2, cacheReadInputTokens: 3, cacheWriteInputTokens: 4 } },
        ],
      ),
    );
    expect(chunks.map((c) => c.choices[0]?.delta ?? 'usage')).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Hi' },
      {},
      'usage',
    ]);
    expect(chunks[2]!.choices[0]!.finish_reason).toBe('length');
    expect(chunks[3]!.choices).toEqual([]);
    expect(chunks[3]!.usage).toEqual({
      prompt_tokens: 12,
      completion_tokens: 2,
      total_tokens: 14,
      prompt_tokens_details: { cached_tokens: 3, cache_creation_tokens: 4 },
    });
  });

  it('streams reasoning as reasoning_content and the signed block as thinking_blocks before the finish chunk', () => {
    const chunks = run(
      events(
        ['messageStart', { role: 'assistant' }],
        ['contentBlockDelta', { delta: { reasoningContent: { text: 'Let me ' } }, contentBlockIndex: 0 }],
        ['contentBlockDelta', { delta: { reasoningContent: { text: 'think.' } }, contentBlockIndex: 0 }],
        ['contentBlockDelta', { delta: { reasoningContent: { signature: 'sig-9' } }, contentBlockIndex: 0 }],
        ['contentBlockStop', { contentBlockIndex: 0 }],
        ['contentBlockDelta', { delta: { text: 'Yes.' }, contentBlockIndex: 1 }],
        ['messageStop', { stopReason: 'end_turn' }],
      ),
    );
    const deltas = chunks.map((c) => c.choices[0]?.delta);
    expect(deltas.map((d) => d?.reasoning_content ?? '').join('')).toBe('Let me think.');
    expect(deltas.find((d) => d?.thinking_blocks)?.thinking_blocks).toEqual([
      { type: 'thinking', thinking: 'Let me think.', signature: 'sig-9' },
    ]);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
  });

  it('streams the JSON-mode tool as content and finishes with stop', () => {
    const body = {
      response_format: { type: 'json_schema', json_schema: { name: 'report', schema: { type: 'object' } } },
    };
    const chunks = run(
      events(
        ['messageStart', { role: 'assistant' }],
        [
          'contentBlockStart',
          { start: { toolUse: { toolUseId: 'tooluse_1', name: 'report' } }, contentBlockIndex: 0 },
        ],
        ['contentBlockDelta', { delta: { toolUse: { input: '{"colour":' } }, contentBlockIndex: 0 }],
        ['contentBlockDelta', { delta: { toolUse: { input: '"red"}' } }, contentBlockIndex: 0 }],
        ['contentBlockStop', { contentBlockIndex: 0 }],
        ['messageStop', { stopReason: 'tool_use' }],
      ),
      body,
    );
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('{"colour":"red"}');
    expect(chunks.some((c) => c.choices[0]?.delta.tool_calls)).toBe(false);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
  });

  it.each([
    ['guardrail_intervened', 'content_filter'],
    ['content_filtered', 'content_filter'],
    ['stop_sequence', 'stop'],
    ['tool_use', 'tool_calls'],
  ])('maps stopReason %s to %s', (stopReason, finish) => {
    const chunks = run(events(['messageStop', { stopReason }]));
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe(finish);
  });

  it('treats malformed output as a retryable upstream error', () => {
    expect(() => run(events(['messageStop', { stopReason: 'malformed_tool_use' }]))).toThrow(UpstreamError);
  });

  it('fails a stream that ends before messageStop', () => {
    const err = (() => {
      try {
        run(events(['contentBlockDelta', { delta: { text: 'Hi' }, contentBlockIndex: 0 }]));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).message).toMatch(/before messageStop/);
  });

  it('maps a validationException frame to a 400 that is not retried', () => {
    const ev: UpstreamEvent = {
      event: 'validationException',
      data: '{"message":"bad input"}',
      headers: { ':message-type': 'exception', ':exception-type': 'validationException' },
    };
    expect(() => run([ev])).toThrow(
      expect.objectContaining({ status: 400, retryable: false, message: 'bad input' }),
    );
  });
});
