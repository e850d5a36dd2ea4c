import { UpstreamError } from '@switchyard/core';
import type { ChatCompletion } from '@switchyard/protocol';
import { describe, expect, it } from 'vitest';
import { makeAdapter, makeCall, upstreamBody, wireJson, wireText } from './test-fixtures.js';

const parse = (text: string) => makeAdapter().parseResponse(text, makeCall({})) as ChatCompletion;

describe('parseResponse', () => {
  it('anthropic_messages_response.json → expected/openai_chat_response_from_anthropic.json', () => {
    const expected = wireJson('expected/openai_chat_response_from_anthropic.json');
    const actual = parse(wireText('anthropic_messages_response.json'));
    expect(actual).toMatchObject({ ...expected, created: expect.any(Number) });
    expect(Math.abs(actual.created - Date.now() / 1000)).toBeLessThan(5);
    expect(actual.usage?.prompt_tokens_details?.cache_creation_tokens).toBe(0);
  });

  it('carries thinking as reasoning_content plus the signed thinking_blocks', () => {
    const native = wireJson('anthropic_messages_response_thinking.json');
    const { choices, usage } = parse(JSON.stringify(native));
    const [thinking, text] = native.content;
    expect(choices[0]!.message).toEqual({
      role: 'assistant',
      content: text.text,
      refusal: null,
      reasoning_content: thinking.thinking,
      thinking_blocks: [thinking],
    });
    expect(choices[0]!.finish_reason).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: 1612, completion_tokens: 87, total_tokens: 1699 });
  });

  it('counts cache reads and writes into prompt_tokens', () => {
    const native = wireJson('anthropic_messages_response_thinking.json');
    native.usage = {
      input_tokens: 100,
      cache_read_input_tokens: 50,
      cache_creation_input_tokens: 25,
      output_tokens: 10,
      output_tokens_details: { thinking_tokens: 4 },
    };
    expect(parse(JSON.stringify(native)).usage).toEqual({
      prompt_tokens: 175,
      completion_tokens: 10,
      total_tokens: 185,
      prompt_tokens_details: { cached_tokens: 50, cache_creation_tokens: 25 },
      completion_tokens_details: { reasoning_tokens: 4 },
    });
  });

  it('maps every stop reason (mapping.md §2)', () => {
    const native = wireJson('anthropic_messages_response_thinking.json');
    const table = {
      end_turn: 'stop',
      stop_sequence: 'stop',
      pause_turn: 'stop',
      max_tokens: 'length',
      model_context_window_exceeded: 'length',
      tool_use: 'tool_calls',
      refusal: 'content_filter',
    };
    for (const [stop, finish] of Object.entries(table)) {
      native.stop_reason = stop;
      expect(parse(JSON.stringify(native)).choices[0]!.finish_reason, stop).toBe(finish);
    }
  });

  it('keeps redacted thinking, gives content null for tool-only answers, ignores server-tool blocks', () => {
    const message = parse(
      JSON.stringify({
        id: 'msg_1',
        model: 'm',
        content: [
          { type: 'redacted_thinking', data: 'opaque' },
          { type: 'server_tool_use', id: 'srv', name: 'web_search', input: {} },
          { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} },
        ],
        stop_reason: 'tool_use',
        usage: { input_tokens: 1, output_tokens: 1 },
      }),
    ).choices[0]!.message;
    expect(message.content).toBeNull();
    expect(message.tool_calls).toEqual([
      { id: 'toolu_1', type: 'function', function: { name: 'f', arguments: '{}' } },
    ]);
    expect(message.thinking_blocks).toEqual([{ type: 'redacted_thinking', data: 'opaque' }]);
    expect(message.reasoning_content).toBeUndefined();
  });

  it('throws a retryable UpstreamError for a body that is not JSON', () => {
    const error = (() => {
      try {
        parse('<html>oops</html>');
      } catch (e) {
        return e;
      }
    })() as UpstreamError;
    expect(error).toBeInstanceOf(UpstreamError);
    expect([error.status, error.retryable]).toEqual([502, true]);
  });
});

describe('thinking round trip through the extension fields', () => {
  it('sends the signed blocks back first in the assistant turn, unchanged', async () => {
    const native = wireJson('anthropic_messages_response_thinking.json');
    native.content.push({ type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix' });
    native.content.push({ type: 'tool_use', id: 'toolu_9', name: 'lookup', input: { q: 'blue' } });
    const answer = parse(JSON.stringify(native)).choices[0]!.message;
    const body = await upstreamBody({
      messages: [
        { role: 'user', content: 'colour?' },
        answer,
        { role: 'tool', tool_call_id: 'toolu_9', content: 'ok' },
      ],
      tools: [{ type: 'function', function: { name: 'lookup' } }],
      reasoning_effort: 'low',
    });
    const [thinking, text, redacted, toolUse] = native.content;
    expect(body.messages[1]).toEqual({ role: 'assistant', content: [thinking, redacted, text, toolUse] });
  });

  it('drops reasoning_content alone: without a signature it cannot be replayed', async () => {
    const body = await upstreamBody({
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'b', reasoning_content: 'unsigned' },
      ],
    });
    expect(body.messages[1]).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'b' }] });
  });
});
