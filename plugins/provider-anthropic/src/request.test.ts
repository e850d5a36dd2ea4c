import type { GatewayError } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { JSON_MODE_INSTRUCTION } from './request.js';
import { makeAdapter, makeCall, upstreamBody, wireJson } from './test-fixtures.js';
import { EFFORT_BUDGET } from './thinking.js';

const user = (content: unknown) => ({ role: 'user' as const, content: content as string });

describe('golden fixtures (wire/expected)', () => {
  for (const name of ['stream', 'tools', 'tool_results']) {
    it(`openai_chat_request_${name}.json → anthropic_request_from_openai_chat_request_${name}.json`, async () => {
      const expected = wireJson(`expected/anthropic_request_from_openai_chat_request_${name}.json`);
      const adapter = makeAdapter({ api_key: expected.headers['x-api-key'] });
      const req = await adapter.buildRequest(makeCall(wireJson(`openai_chat_request_${name}.json`)));
      expect(req.method).toBe(expected.method);
      expect(`https://api.anthropic.com${req.path}`).toBe(expected.url);
      expect(req.headers).toEqual(expected.headers);
      expect(JSON.parse(req.body as string)).toEqual(expected.body);
    });
  }
});

describe('native request examples', () => {
  it('rebuilds anthropic_messages_request_vision_thinking.json (images, thinking budget, stream)', async () => {
    const native = wireJson('anthropic_messages_request_vision_thinking.json');
    const png = native.messages[0].content[0].source.data;
    const body = await upstreamBody({
      messages: [
        user([
          { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
          { type: 'image_url', image_url: { url: native.messages[0].content[1].source.url, detail: 'high' } },
          { type: 'text', text: native.messages[0].content[2].text },
        ]),
      ],
      max_completion_tokens: native.max_tokens,
      reasoning_effort: 'high',
      stream: true,
    });
    expect(body).toEqual(native);
  });

  it('rebuilds the turns of anthropic_messages_request_tool_results.json (cache_control system, grouped results)', async () => {
    const native = wireJson('anthropic_messages_request_tool_results.json');
    const [ask, assistant, results] = native.messages;
    const body = await upstreamBody({
      messages: [
        { role: 'system', content: [{ type: 'text', ...native.system[0] }] },
        user(ask.content),
        {
          role: 'assistant',
          content: assistant.content[0].text,
          tool_calls: assistant.content.slice(1).map((b: any) => ({
            id: b.id,
            type: 'function',
            function: { name: b.name, arguments: JSON.stringify(b.input) },
          })),
        },
        { role: 'tool', tool_call_id: results.content[0].tool_use_id, content: results.content[0].content },
        { role: 'tool', tool_call_id: results.content[1].tool_use_id, content: results.content[1].content },
      ],
      tools: native.tools.map((t: any) => ({
        type: 'function',
        function: { name: t.name, description: t.description, parameters: t.input_schema },
      })),
      max_tokens: native.max_tokens,
    });
    expect(body.system).toEqual(native.system);
    expect(body.messages[0]).toEqual({ role: 'user', content: [{ type: 'text', text: ask.content }] });
    expect(body.messages.slice(1)).toEqual(native.messages.slice(1));
    expect(body.tools).toEqual(native.tools);
  });

  it('openai_chat_request_vision_json_schema.json: developer → system, both image kinds, output_config', async () => {
    const openai = wireJson('openai_chat_request_vision_json_schema.json');
    const body = await upstreamBody(openai);
    expect(body.system).toBe(openai.messages[0].content);
    const [text, dataImage, urlImage] = body.messages[0].content;
    expect(text).toEqual({ type: 'text', text: openai.messages[1].content[0].text });
    expect(dataImage.source).toEqual({
      type: 'base64',
      media_type: 'image/png',
      data: openai.messages[1].content[1].image_url.url.split(',')[1],
    });
    expect(urlImage.source).toEqual({ type: 'url', url: openai.messages[1].content[2].image_url.url });
    expect(body.output_config).toEqual({
      format: { type: 'json_schema', schema: openai.response_format.json_schema.schema },
    });
    expect(body.max_tokens).toBe(openai.max_tokens);
    expect(body.temperature).toBe(0);
  });

  it('openai_chat_request_reasoning.json: thinking within max_completion_tokens, JSON mode asked in the prompt', async () => {
    const openai = wireJson('openai_chat_request_reasoning.json');
    const body = await upstreamBody(openai);
    expect(body.max_tokens).toBe(openai.max_completion_tokens);
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: openai.max_completion_tokens / 2 });
    expect(body.system).toBe(`${openai.messages[0].content}\n\n${JSON_MODE_INSTRUCTION}`);
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: openai.messages[1].content }] },
    ]);
  });
});

