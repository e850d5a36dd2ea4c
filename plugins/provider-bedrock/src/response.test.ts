import { UpstreamError } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { toChatCompletion } from './response.js';
import { MODEL, makeCall, readWire, readWireJson } from './test-fixtures.js';

const call = makeCall({ messages: [{ role: 'user', content: 'x' }] });
const parse = (response: unknown, c = call) => toChatCompletion(JSON.stringify(response), c);

describe('toChatCompletion', () => {
  it('matches expected/openai_chat_response_from_bedrock.json in meaning', () => {
    const expected = readWireJson('expected/openai_chat_response_from_bedrock.json');
    const out = toChatCompletion(readWire('bedrock_converse_response.json'), call);
    expect(out.id).toBe('chatcmpl-req_test1');
    expect(out.model).toBe(MODEL);
    expect(Math.abs(out.created - Date.now() / 1000)).toBeLessThan(5);
    expect(out.choices).toEqual(expected.choices);
    // Bedrock reports no reasoning token count, so none is claimed.
    const { completion_tokens_details: _none, ...usage } = expected.usage;
    expect(out.usage).toEqual(usage);
  });

  it('carries reasoning as reasoning_content plus signed thinking_blocks', () => {
    const out = parse({
      output: {
        message: {
          role: 'assistant',
          content: [
            { reasoningContent: { reasoningText: { text: 'Blue pixels.', signature: 'sig-1' } } },
            { reasoningContent: { redactedContent: 'b3BhcXVl' } },
            { text: 'Blue.' },
          ],
        },
      },
      stopReason: 'end_turn',
      usage: { inputTokens: 10, outputTokens: 20, totalTokens: 30 },
    });
    const message = out.choices[0]!.message;
    expect(message.content).toBe('Blue.');
    expect(message.reasoning_content).toBe('Blue pixels.');
    expect(message.thinking_blocks).toEqual([
      { type: 'thinking', thinking: 'Blue pixels.', signature: 'sig-1' },
      { type: 'redacted_thinking', data: 'b3BhcXVl' },
    ]);
    expect(out.choices[0]!.finish_reason).toBe('stop');
  });

  it('returns the JSON-mode tool input as content, with finish_reason stop', () => {
    const jsonCall = makeCall({
      messages: [{ role: 'user', content: 'x' }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'colour_report', schema: { type: 'object' } },
      },
    });
    const out = parse(
      {
        output: {
          message: {
            role: 'assistant',
            content: [
              {
                toolUse: {
                  toolUseId: 't1',
                  name: 'colour_report',
                  input: { colour: 'blue', hex: '#0000ff' },
                },
              },
            ],
          },
        },
        stopReason: 'tool_use',
        usage: { inputTokens: 1, outputTokens: 1 },
      },
      jsonCall,
    );
    expect(JSON.parse(out.choices[0]!.message.content!)).toEqual({ colour: 'blue', hex: '#0000ff' });
    expect(out.choices[0]!.message.tool_calls).toBeUndefined();
    expect(out.choices[0]!.finish_reason).toBe('stop');
  });

  it('counts cache reads and writes into prompt_tokens', () => {
    const out = parse({
      output: { message: { role: 'assistant', content: [{ text: 'ok' }] } },
      stopReason: 'end_turn',
      usage: { inputTokens: 10, outputTokens: 5, cacheReadInputTokens: 100, cacheWriteInputTokens: 7 },
    });
    expect(out.usage).toEqual({
      prompt_tokens: 117,
      completion_tokens: 5,
      total_tokens: 122,
      prompt_tokens_details: { cached_tokens: 100, cache_creation_tokens: 7 },
    });
  });

  it('fails on malformed model output and on a body that is not JSON', () => {
    expect(() =>
      parse({
        output: { message: { role: 'assistant', content: [] } },
        stopReason: 'malformed_model_output',
      }),
    ).toThrow(UpstreamError);
    expect(() => toChatCompletion('<html>', call)).toThrow(UpstreamError);
  });
});
