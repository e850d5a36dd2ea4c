import { GatewayError } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { buildRequest, translateRequest, upstreamPath } from './request.js';
import { chatCall, wireJson } from './test-helpers.js';

const ORIGIN = 'https://generativelanguage.googleapis.com';
const config = { base_url: ORIGIN, api_key: '<GEMINI_API_KEY>', headers: {} };

describe('buildRequest against wire/expected', () => {
  for (const name of ['stream', 'tools', 'tool_results']) {
    it(`translates openai_chat_request_${name}.json`, () => {
      const body = wireJson(`openai_chat_request_${name}.json`);
      const expected = wireJson(`expected/gemini_request_from_openai_chat_request_${name}.json`);
      const req = buildRequest(config, chatCall({ ...body, model: 'gemini-2.5-flash' }));
      expect(req.method).toBe(expected.method);
      expect(ORIGIN + req.path).toBe(expected.url);
      expect(req.headers).toEqual(expected.headers);
      expect(JSON.parse(req.body as string)).toEqual(expected.body);
    });
  }
});

describe('translateRequest', () => {
  it('carries images, developer messages and a JSON schema (vision fixture)', () => {
    const body = wireJson('openai_chat_request_vision_json_schema.json');
    const native = wireJson('gemini_generate_request_vision_json.json');
    const req = translateRequest(body);
    expect(req.systemInstruction).toEqual({ parts: [{ text: 'Extract the dominant colour of the image.' }] });
    const parts = req.contents[0]!.parts;
    expect(parts[0]).toEqual(native.contents[0].parts[0]);
    expect(parts[1]).toEqual(native.contents[0].parts[1]);
    // An https image is referenced, with the MIME type guessed from its extension.
    expect(parts[2]).toEqual({
      fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/images/sample.jpg' },
    });
    expect(req.generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseJsonSchema: { ...native.generationConfig.responseJsonSchema, additionalProperties: false },
      maxOutputTokens: 200,
      temperature: 0,
    });
  });

  it('maps JSON mode and reasoning effort (reasoning fixture)', () => {
    const req = translateRequest(wireJson('openai_chat_request_reasoning.json'));
    expect(req.systemInstruction).toEqual({ parts: [{ text: 'Answer briefly.' }] });
    expect(req.contents).toEqual([{ role: 'user', parts: [{ text: 'Is 2^61-1 prime?' }] }]);
    expect(req.generationConfig).toEqual({
      maxOutputTokens: 2048,
      responseMimeType: 'application/json',
      thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
    });
  });

  it('turns reasoning_effort none into a zero thinking budget without thoughts', () => {
    const req = translateRequest({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      reasoning_effort: 'none',
    });
    expect(req.generationConfig).toEqual({ thinkingConfig: { thinkingBudget: 0 } });
  });

  it('maps the remaining sampling fields and a single stop string', () => {
    const req = translateRequest({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      n: 3,
      stop: 'END',
      max_tokens: 10,
      top_k: 5,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
    });
    expect(req.generationConfig).toEqual({
      candidateCount: 3,
      stopSequences: ['END'],
      maxOutputTokens: 10,
      topK: 5,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
    });
    expect(req.tools).toBeUndefined();
    expect(req.toolConfig).toBeUndefined();
    expect(req.systemInstruction).toBeUndefined();
  });

  it('inlines percent-encoded data URLs as base64', () => {
    const req = translateRequest({
      model: 'm',
      messages: [
        {
          role: 'user',
          content: [{ type: 'image_url', image_url: { url: 'data:image/svg+xml,%3Csvg%2F%3E' } }],
        },
      ],
    });
    expect(req.contents[0]!.parts[0]).toEqual({
      inlineData: { mimeType: 'image/svg+xml', data: Buffer.from('<svg/>').toString('base64') },
    });
  });

  it('refuses content it cannot express, naming the field', () => {
    const refuse = (content: any) =>
      translateRequest({ model: 'm', messages: [{ role: 'user', content }] }) as unknown;
    expect(() => refuse([{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }])).toThrow(GatewayError);
    try {
      refuse([
        { type: 'text', text: 'a' },
        { type: 'video', video: {} },
      ]);
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ status: 400, param: 'messages[0].content[1]' });
    }
  });
});

describe('a conversation of system messages only (Gemini refuses empty contents)', () => {
  it('sends the system text as the one user turn, with no systemInstruction', () => {
    const req = translateRequest({
      model: 'm',
      messages: [{ role: 'system', content: 'Write a haiku about rain.' }],
    });
    expect(req.contents).toEqual([{ role: 'user', parts: [{ text: 'Write a haiku about rain.' }] }]);
    expect(req.systemInstruction).toBeUndefined();
  });

  it('does the same for developer messages, in order', () => {
    const req = translateRequest({
      model: 'm',
      messages: [
        { role: 'developer', content: 'one' },
        { role: 'developer', content: [{ type: 'text', text: 'two' }] },
      ],
      response_format: { type: 'json_object' },
    });
    expect(req.contents).toEqual([{ role: 'user', parts: [{ text: 'one' }, { text: 'two' }] }]);
    expect(req.systemInstruction).toBeUndefined();
    expect(req.generationConfig).toEqual({ responseMimeType: 'application/json' });
  });

  it('leaves a conversation with a user turn as it was', () => {
    const req = translateRequest({
      model: 'm',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: 'No emoji.' },
        { role: 'user', content: 'hi' },
      ],
    });
    expect(req.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }, { text: 'No emoji.' }] });
    expect(req.contents).toEqual([{ role: 'user', parts: [{ text: 'hi' }] }]);
  });
});

describe('upstreamPath', () => {
  it('uses the generateContent and streaming methods under /v1beta', () => {
    expect(upstreamPath(ORIGIN, 'gemini-2.5-flash', false)).toBe(
      '/v1beta/models/gemini-2.5-flash:generateContent',
    );
    expect(upstreamPath(`${ORIGIN}/`, 'gemini-2.5-flash', true)).toBe(
      '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    );
  });

  it('keeps a base_url path prefix and does not double an API version', () => {
    expect(upstreamPath('http://127.0.0.1:9/proxy/google', 'g', false)).toBe(
      '/proxy/google/v1beta/models/g:generateContent',
    );
    expect(upstreamPath('http://127.0.0.1:9/gw/v1beta/', 'g', false)).toBe(
      '/gw/v1beta/models/g:generateContent',
    );
    expect(upstreamPath(ORIGIN, 'models/g', false)).toBe('/v1beta/models/g:generateContent');
    expect(upstreamPath(ORIGIN, 'tunedModels/my-model', false)).toBe(
      '/v1beta/tunedModels/my-model:generateContent',
    );
  });
});

describe('headers', () => {
  it('adds the configured extra headers last and omits a missing key', () => {
    const call = chatCall({ model: 'g', messages: [{ role: 'user', content: 'hi' }] });
    const req = buildRequest(
      {
        base_url: ORIGIN,
        headers: { 'x-goog-user-project': 'p1', 'content-type': 'application/json; charset=utf-8' },
      },
      call,
    );
    expect(req.headers).toEqual({
      'content-type': 'application/json; charset=utf-8',
      'x-goog-user-project': 'p1',
    });
  });
});
