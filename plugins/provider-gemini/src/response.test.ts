import { UpstreamError } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { parseResponse } from './response.js';
import { chatCall, wireJson } from './test-helpers.js';

const call = chatCall({ model: 'gemini-2.5-flash', messages: [] });
const parse = (body: unknown) => parseResponse(JSON.stringify(body), call);

describe('parseResponse', () => {
  it('matches expected/openai_chat_response_from_gemini.json in meaning', () => {
    const expected = wireJson('expected/openai_chat_response_from_gemini.json');
    const out = parse(wireJson('gemini_generate_response.json'));
    const ids = out.choices[0]!.message.tool_calls!.map((c) => c.id);
    expect(new Set(ids).size).toBe(2);
    const strip = (body: any) => ({
      ...body,
      id: '<id>',
      created: '<created>',
      choices: body.choices.map((c: any) => ({
        ...c,
        message: { ...c.message, tool_calls: c.message.tool_calls?.map((t: any) => ({ ...t, id: '<id>' })) },
      })),
    });
    expect(strip(out)).toEqual(strip(expected));
    expect(out.id).toBe('chatcmpl-req-test-1');
  });

  it('translates a text answer with its usage', () => {
    const out = parse(wireJson('gemini_generate_response_text.json'));
    expect(out.choices).toEqual([
      {
        index: 0,
        message: {
          role: 'assistant',
          content: "Right now it's 18 °C and partly cloudy in Paris, and 24 °C with clear skies in Tokyo.",
          refusal: null,
        },
        logprobs: null,
        finish_reason: 'stop',
      },
    ]);
    expect(out.usage).toEqual({
      prompt_tokens: 171,
      completion_tokens: 27,
      total_tokens: 198,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

  it('returns thoughts as reasoning_content, apart from the answer', () => {
    const out = parse({
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              { text: 'Let me think. ', thought: true },
              { text: 'Yes.' },
              { text: '', thoughtSignature: 'AAAA' },
            ],
          },
          finishReason: 'STOP',
        },
      ],
      usageMetadata: {
        promptTokenCount: 5,
        candidatesTokenCount: 2,
        thoughtsTokenCount: 7,
        cachedContentTokenCount: 3,
        totalTokenCount: 14,
      },
    });
    expect(out.choices[0]!.message).toMatchObject({ content: 'Yes.', reasoning_content: 'Let me think. ' });
    expect(out.usage).toMatchObject({
      prompt_tokens: 5,
      completion_tokens: 9,
      total_tokens: 14,
      prompt_tokens_details: { cached_tokens: 3 },
      completion_tokens_details: { reasoning_tokens: 7 },
    });
  });

  it.each([
    ['MAX_TOKENS', false, 'length'],
    ['SAFETY', false, 'content_filter'],
    ['RECITATION', false, 'content_filter'],
    ['PROHIBITED_CONTENT', false, 'content_filter'],
    ['OTHER', false, 'stop'],
    ['STOP', true, 'tool_calls'],
    [undefined, true, 'tool_calls'],
  ])('maps finishReason %s (tool calls: %s) to %s', (reason, withCall, expected) => {
    const parts = withCall ? [{ functionCall: { name: 'f', args: {} } }] : [{ text: 'x' }];
    const out = parse({ candidates: [{ content: { role: 'model', parts }, finishReason: reason }] });
    expect(out.choices[0]!.finish_reason).toBe(expected);
  });

  it('returns one choice per candidate (n > 1)', () => {
    const out = parse({
      candidates: [
        { content: { parts: [{ text: 'a' }] }, finishReason: 'STOP', index: 0 },
        {
          content: { parts: [{ functionCall: { name: 'f', args: { x: 1 } } }] },
          finishReason: 'STOP',
          index: 1,
        },
      ],
    });
    expect(out.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'a', 'stop'],
      [1, null, 'tool_calls'],
    ]);
    expect(out.choices[1]!.message.tool_calls![0]!.function).toEqual({ name: 'f', arguments: '{"x":1}' });
  });

  it('turns a prompt blocked by safety settings into a 400 content_filter error', () => {
    try {
      parse(wireJson('gemini_response_prompt_blocked.json'));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UpstreamError);
      expect(err).toMatchObject({
        status: 400,
        type: 'invalid_request_error',
        code: 'content_filter',
        retryable: false,
      });
      expect((err as Error).message).toContain('PROHIBITED_CONTENT');
    }
  });

  it('fails as a bad upstream on bodies without candidates or JSON', () => {
    expect(() => parse({ modelVersion: 'x' })).toThrow(expect.objectContaining({ status: 502 }));
    expect(() => parseResponse('<html>', call)).toThrow(expect.objectContaining({ status: 502 }));
  });
});
