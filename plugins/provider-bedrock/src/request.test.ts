import { GatewayError } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { MODEL, makeAdapter, makeCall, readWireJson } from './test-fixtures.js';

const adapter = makeAdapter();

async function converseBody(body: Record<string, unknown>, model = MODEL) {
  const req = await adapter.buildRequest(makeCall(body, model));
  return JSON.parse(req.body as string);
}

async function rejection(body: Record<string, unknown>): Promise<GatewayError> {
  const err = await Promise.resolve()
    .then(() => adapter.buildRequest(makeCall(body)))
    .catch((e) => e);
  expect(err).toBeInstanceOf(GatewayError);
  return err;
}

describe('buildRequest against expected/bedrock_request_from_openai_*', () => {
  for (const name of ['tools', 'stream', 'tool_results']) {
    it(`translates openai_chat_request_${name}.json`, async () => {
      const openai = readWireJson(`openai_chat_request_${name}.json`);
      const expected = readWireJson(`expected/bedrock_request_from_openai_chat_request_${name}.json`);
      const req = await adapter.buildRequest(makeCall(openai));

      expect(req.method).toBe(expected.method);
      expect(`${adapter.baseUrl}${req.path}`).toBe(expected.url);
      expect(req.headers['content-type']).toBe('application/json');
      expect(req.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
      const scope = `AKIDTEST/${req.headers['x-amz-date']!.slice(0, 8)}/us-east-1/bedrock/aws4_request`;
      expect(req.headers.authorization).toMatch(
        new RegExp(
          `^AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=content-type;host;x-amz-date, Signature=[0-9a-f]{64}$`,
        ),
      );
      expect(JSON.parse(req.body as string)).toEqual(expected.body);
    });
  }
});

describe('messages', () => {
  it('hoists system and developer messages into system blocks, dropping empty text', async () => {
    const body = await converseBody({
      messages: [
        { role: 'system', content: 'one' },
        { role: 'developer', content: [{ type: 'text', text: 'two' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: '' },
            { type: 'text', text: 'hi' },
          ],
        },
      ],
    });
    expect(body.system).toEqual([{ text: 'one' }, { text: 'two' }]);
    expect(body.messages).toEqual([{ role: 'user', content: [{ text: 'hi' }] }]);
  });

  it('sends a system-only conversation as the one user turn, with no system (Bedrock refuses empty messages)', async () => {
    const body = await converseBody({ messages: [{ role: 'system', content: 'Write a haiku about rain.' }] });
    expect(body.messages).toEqual([{ role: 'user', content: [{ text: 'Write a haiku about rain.' }] }]);
    expect(body).not.toHaveProperty('system');
  });

  it('does the same for developer messages, in order, JSON mode still a tool', async () => {
    const body = await converseBody({
      messages: [
        { role: 'developer', content: 'one' },
        { role: 'developer', content: [{ type: 'text', text: 'two' }] },
      ],
      response_format: { type: 'json_object' },
    });
    expect(body.messages).toEqual([{ role: 'user', content: [{ text: 'one' }, { text: 'two' }] }]);
    expect(body).not.toHaveProperty('system');
    expect(body.toolConfig.toolChoice).toEqual({ tool: { name: 'json_response' } });
  });

  it('turns a data URL into an image block (wire/bedrock_converse_request_vision_thinking.json)', async () => {
    const openai = readWireJson('openai_chat_request_vision_json_schema.json');
    const native = readWireJson('bedrock_converse_request_vision_thinking.json');
    openai.messages[1].content.splice(2, 1); // the https image is refused (next test)
    const body = await converseBody(openai);
    expect(body.messages[0].content).toEqual([
      { text: 'What colour is this image? Answer as JSON.' },
      native.messages[0].content[0],
    ]);
  });

  it('refuses an https image with a 400 naming the param: the gateway fetches no client URL', async () => {
    const err = await rejection(readWireJson('openai_chat_request_vision_json_schema.json'));
    expect(err.status).toBe(400);
    expect(err.param).toBe('messages[1].content[2].image_url.url');
    expect(err.message).toMatch(/data URL/);
  });

  it('refuses image types Bedrock does not take', async () => {
    const err = await rejection({
      messages: [
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/tiff;base64,AAAA' } }] },
      ],
    });
    expect(err.param).toBe('messages[0].content[0].image_url.url');
  });

  it('puts consecutive tool results, and a user message after them, into one user turn', async () => {
    const body = await converseBody({
      messages: [
        { role: 'user', content: 'go' },
        {
          role: 'assistant',
          content: 'calling',
          tool_calls: [
            { id: 'a', type: 'function', function: { name: 'f', arguments: '{"x":1}' } },
            { id: 'b', type: 'function', function: { name: 'f', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'a', content: 'A' },
        { role: 'tool', tool_call_id: 'b', content: [{ type: 'text', text: 'B' }] },
        { role: 'user', content: 'and?' },
      ],
    });
    expect(body.messages).toEqual([
      { role: 'user', content: [{ text: 'go' }] },
      {
        role: 'assistant',
        content: [
          { text: 'calling' },
          { toolUse: { toolUseId: 'a', name: 'f', input: { x: 1 } } },
          { toolUse: { toolUseId: 'b', name: 'f', input: {} } },
        ],
      },
      {
        role: 'user',
        content: [
          { toolResult: { toolUseId: 'a', content: [{ text: 'A' }] } },
          { toolResult: { toolUseId: 'b', content: [{ text: 'B' }] } },
          { text: 'and?' },
        ],
      },
    ]);
  });

  it('refuses tool call arguments that are not JSON', async () => {
    const err = await rejection({
      messages: [
        { role: 'user', content: 'go' },
        {
          role: 'assistant',
          tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '{x' } }],
        },
      ],
    });
    expect(err.param).toBe('messages[1].tool_calls[0].function.arguments');
  });

  it('sends signed thinking blocks back first in the assistant turn', async () => {
    const body = await converseBody({
      messages: [
        { role: 'user', content: 'q' },
        {
          role: 'assistant',
          content: 'a',
          reasoning_content: 'because',
          thinking_blocks: [
            { type: 'thinking', thinking: 'because', signature: 'sig-1' },
            { type: 'redacted_thinking', data: 'b3BhcXVl' },
          ],
        },
        { role: 'user', content: 'more' },
      ],
    });
    expect(body.messages[1].content).toEqual([
      { reasoningContent: { reasoningText: { text: 'because', signature: 'sig-1' } } },
      { reasoningContent: { redactedContent: 'b3BhcXVl' } },
      { text: 'a' },
    ]);
  });

  it('refuses a thinking block without a signature', async () => {
    const err = await rejection({
      messages: [{ role: 'assistant', content: 'x', thinking_blocks: [{ type: 'thinking', thinking: 't' }] }],
    });
    expect(err.param).toBe('messages[0].thinking_blocks[0]');
  });
});

describe('tools and tool_choice', () => {
  const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }];
  const messages = [{ role: 'user', content: 'hi' }];

  it.each([
    ['auto', { auto: {} }],
    ['required', { any: {} }],
    [{ type: 'function', function: { name: 'f' } }, { tool: { name: 'f' } }],
  ])('maps tool_choice %j', async (choice, expected) => {
    const body = await converseBody({ messages, tools, tool_choice: choice });
    expect(body.toolConfig).toEqual({
      tools: [{ toolSpec: { name: 'f', inputSchema: { json: { type: 'object' } } } }],
      toolChoice: expected,
    });
  });

  it("leaves tools out for tool_choice 'none'", async () => {
    const body = await converseBody({ messages, tools, tool_choice: 'none' });
    expect(body.toolConfig).toBeUndefined();
  });

  it("keeps the tools (without a choice) for 'none' when the history has tool blocks, as Bedrock requires", async () => {
    const body = await converseBody({
      messages: [
        { role: 'user', content: 'go' },
        {
          role: 'assistant',
          tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'a', content: 'A' },
      ],
      tools,
      tool_choice: 'none',
    });
    expect(body.toolConfig.tools).toHaveLength(1);
    expect(body.toolConfig.toolChoice).toBeUndefined();
  });

  it('refuses tools that are not functions', async () => {
    const err = await rejection({ messages, tools: [{ type: 'custom', custom: { name: 'x' } }] });
    expect(err.param).toBe('tools[0]');
  });
});

