import type { ChatChunk } from '@switchyard/protocol';
import { describe, expect, it } from 'vitest';
import { choicesOf, StreamAssembly } from './capture.js';

const chunk = (choices: ChatChunk['choices']): ChatChunk => ({
  id: 'c',
  object: 'chat.completion.chunk',
  created: 0,
  model: 'm',
  choices,
});

describe('answer capture', () => {
  it('rebuilds a streamed answer: content per choice, tool-call fragments joined, finish reasons', () => {
    const a = new StreamAssembly();
    a.add(chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]));
    a.add(chunk([{ index: 0, delta: { content: 'Hel' }, finish_reason: null }]));
    a.add(chunk([{ index: 1, delta: { content: 'Other' }, finish_reason: 'stop' }]));
    a.add(chunk([{ index: 0, delta: { content: 'lo' }, finish_reason: null }]));
    a.add(
      chunk([
        {
          index: 0,
          delta: {
            tool_calls: [
              { index: 0, id: 'call_1', type: 'function', function: { name: 'get', arguments: '{"ci' } },
            ],
          },
          finish_reason: null,
        },
      ]),
    );
    a.add(
      chunk([
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, function: { arguments: 'ty":1}' } }] },
          finish_reason: 'tool_calls',
        },
      ]),
    );
    a.add({ ...chunk([]), usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
    expect(a.result()).toEqual([
      {
        index: 0,
        message: {
          role: 'assistant',
          content: 'Hello',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get', arguments: '{"city":1}' } },
          ],
        },
        finish_reason: 'tool_calls',
      },
      { index: 1, message: { role: 'assistant', content: 'Other' }, finish_reason: 'stop' },
    ]);
  });

  it('takes the message of each choice of a JSON answer, and nothing from embeddings', () => {
    expect(
      choicesOf({
        choices: [
          { index: 0, message: { role: 'assistant', content: 'Hi', refusal: null }, finish_reason: 'stop' },
        ],
      }),
    ).toEqual([{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }]);
    expect(choicesOf({ object: 'list', data: [{ embedding: [0.1] }] })).toBeUndefined();
  });
});
