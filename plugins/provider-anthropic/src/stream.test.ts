import { UpstreamError } from '@switchyard/core';
import { type ChatChunk, type ChatCompletion, SseParser } from '@switchyard/protocol';
import { describe, expect, it } from 'vitest';
import { makeAdapter, makeCall, translateSse, upstreamBody, wireText } from './test-fixtures.js';

/** The differences wire.md allows: `created`, and `usage: null` on chunks (the key may be absent). */
function comparable(chunk: ChatChunk): Record<string, unknown> {
  const { created: _created, ...rest } = chunk;
  if (rest.usage === null || rest.usage === undefined) delete rest.usage;
  return rest;
}

function expectedChunks(name: string): ChatChunk[] {
  return wireText(name)
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
    .map((line) => JSON.parse(line.slice(6)));
}

/** What an SDK-style accumulator builds from the chunks (content concatenated, other fields assigned). */
function accumulate(chunks: ChatChunk[]) {
  const message: Record<string, any> = { content: '', reasoning_content: '', tool_calls: [] };
  let finish: string | null = null;
  for (const chunk of chunks) {
    for (const { delta, finish_reason } of chunk.choices) {
      const { content, reasoning_content, tool_calls, role: _role, ...rest } = delta;
      message.content += content ?? '';
      message.reasoning_content += (reasoning_content as string | undefined) ?? '';
      for (const call of tool_calls ?? []) {
        message.tool_calls[call.index] ??= { id: call.id, name: call.function?.name, arguments: '' };
        message.tool_calls[call.index].arguments += call.function?.arguments ?? '';
      }
      Object.assign(message, rest);
      finish = finish_reason ?? finish;
    }
  }
  return { message, finish, usage: chunks.at(-1)?.usage };
}

describe('stream translation', () => {
  it('anthropic_messages_stream_tools.sse → expected/openai_chat_stream_from_anthropic_tools.sse', () => {
    const actual = translateSse(wireText('anthropic_messages_stream_tools.sse'));
    const expected = expectedChunks('expected/openai_chat_stream_from_anthropic_tools.sse');
    // All but the usage chunk must be equal; the usage chunk may add cache_creation_tokens.
    expect(actual.slice(0, -1).map(comparable)).toEqual(expected.slice(0, -1).map(comparable));
    expect(comparable(actual.at(-1)!)).toMatchObject(comparable(expected.at(-1)!));
    expect(actual.at(-1)!.usage?.prompt_tokens_details?.cache_creation_tokens).toBe(0);
  });

  it('every chunk shares one id, created and model', () => {
    const chunks = translateSse(wireText('anthropic_messages_stream_tools.sse'));
    expect(new Set(chunks.map((c) => `${c.id}|${c.created}|${c.model}`)).size).toBe(1);
  });

  it('agrees with the non-stream answer (anthropic_messages_response.json)', () => {
    const streamed = accumulate(translateSse(wireText('anthropic_messages_stream_tools.sse')));
    const whole = makeAdapter().parseResponse(
      wireText('anthropic_messages_response.json'),
      makeCall({}),
    ) as ChatCompletion;
    const message = whole.choices[0]!.message;
    expect(streamed.message.content).toBe(message.content);
    expect(streamed.message.tool_calls.map((c: any) => [c.name, JSON.parse(c.arguments)])).toEqual(
      message.tool_calls!.map((c) => [c.function.name, JSON.parse(c.function.arguments)]),
    );
    expect(streamed.finish).toBe(whole.choices[0]!.finish_reason);
    expect(streamed.usage).toEqual(whole.usage);
  });

  it('streams thinking as reasoning_content and puts the signed blocks on a delta before the finish chunk', () => {
    const sse = wireText('anthropic_messages_stream_thinking.sse');
    const chunks = translateSse(sse);
    const { message, finish, usage } = accumulate(chunks);
    const thinkingText = [...sse.matchAll(/"thinking":"([^"]+)"/g)].map((m) => m[1]).join('');
    const signature = /"signature":"([^"]+)"/.exec(sse)![1];
    expect(message.reasoning_content).toBe(thinkingText);
    expect(message.content).toBe('The first image is a solid medium blue (#1F6FD0).');
    expect(message.thinking_blocks).toEqual([{ type: 'thinking', thinking: thinkingText, signature }]);
    const blocksAt = chunks.findIndex((c) => c.choices[0]?.delta.thinking_blocks);
    const finishAt = chunks.findIndex((c) => c.choices[0]?.finish_reason);
    expect(blocksAt).toBe(finishAt - 1);
    expect(chunks[finishAt]!.choices[0]!.delta).toEqual({});
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: 1612, completion_tokens: 87 });
  });

  it('a streamed thinking answer can be sent back as the next assistant turn', async () => {
    const { message } = accumulate(translateSse(wireText('anthropic_messages_stream_thinking.sse')));
    const body = await upstreamBody({
      messages: [
        { role: 'user', content: 'colour?' },
        { role: 'assistant', content: message.content, thinking_blocks: message.thinking_blocks },
        { role: 'user', content: 'sure?' },
      ],
    });
    expect(body.messages[1].content[0]).toEqual(message.thinking_blocks[0]);
    expect(body.messages[1].content[0].signature.length).toBeGreaterThan(100);
  });

  it('throws a classified, retryable UpstreamError for an overloaded_error event', () => {
    const sse = wireText('anthropic_messages_stream_error.sse');
    const translator = makeAdapter().createStreamTranslator(makeCall({ stream: true }));
    const events = new SseParser().push(sse);
    const before = events.slice(0, -1).flatMap((ev) => translator.event(ev) as ChatChunk[]);
    expect(before.map((c) => c.choices[0]!.delta)).toEqual([
      { role: 'assistant', content: '' },
      { content: "I'll check" },
    ]);
    let error: unknown;
    try {
      translator.event(events.at(-1)!);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ status: 529, retryable: true, message: 'Overloaded', code: 'overloaded' });
  });

  it('sends nothing for message_start alone, so an error before any content is still retryable', () => {
    const [start, , , error] = new SseParser().push(wireText('anthropic_messages_stream_error.sse'));
    const translator = makeAdapter().createStreamTranslator(makeCall({ stream: true }));
    expect(translator.event(start!)).toEqual([]);
    expect(() => translator.event(error!)).toThrow(UpstreamError);
  });

  it('fails a stream cut before message_stop instead of ending it quietly', () => {
    const sse = wireText('anthropic_messages_stream_tools.sse');
    const cut = sse.slice(0, sse.indexOf('event: message_delta'));
    expect(() => translateSse(cut)).toThrow(UpstreamError);
  });

  it('opens with the role chunk and the request id when message_start is missing; skips pings and unknown events', () => {
    const sse = [
      'event: ping\ndata: {"type":"ping"}\n\n',
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
      'event: future_event\ndata: {"type":"future_event"}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}\n\n',
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":1}}\n\n',
      'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    ].join('');
    const chunks = translateSse(sse);
    expect(chunks.map((c) => c.choices[0]?.delta ?? 'usage')).toEqual([
      { role: 'assistant', content: '' },
      { content: 'hi' },
      {},
      'usage',
    ]);
    expect(chunks[0]!.id).toBe('chatcmpl-req-1');
    expect(chunks[2]!.choices[0]!.finish_reason).toBe('length');
  });
});