describe('response_format', () => {
  it('emulates json_schema with a forced tool whose input schema is the schema', async () => {
    const openai = readWireJson('openai_chat_request_vision_json_schema.json');
    openai.messages[1].content.splice(1, 2);
    const body = await converseBody(openai);
    const { name, description, schema } = openai.response_format.json_schema;
    expect(body.toolConfig).toEqual({
      tools: [{ toolSpec: { name, description, inputSchema: { json: schema } } }],
      toolChoice: { tool: { name } },
    });
    expect(body.system).toEqual([{ text: 'Extract the dominant colour of the image.' }]);
    expect(body.inferenceConfig).toEqual({ maxTokens: 200, temperature: 0 });
  });

  it('lets the model pick between client tools and the JSON tool when both are present', async () => {
    const body = await converseBody({
      messages: [{ role: 'user', content: 'hi' }],
      tools: [{ type: 'function', function: { name: 'f' } }],
      response_format: { type: 'json_object' },
    });
    expect(body.toolConfig.tools.map((t: any) => t.toolSpec.name)).toEqual(['f', 'json_response']);
    expect(body.toolConfig.toolChoice).toEqual({ any: {} });
  });
});

describe('inference settings and reasoning', () => {
  it('maps max_tokens, a single stop string and top_k', async () => {
    const body = await converseBody({
      messages: [{ role: 'user', content: 'x' }],
      max_tokens: 9,
      stop: 'END',
      top_k: 40,
    });
    expect(body.inferenceConfig).toEqual({ maxTokens: 9, stopSequences: ['END'] });
    expect(body.additionalModelRequestFields).toEqual({ top_k: 40 });
  });

  it('turns reasoning_effort into a Claude thinking budget that fits the client limit', async () => {
    const openai = readWireJson('openai_chat_request_reasoning.json'); // low, max_completion_tokens 2048
    delete openai.response_format;
    const body = await converseBody(openai);
    expect(body.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 1024 } });
    expect(body.inferenceConfig).toEqual({ maxTokens: 2048 });
  });

  it('adds room for the answer when the client set no limit', async () => {
    const body = await converseBody({
      messages: [{ role: 'user', content: 'x' }],
      reasoning_effort: 'medium',
    });
    expect(body.additionalModelRequestFields.thinking.budget_tokens).toBe(8192);
    expect(body.inferenceConfig.maxTokens).toBeGreaterThan(8192);
  });

  it('sends no thinking to non-Anthropic models, nor when the limit is below the minimum budget', async () => {
    const nova = await converseBody(
      { messages: [{ role: 'user', content: 'x' }], reasoning_effort: 'high' },
      'amazon.nova-pro-v1:0',
    );
    expect(nova.additionalModelRequestFields).toBeUndefined();
    const small = await converseBody({
      messages: [{ role: 'user', content: 'x' }],
      reasoning_effort: 'high',
      max_tokens: 1500,
    });
    expect(small.additionalModelRequestFields).toBeUndefined();
  });

  it('does not force the JSON tool while thinking (Claude refuses forced tools with thinking)', async () => {
    const openai = readWireJson('openai_chat_request_reasoning.json');
    const body = await converseBody(openai);
    expect(body.toolConfig.toolChoice).toEqual({ auto: {} });
  });

  it('refuses n > 1', async () => {
    const err = await rejection({ messages: [{ role: 'user', content: 'x' }], n: 2 });
    expect(err.param).toBe('n');
  });
});