describe('a conversation of system messages only (Anthropic refuses empty messages)', () => {
  it('sends the system text as the one user turn, with no system', async () => {
    const body = await upstreamBody({ messages: [{ role: 'system', content: 'Write a haiku about rain.' }] });
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Write a haiku about rain.' }] },
    ]);
    expect(body).not.toHaveProperty('system');
  });

  it('does the same for developer messages, keeping their order and cache_control', async () => {
    const body = await upstreamBody({
      messages: [
        { role: 'developer', content: 'one' },
        { role: 'system', content: [{ type: 'text', text: 'two', cache_control: { type: 'ephemeral' } }] },
      ],
    });
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'one' },
          { type: 'text', text: 'two', cache_control: { type: 'ephemeral' } },
        ],
      },
    ]);
    expect(body).not.toHaveProperty('system');
  });

  it('keeps the JSON-mode instruction in system while the system text becomes the user turn', async () => {
    const body = await upstreamBody({
      messages: [{ role: 'system', content: 'List three colours.' }],
      response_format: { type: 'json_object' },
    });
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'List three colours.' }] },
    ]);
    expect(body.system).toBe(JSON_MODE_INSTRUCTION);
  });

  it('leaves a conversation with a user turn as it was', async () => {
    const body = await upstreamBody({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: 'No emoji.' },
        user('hi'),
      ],
    });
    expect(body.system).toBe('Be brief.\n\nNo emoji.');
    expect(body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]);
  });
});

describe('max_tokens and thinking', () => {
  const hi = [user('hi')];

  it('sends max_tokens_default when the client gives no limit', async () => {
    expect((await upstreamBody({ messages: hi })).max_tokens).toBe(4096);
    expect((await upstreamBody({ messages: hi }, makeAdapter({ max_tokens_default: 777 }))).max_tokens).toBe(
      777,
    );
  });

  it('prefers max_completion_tokens over max_tokens', async () => {
    expect(
      (await upstreamBody({ messages: hi, max_tokens: 100, max_completion_tokens: 300 })).max_tokens,
    ).toBe(300);
    expect((await upstreamBody({ messages: hi, max_tokens: 100 })).max_tokens).toBe(100);
  });

  it('maps each reasoning_effort to its budget and adds it to the default limit', async () => {
    for (const [effort, budget] of Object.entries(EFFORT_BUDGET)) {
      const body = await upstreamBody({ messages: hi, reasoning_effort: effort as 'low', temperature: 0.5 });
      expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: budget });
      expect(body.max_tokens).toBe(4096 + budget);
      expect(body.temperature).toBeUndefined();
    }
  });

  it('keeps thinking off for effort none and when the client limit leaves no room for the minimum budget', async () => {
    expect((await upstreamBody({ messages: hi, reasoning_effort: 'none' })).thinking).toBeUndefined();
    const small = await upstreamBody({ messages: hi, reasoning_effort: 'high', max_completion_tokens: 2000 });
    expect(small.thinking).toBeUndefined();
    expect(small.max_tokens).toBe(2000);
  });

  it('passes a native thinking object through', async () => {
    const body = await upstreamBody({ messages: hi, thinking: { type: 'adaptive' }, max_tokens: 5000 });
    expect(body.thinking).toEqual({ type: 'adaptive' });
    expect(body.max_tokens).toBe(5000);
  });
});

