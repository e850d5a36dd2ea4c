import type { ChatMessage } from '@switchyard/protocol';
import { describe, expect, it } from 'vitest';
import { translateRequest } from './request.js';
import { parseResponse } from './response.js';
import { createStreamTranslator } from './stream.js';
import { chatCall, wireEvents, wireJson } from './test-helpers.js';
import { signatureFromId, toolCallId } from './tool-ids.js';

const SIGNATURE = wireJson('gemini_generate_response.json').candidates[0].content.parts[0]
  .thoughtSignature as string;
const ID_ALPHABET = /^[A-Za-z0-9_-]+$/;

describe('toolCallId', () => {
  it('is stable per request, candidate and position, and distinct otherwise', () => {
    expect(toolCallId('r1', 0, 0)).toBe(toolCallId('r1', 0, 0));
    const ids = new Set([
      toolCallId('r1', 0, 0),
      toolCallId('r1', 0, 1),
      toolCallId('r1', 1, 0),
      toolCallId('r2', 0, 0),
    ]);
    expect(ids.size).toBe(4);
    expect(signatureFromId(toolCallId('r1', 0, 0))).toBeUndefined();
  });

  it.each([
    ['canonical base64', SIGNATURE],
    ['base64 with padding', Buffer.from('sig!').toString('base64')],
    ['text that is not canonical base64', 'not base64 / at all ✓'],
  ])('carries a signature that is %s, in the id alphabet', (_what, signature) => {
    const id = toolCallId('r1', 0, 0, signature);
    expect(id).toMatch(ID_ALPHABET);
    expect(signatureFromId(id)).toBe(signature);
  });

  it('reads nothing from foreign ids', () => {
    for (const id of [
      'call_YsWH1aWkO8UHLB45ONnqShS1',
      'toolu_01A09q90qw90lq917835lq9',
      'call_0123456789abcdef_zz_abc',
    ]) {
      expect(signatureFromId(id)).toBeUndefined();
    }
  });
});

/** The assistant message a client would append after this answer. */
function assistantTurn(text: string, requestId: string): ChatMessage {
  const message = parseResponse(text, chatCall({ model: 'gemini-2.5-flash', messages: [] }, { requestId }))
    .choices[0]!.message;
  return { role: 'assistant', content: message.content, tool_calls: message.tool_calls };
}

function toolResults(turn: ChatMessage): ChatMessage[] {
  return (turn.tool_calls ?? []).map((c) => ({
    role: 'tool',
    tool_call_id: c.id,
    content: '{"temperature":18}',
  }));
}

describe('thoughtSignature round trip', () => {
  it('survives two tool turns and returns on the functionCall it came with', () => {
    const first = wireJson('gemini_generate_response.json');
    // The second answer calls the tool again with a new signature.
    const second = structuredClone(first);
    second.candidates[0].content.parts = [
      {
        functionCall: { name: 'get_weather', args: { location: 'Oslo, Norway', unit: 'celsius' } },
        thoughtSignature: 'c2Vjb25k',
      },
    ];

    const messages: ChatMessage[] = [{ role: 'user', content: 'Weather in Paris, Tokyo, then Oslo?' }];
    const turn1 = assistantTurn(JSON.stringify(first), 'req-1');
    messages.push(turn1, ...toolResults(turn1));
    const turn2 = assistantTurn(JSON.stringify(second), 'req-2');
    messages.push(turn2, ...toolResults(turn2));

    const req = translateRequest({ model: 'gemini-2.5-flash', messages });
    const modelTurns = req.contents.filter((c) => c.role === 'model');
    expect(modelTurns.map((t) => t.parts)).toEqual([
      [
        { functionCall: first.candidates[0].content.parts[0].functionCall, thoughtSignature: SIGNATURE },
        { functionCall: first.candidates[0].content.parts[1].functionCall },
      ],
      [{ functionCall: second.candidates[0].content.parts[0].functionCall, thoughtSignature: 'c2Vjb25k' }],
    ]);
    // Ids differ between turns, so results map back to the right calls.
    expect(new Set([...turn1.tool_calls!, ...turn2.tool_calls!].map((c) => c.id)).size).toBe(3);
  });

  it('survives a streamed answer too', () => {
    const t = createStreamTranslator(chatCall({ model: 'gemini-2.5-flash', messages: [], stream: true }));
    const chunks = wireEvents('gemini_stream_tools.sse').flatMap((e) => t.event(e) as any[]);
    const calls = chunks.flatMap((c) => c.choices.flatMap((ch: any) => ch.delta.tool_calls ?? []));
    const turn: ChatMessage = {
      role: 'assistant',
      content: null,
      tool_calls: calls.map((c: any) => ({ id: c.id, type: 'function', function: c.function })),
    };
    const req = translateRequest({
      model: 'g',
      messages: [{ role: 'user', content: 'q' }, turn, ...toolResults(turn)],
    });
    expect(req.contents[1]!.parts[0]!.thoughtSignature).toBe(SIGNATURE);
    expect(req.contents[1]!.parts[1]!.thoughtSignature).toBeUndefined();
  });
});
