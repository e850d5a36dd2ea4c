import { describe, expect, it } from 'vitest';
import { resetText } from './headers.js';
import { estimateTokens } from './tokens.js';

const chat = (body: Record<string, unknown>) => ({
  operation: 'chat' as const,
  body: { model: 'm', messages: [], ...body } as never,
});

describe('estimateTokens', () => {
  it('counts about four characters per token plus a little per message, and the output allowance', () => {
    const body = { messages: [{ role: 'user', content: 'x'.repeat(400) }], max_tokens: 50 };
    expect(estimateTokens(chat(body), 1024)).toBe(100 + 4 + 50);
  });

  it('reads text parts, counts media parts flat, and includes tool calls and tool definitions', () => {
    const tools = [{ type: 'function', function: { name: 'add', parameters: { type: 'object' } } }];
    const calls = [{ id: 'c1', type: 'function', function: { name: 'add', arguments: '{"a":1}' } }];
    const body = {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'x'.repeat(40) },
            { type: 'image_url', image_url: { url: 'data:' } },
          ],
        },
        { role: 'assistant', content: null, tool_calls: calls },
      ],
      tools,
      max_completion_tokens: 10,
    };
    const chars = 40 + JSON.stringify(calls).length + JSON.stringify(tools).length;
    expect(estimateTokens(chat(body), 1024)).toBe(Math.ceil(chars / 4) + 2 * 4 + 512 + 10);
  });

  it('max_completion_tokens wins over max_tokens; n multiplies; the default applies when neither is set', () => {
    expect(estimateTokens(chat({ max_completion_tokens: 10, max_tokens: 99 }), 1024)).toBe(10);
    expect(estimateTokens(chat({ max_tokens: 10, n: 3 }), 1024)).toBe(30);
    expect(estimateTokens(chat({}), 256)).toBe(256);
  });

  it('embeddings: the input only, strings or token arrays', () => {
    const emb = (input: unknown) => ({
      operation: 'embeddings' as const,
      body: { model: 'e', input } as never,
    });
    expect(estimateTokens(emb('x'.repeat(80)), 1024)).toBe(20);
    expect(estimateTokens(emb(['x'.repeat(8), 'y'.repeat(8)]), 1024)).toBe(4);
    expect(estimateTokens(emb([[1, 2, 3], [4]]), 1024)).toBe(4);
  });
});

describe('resetText (OpenAI-style durations)', () => {
  it.each([
    [0, '0ms'],
    [349.2, '350ms'],
    [1000, '1s'],
    [12_001, '13s'],
    [60_000, '1m0s'],
    [65_000, '1m5s'],
  ])('%d ms → %s', (ms, text) => expect(resetText(ms)).toBe(text));
});