describe('tools', () => {
  const tools = [{ type: 'function' as const, function: { name: 'f', parameters: { type: 'object' } } }];
  const choice = async (extra: Record<string, unknown>) =>
    (await upstreamBody({ messages: [user('x')], tools, ...extra })).tool_choice;

  it('maps every tool_choice form', async () => {
    expect(await choice({})).toEqual({ type: 'auto' });
    expect(await choice({ tool_choice: 'auto' })).toEqual({ type: 'auto' });
    expect(await choice({ tool_choice: 'none' })).toEqual({ type: 'none' });
    expect(await choice({ tool_choice: 'required' })).toEqual({ type: 'any' });
    expect(await choice({ tool_choice: { type: 'function', function: { name: 'f' } } })).toEqual({
      type: 'tool',
      name: 'f',
    });
  });

  it('parallel_tool_calls: false disables parallel use on every choice that allows it', async () => {
    expect(await choice({ parallel_tool_calls: false })).toEqual({
      type: 'auto',
      disable_parallel_tool_use: true,
    });
    expect(await choice({ parallel_tool_calls: false, tool_choice: 'required' })).toEqual({
      type: 'any',
      disable_parallel_tool_use: true,
    });
    expect(await choice({ parallel_tool_calls: false, tool_choice: 'none' })).toEqual({ type: 'none' });
    expect(await choice({ parallel_tool_calls: true })).toEqual({ type: 'auto' });
  });

  it('sends no tool_choice without tools, and an empty object schema for a tool without parameters', async () => {
    expect(
      (await upstreamBody({ messages: [user('x')], tool_choice: 'required' })).tool_choice,
    ).toBeUndefined();
    const body = await upstreamBody({
      messages: [user('x')],
      tools: [{ type: 'function', function: { name: 'g' } }],
    });
    expect(body.tools).toEqual([{ name: 'g', input_schema: { type: 'object', properties: {} } }]);
  });

  it('groups consecutive tool results, and user text after them, into one user turn', async () => {
    const call = (id: string) => ({
      id,
      type: 'function' as const,
      function: { name: 'f', arguments: '{"a":1}' },
    });
    const body = await upstreamBody({
      messages: [
        user('go'),
        { role: 'assistant', content: null, tool_calls: [call('call_1'), call('call.2')] },
        { role: 'tool', tool_call_id: 'call_1', content: 'one' },
        { role: 'tool', tool_call_id: 'call.2', content: [{ type: 'text', text: 'two' }] },
        user('and now?'),
      ],
      tools,
    });
    expect(body.messages.map((m: any) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(body.messages[1].content.map((b: any) => [b.id, b.input])).toEqual([
      ['call_1', { a: 1 }],
      ['call_2', { a: 1 }],
    ]);
    expect(body.messages[2].content).toEqual([
      { type: 'tool_result', tool_use_id: 'call_1', content: 'one' },
      { type: 'tool_result', tool_use_id: 'call_2', content: [{ type: 'text', text: 'two' }] },
      { type: 'text', text: 'and now?' },
    ]);
  });
});

describe('fields and refusals', () => {
  it('clamps temperature to 0–1 and sends top_p only without temperature', async () => {
    const hot = await upstreamBody({ messages: [user('x')], temperature: 1.7, top_p: 0.5 });
    expect([hot.temperature, hot.top_p]).toEqual([1, undefined]);
    const nucleus = await upstreamBody({ messages: [user('x')], top_p: 0.5, top_k: 20 });
    expect([nucleus.temperature, nucleus.top_p, nucleus.top_k]).toEqual([undefined, 0.5, 20]);
  });

  it('turns a single stop string into stop_sequences and drops what Anthropic lacks', async () => {
    const body = await upstreamBody({
      messages: [user('x')],
      stop: 'END',
      seed: 1,
      presence_penalty: 1,
      n: 1,
    });
    expect(body.stop_sequences).toEqual(['END']);
    expect(Object.keys(body).sort()).toEqual(['max_tokens', 'messages', 'model', 'stop_sequences']);
    expect((await upstreamBody({ messages: [user('x')], stop: ['', 'A'] })).stop_sequences).toEqual(['A']);
    expect((await upstreamBody({ messages: [user('x')], stop: [''] })).stop_sequences).toBeUndefined();
  });

  it('encodes a percent-encoded data URL as base64 and accepts inline PDFs', async () => {
    const body = await upstreamBody({
      messages: [
        user([
          { type: 'image_url', image_url: { url: 'data:image/svg+xml,%3Csvg%2F%3E' } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERg==' } },
        ]),
      ],
    });
    expect(body.messages[0].content).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/svg+xml', data: btoa('<svg/>') } },
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERg==' } },
    ]);
  });

  const refusals: Array<[string, Record<string, unknown>, string]> = [
    ['n > 1', { messages: [user('x')], n: 2 }, 'n'],
    [
      'an ftp image',
      { messages: [user([{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }])] },
      'messages[0].content[0].image_url.url',
    ],
    [
      'audio input',
      { messages: [user([{ type: 'input_audio', input_audio: {} }])] },
      'messages[0].content[0]',
    ],
    [
      'arguments that are not JSON',
      {
        messages: [
          {
            role: 'assistant',
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{' } }],
          },
        ],
      },
      'messages[0].tool_calls[0].function.arguments',
    ],
    [
      'a malformed thinking block',
      {
        messages: [
          { role: 'assistant', content: 'x', thinking_blocks: [{ type: 'thinking', thinking: 't' }] },
        ],
      },
      'messages[0].thinking_blocks[0]',
    ],
    [
      'a custom tool',
      { messages: [user('x')], tools: [{ type: 'custom', custom: { name: 'c' } }] },
      'tools[0]',
    ],
  ];
  for (const [what, body, param] of refusals) {
    it(`answers 400 for ${what}`, async () => {
      const error = (await upstreamBody(body).catch((e) => e)) as GatewayError;
      expect([error.status, error.type, error.param]).toEqual([400, 'invalid_request_error', param]);
    });
  }
});

describe('HTTP request', () => {
  it('keeps a base_url path prefix, sends extra headers last, and omits x-api-key without a key', async () => {
    const adapter = makeAdapter({
      base_url: 'https://gw.example/anthropic/',
      api_key: undefined,
      api_version: '2024-01-01',
      headers: { authorization: 'Bearer t', 'anthropic-version': '2099-01-01', 'anthropic-beta': 'b1' },
    });
    const req = await adapter.buildRequest(makeCall({ messages: [user('x')] }));
    expect(req.path).toBe('/anthropic/v1/messages');
    expect(req.headers).toEqual({
      'anthropic-version': '2099-01-01',
      'content-type': 'application/json',
      authorization: 'Bearer t',
      'anthropic-beta': 'b1',
    });
  });

  it('uses the call model and marks streams', async () => {
    const req = await makeAdapter().buildRequest(
      makeCall({ messages: [user('x')], stream: true }, 'claude-x'),
    );
    expect(JSON.parse(req.body as string)).toMatchObject({ model: 'claude-x', stream: true });
  });
});
