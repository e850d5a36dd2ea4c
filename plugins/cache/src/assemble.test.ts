import type { ChatChunk, ChatCompletion } from '@switchyard/protocol';
import { describe, expect, it } from 'vitest';
import { replayChunks, StreamAssembler } from './assemble.js';

const head = {
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk' as const,
  created: 1700000000,
  model: 'gpt-4o-mini',
  system_fingerprint: 'fp_1',
};
const chunk = (choices: ChatChunk['choices'], extra: Partial<ChatChunk> = {}): ChatChunk => ({
  ...head,
  choices,
  ...extra,
});
const delta = (d: ChatChunk['choices'][number]['delta'], finish: string | null = null, index = 0) => ({
  index,
  delta: d,
  logprobs: null,
  finish_reason: finish,
});
const usage = { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 };

function assemble(chunks: ChatChunk[]) {
  const a = new StreamAssembler();
  for (const c of chunks) a.add(c);
  return a;
}

describe('StreamAssembler', () => {
  it('joins text deltas into the message a JSON client would get', () => {
    const a = assemble([
      chunk([delta({ role: 'assistant', content: '' })]),
      chunk([delta({ content: 'Hello' })]),
      chunk([delta({ content: ', world' })]),
      chunk([delta({}, 'stop')]),
    ]);
    expect(a.result(usage)).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1700000000,
      model: 'gpt-4o-mini',
      system_fingerprint: 'fp_1',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello, world' },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage,
    });
  });

  it('joins tool-call fragments by index, and keeps extra text fields (reasoning_content)', () => {
    const a = assemble([
      chunk([
        delta({
          role: 'assistant',
          reasoning_content: 'think',
          tool_calls: [{ index: 0, id: 'c1', type: 'function', function: { name: 'add', arguments: '' } }],
        }),
      ]),
      chunk([delta({ tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] })]),
      chunk([
        delta({
          tool_calls: [{ index: 1, id: 'c2', type: 'function', function: { name: 'mul', arguments: '{}' } }],
        }),
      ]),
      chunk([delta({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] })]),
      chunk([delta({}, 'tool_calls')]),
    ]);
    expect(a.result(undefined)!.choices[0]!.message).toEqual({
      role: 'assistant',
      content: null,
      reasoning_content: 'think',
      tool_calls: [
        { id: 'c1', type: 'function', function: { name: 'add', arguments: '{"a":1}' } },
        { id: 'c2', type: 'function', function: { name: 'mul', arguments: '{}' } },
      ],
    });
  });

  it('keeps several choices apart (n > 1) and gathers logprobs', () => {
    const lp = (token: string) => ({ content: [{ token, logprob: -0.1, bytes: null, top_logprobs: [] }] });
    const a = assemble([
      chunk([{ ...delta({ content: 'a' }, null, 0), logprobs: lp('a') }, delta({ content: 'x' }, null, 1)]),
      chunk([{ ...delta({ content: 'b' }, null, 0), logprobs: lp('b') }]),
      chunk([delta({}, 'stop', 1), delta({}, 'length', 0)]),
    ]);
    const answer = a.result(usage)!;
    expect(answer.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'ab', 'length'],
      [1, 'x', 'stop'],
    ]);
    expect(
      (answer.choices[0]!.logprobs as { content: Array<{ token: string }> }).content.map((t) => t.token),
    ).toEqual(['a', 'b']);
  });

  it('has no answer for a stream that did not finish every choice', () => {
    expect(new StreamAssembler().result(usage)).toBeUndefined();
    expect(assemble([chunk([delta({ content: 'cut' })])]).result(usage)).toBeUndefined();
    expect(
      assemble([chunk([delta({ content: 'a' }, 'stop', 0), delta({ content: 'b' }, null, 1)])]).result(usage),
    ).toBeUndefined();
  });
});

describe('replayChunks', () => {
  const answer: ChatCompletion = {
    id: 'chatcmpl-9',
    object: 'chat.completion',
    created: 1700000001,
    model: 'gpt-4o-mini',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"x":1}' } }],
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
      {
        index: 1,
        message: { role: 'assistant', content: 'plain', refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage,
  };

  it('replays an answer as chunks: a delta and a finish per choice, then usage', () => {
    const chunks = [...replayChunks(answer)];
    expect(chunks).toHaveLength(5);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === 'chatcmpl-9')).toBe(true);
    expect(chunks[0]!.choices[0]!.delta.tool_calls).toEqual([
      { index: 0, id: 'c1', type: 'function', function: { name: 'f', arguments: '{"x":1}' } },
    ]);
    expect(chunks[3]!.choices[0]).toMatchObject({ index: 1, finish_reason: 'stop' });
    expect(chunks[4]).toMatchObject({ choices: [], usage });
  });

  it('round trip: assembling the replay gives the answer back', () => {
    expect(assemble([...replayChunks(answer)]).result(answer.usage)).toEqual({
      ...answer,
      choices: [
        answer.choices[0],
        { ...answer.choices[1], message: { role: 'assistant', content: 'plain' } },
      ],
    });
  });
});
