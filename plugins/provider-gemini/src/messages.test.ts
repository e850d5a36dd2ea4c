import type { ChatMessage } from '@switchyard/protocol';
import { describe, expect, it } from 'vitest';
import { translateMessages } from './messages.js';

const call = (id: string, name: string, args = '{}') => ({
  id,
  type: 'function' as const,
  function: { name, arguments: args },
});

describe('translateMessages', () => {
  it('gathers system and developer messages into systemInstruction, wherever they sit', () => {
    const out = translateMessages([
      { role: 'system', content: 'one' },
      { role: 'user', content: 'hi' },
      { role: 'developer', content: [{ type: 'text', text: 'two' }] },
    ]);
    expect(out.systemInstruction).toEqual({ parts: [{ text: 'one' }, { text: 'two' }] });
    expect(out.contents).toEqual([{ role: 'user', parts: [{ text: 'hi' }] }]);
  });

  it('maps tool results back to the names of the calls they answer, by id', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'go' },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [call('a', 'get_weather', '{"city":"Paris"}'), call('b', 'get_time')],
      },
      { role: 'tool', tool_call_id: 'b', content: '{"time":"12:00"}' },
      { role: 'tool', tool_call_id: 'a', content: '{"temp":18}' },
      { role: 'user', content: 'thanks' },
    ];
    expect(translateMessages(messages).contents).toEqual([
      { role: 'user', parts: [{ text: 'go' }] },
      {
        role: 'model',
        parts: [
          { text: 'Checking.' },
          { functionCall: { name: 'get_weather', args: { city: 'Paris' } } },
          { functionCall: { name: 'get_time', args: {} } },
        ],
      },
      {
        // Consecutive user-side turns share one Gemini turn.
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_time', response: { time: '12:00' } } },
          { functionResponse: { name: 'get_weather', response: { temp: 18 } } },
          { text: 'thanks' },
        ],
      },
    ]);
  });

  it.each([
    ['plain text', 'sunny', { result: 'sunny' }],
    ['a JSON array', '[1,2]', { result: '[1,2]' }],
    ['a JSON number', '42', { result: '42' }],
    ['JSON null', 'null', { result: 'null' }],
    ['nothing', '', { result: '' }],
    ['a JSON object', '{"ok":true}', { ok: true }],
  ])('wraps a tool result that is %s as an object', (_what, content, response) => {
    const out = translateMessages([
      { role: 'assistant', content: null, tool_calls: [call('x', 'f')] },
      { role: 'tool', tool_call_id: 'x', content },
    ]);
    expect(out.contents[1]!.parts[0]).toEqual({ functionResponse: { name: 'f', response } });
  });

  it('joins text parts of a tool result', () => {
    const out = translateMessages([
      { role: 'assistant', content: null, tool_calls: [call('x', 'f')] },
      {
        role: 'tool',
        tool_call_id: 'x',
        content: [
          { type: 'text', text: '{"a":' },
          { type: 'text', text: '1}' },
        ],
      },
    ]);
    expect(out.contents[1]!.parts[0]).toEqual({ functionResponse: { name: 'f', response: { a: 1 } } });
  });

  it('accepts legacy function messages by name', () => {
    const out = translateMessages([{ role: 'function', name: 'f', content: 'done' }]);
    expect(out.contents).toEqual([
      { role: 'user', parts: [{ functionResponse: { name: 'f', response: { result: 'done' } } }] },
    ]);
  });

  it('refuses a tool result whose call is unknown, and arguments that are not an object', () => {
    expect(() => translateMessages([{ role: 'tool', tool_call_id: 'nope', content: 'x' }])).toThrow(
      /tool_call_id 'nope'/,
    );
    expect(() => translateMessages([{ role: 'assistant', tool_calls: [call('x', 'f', '[1]')] }])).toThrow(
      /JSON object/,
    );
    expect(() => translateMessages([{ role: 'assistant', tool_calls: [call('x', 'f', '{bad')] }])).toThrow(
      /JSON object/,
    );
  });

  it('skips an empty assistant turn instead of sending a turn without parts', () => {
    const out = translateMessages([
      { role: 'user', content: 'a' },
      { role: 'assistant', content: '' },
      { role: 'user', content: 'b' },
    ]);
    expect(out.contents).toEqual([{ role: 'user', parts: [{ text: 'a' }, { text: 'b' }] }]);
  });
});