describe('paths and auth', () => {
  it('encodes the model id and picks converse-stream for streams', async () => {
    const req = await adapter.buildRequest(
      makeCall(
        { messages: [{ role: 'user', content: 'x' }], stream: true },
        'arn:aws:bedrock:us-east-1:1:inference-profile/x',
      ),
    );
    expect(req.path).toBe(
      '/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fx/converse-stream',
    );
  });

  it('uses a Bedrock API key as a bearer token instead of SigV4', async () => {
    const bearer = makeAdapter({ api_key: 'br-key', base_url: 'http://127.0.0.1:9' }, {});
    const req = await bearer.buildRequest(makeCall({ messages: [{ role: 'user', content: 'x' }] }));
    expect(req.headers.authorization).toBe('Bearer br-key');
    expect(req.headers['x-amz-date']).toBeUndefined();
  });

  it('keeps a base_url path prefix and adds unsigned extra headers', async () => {
    const proxied = makeAdapter({ base_url: 'http://127.0.0.1:9/bedrock/', headers: { 'X-Team': 'a' } });
    const req = await proxied.buildRequest(makeCall({ messages: [{ role: 'user', content: 'x' }] }));
    expect(req.path).toBe(`/bedrock/model/${encodeURIComponent(MODEL)}/converse`);
    expect(req.headers['x-team']).toBe('a');
    expect(req.headers.authorization).toContain('SignedHeaders=content-type;host;x-amz-date,');
  });
});
