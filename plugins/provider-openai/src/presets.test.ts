import { UpstreamError } from '@switchyard/core';
import { type ChatCompletion, SseParser } from '@switchyard/protocol';
import { describe, expect, it } from 'vitest';
import { mistralToolCallId } from './mistral.js';
import { presets } from './presets.js';
import { makeCall, presetAdapter, translateSse, upstreamBody, wireJson, wireText } from './test-fixtures.js';

/** The `data:` payloads of an SSE example, without [DONE]. */
function dataLines(sse: string): string[] {
  return sse
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
    .map((line) => line.slice(6));
}

const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { location: { type: 'string' } } },
  },
};

describe('the preset list', () => {
  it('is the SPEC §3 list, each type with its vendor base URL', () => {
    expect(Object.fromEntries(Object.entries(presets).map(([type, p]) => [type, p.defaultBaseUrl]))).toEqual({
      groq: 'https://api.groq.com/openai/v1',
      together: 'https://api.together.xyz/v1',
      openrouter: 'https://openrouter.ai/api/v1',
      deepseek: 'https://api.deepseek.com/v1',
      mistral: 'https://api.mistral.ai/v1',
      fireworks: 'https://api.fireworks.ai/inference/v1',
      xai: 'https://api.x.ai/v1',
      perplexity: 'https://api.perplexity.ai',
      ollama: 'http://127.0.0.1:11434/v1',
      vllm: 'http://127.0.0.1:8000/v1',
      lmstudio: 'http://127.0.0.1:1234/v1',
    });
  });

  it.each(Object.keys(presets))(
    '%s: POSTs {base_url path}/chat/completions with the bearer key',
    async (type) => {
      const req = await presetAdapter(type).buildRequest(
        makeCall({ messages: [{ role: 'user', content: 'hi' }] }),
      );
      expect(req.path).toBe(
        `${new URL(presets[type]!.defaultBaseUrl).pathname.replace(/\/$/, '')}/chat/completions`,
      );
      expect(req.headers.authorization).toBe('Bearer test-key');
    },
  );

  it.each(Object.keys(presets))(
    '%s: sends developer messages as system, without touching the client body',
    async (type) => {
      const body = {
        messages: [
          { role: 'developer' as const, content: 'Be brief.' },
          { role: 'user' as const, content: 'hi' },
        ],
      };
      const sent = await upstreamBody(presetAdapter(type), body);
      expect(sent.messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
      expect(body.messages[0]!.role).toBe('developer');
    },
  );

  it('takes the openai keys (organization, project) as headers, like SPEC §3 says', async () => {
    const adapter = presetAdapter('together', { organization: 'org-1', project: 'proj-1' });
    const req = await adapter.buildRequest(makeCall({}));
    expect(req.headers['openai-organization']).toBe('org-1');
    expect(req.headers['openai-project']).toBe('proj-1');
  });

  it('sends no authorization header when no api_key is configured (local servers)', async () => {
    const req = await presetAdapter('vllm', { api_key: undefined }).buildRequest(makeCall({}));
    expect(req.headers.authorization).toBeUndefined();
  });

  it('leaves embeddings requests as the client sent them', async () => {
    const req = await presetAdapter('mistral').buildRequest(
      makeCall({ input: 'hello', user: 'u1' } as never, 'embeddings'),
    );
    expect(req.path).toBe('/v1/embeddings');
    expect(JSON.parse(req.body as string)).toEqual({
      model: 'test-model',
      messages: [],
      input: 'hello',
      user: 'u1',
    });
  });

  it('vendors without embeddings serve chat only', () => {
    for (const type of ['groq', 'deepseek', 'perplexity'])
      expect(presetAdapter(type).operations).toEqual(['chat']);
    for (const type of ['mistral', 'together', 'ollama', 'vllm'])
      expect(presetAdapter(type).operations).toContain('embeddings');
  });
});

describe('groq', () => {
  it('drops messages[].name, which Groq answers with a 400', async () => {
    const sent = await upstreamBody(presetAdapter('groq'), {
      messages: [{ role: 'user', content: 'hi', name: 'alice' }],
      n: 1,
    });
    expect(sent.messages).toEqual([{ role: 'user', content: 'hi' }]);
    expect(sent.n).toBe(1);
  });

  it('forwards its stream untouched: x_groq, usage on the finish chunk and the usage chunk (groq_chat_stream_tools.sse)', () => {
    const sse = wireText('groq_chat_stream_tools.sse');
    const chunks = translateSse(presetAdapter('groq'), sse);
    expect(chunks).toEqual(dataLines(sse).map((d) => JSON.parse(d)));
    expect(chunks[0]!.x_groq).toMatchObject({ id: 'req_0182f70lw5l19nl94j1cegaz57' });
  });
});

describe('together', () => {
  const adapter = presetAdapter('together');

  it('maps finish_reason eos to stop, in JSON and in streams', () => {
    const body = {
      id: 'x',
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'eos' }],
    };
    const parsed = adapter.parseResponse(JSON.stringify(body), makeCall({})) as ChatCompletion;
    expect(parsed.choices[0]!.finish_reason).toBe('stop');
    const sse = [
      'data: {"id":"t1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}',
      'data: {"id":"t1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"eos"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}',
      'data: [DONE]',
      '',
    ].join('\n\n');
    const chunks = translateSse(adapter, sse);
    expect(chunks.map((c) => c.choices[0]!.finish_reason)).toEqual([null, 'stop']);
    expect(chunks[1]!.usage?.total_tokens).toBe(4);
  });

  it('forwards answers without a vendor finish reason as the upstream text', () => {
    const text =
      '{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}]}';
    expect(adapter.parseResponse(text, makeCall({}))).toMatchObject({ raw: text });
    const items = adapter.createStreamTranslator(makeCall({ stream: true })).event({ data: text } as never);
    expect(items).toEqual([text]);
  });

  it('classifies both error shapes: {"error":"text"} and the OpenAI object', () => {
    const plain = adapter.classifyError(
      400,
      {},
      '{"error":"Input validation error: `inputs` must have less than 4096 tokens"}',
    );
    expect(plain).toMatchObject({ status: 400, type: 'invalid_request_error', retryable: false });
    expect(plain.message).toBe('Input validation error: `inputs` must have less than 4096 tokens');
    const object = adapter.classifyError(
      429,
      {},
      '{"error":{"message":"Rate limited","type":"rate_limit","code":"rate_limit_exceeded"}}',
    );
    expect(object).toMatchObject({
      status: 429,
      type: 'rate_limit',
      code: 'rate_limit_exceeded',
      message: 'Rate limited',
      retryable: true,
    });
    expect(adapter.classifyError(503, {}, '{"error":"The server is overloaded"}')).toMatchObject({
      type: 'api_error',
      retryable: true,
    });
  });
});

describe('openrouter', () => {
  const adapter = presetAdapter('openrouter');

  it('parses a body that starts with keep-alive whitespace (openrouter_chat_response.json.txt)', () => {
    const text = wireText('openrouter_chat_response.json.txt');
    expect(text.startsWith('\n')).toBe(true);
    const parsed = adapter.parseResponse(text, makeCall({})) as { raw: string; body: ChatCompletion };
    expect(parsed.raw.startsWith('{')).toBe(true);
    expect(JSON.parse(parsed.raw)).toEqual(parsed.body);
    expect(parsed.body.choices[0]!.message.tool_calls![0]!.function.name).toBe('get_weather');
  });

  it('skips processing comments and turns the mid-stream error chunk into an UpstreamError', () => {
    const sse = wireText('openrouter_chat_stream_midstream_error.sse');
    const translator = adapter.createStreamTranslator(makeCall({ stream: true }));
    const events = new SseParser().push(sse);
    expect(events).toHaveLength(4); // the two comments are no events
    expect(translator.event(events[0]!)).toEqual([dataLines(sse)[0]]);
    expect(translator.event(events[1]!)).toEqual([dataLines(sse)[1]]);
    const error = (() => {
      try {
        translator.event(events[2]!);
      } catch (err) {
        return err as UpstreamError;
      }
    })();
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({
      status: 502,
      message: 'Provider disconnected unexpectedly',
      code: 'server_error',
    });
  });

  it('classifies its errors (openrouter_errors.json): status kept, numeric codes, 402 credits not retried', () => {
    for (const { status, body } of wireJson<Array<{ status: number; body: { error: { message: string } } }>>(
      'openrouter_errors.json',
    )) {
      const info = adapter.classifyError(status, {}, JSON.stringify(body));
      expect(info.status).toBe(status);
      expect(info.message).toBe(body.error.message);
      expect(info.code).toBe(String(status));
      expect(info.retryable).toBe(status === 429 || status >= 500);
    }
  });
});

describe('deepseek', () => {
  const adapter = presetAdapter('deepseek');

  it('does not send reasoning_content back, except on tool-call turns (thinking mode needs it there)', async () => {
    const call = {
      id: 'call_0',
      type: 'function' as const,
      function: { name: 'get_weather', arguments: '{}' },
    };
    const messages = [
      { role: 'user' as const, content: 'Is 2^61-1 prime?' },
      { role: 'assistant' as const, content: 'Yes.', reasoning_content: 'It is a Mersenne prime.' },
      { role: 'user' as const, content: 'Weather in Paris?' },
      { role: 'assistant' as const, content: null, reasoning_content: 'Need the tool.', tool_calls: [call] },
      { role: 'tool' as const, tool_call_id: 'call_0', content: '18C' },
    ];
    const sent = await upstreamBody(adapter, { messages });
    expect(sent.messages[1]).toEqual({ role: 'assistant', content: 'Yes.' });
    expect(sent.messages[3].reasoning_content).toBe('Need the tool.');
    expect(messages[1]!.reasoning_content).toBe('It is a Mersenne prime.');
  });

  it('passes reasoning_content and the finish-chunk usage through; keep-alive comments are no events (deepseek_chat_stream_reasoning.sse)', () => {
    const sse = wireText('deepseek_chat_stream_reasoning.sse');
    const chunks = translateSse(adapter, sse);
    expect(chunks).toEqual(dataLines(sse).map((d) => JSON.parse(d)));
    expect(chunks.map((c) => c.choices[0]!.delta.reasoning_content ?? '').join('')).toBe(
      '2^61-1 is a Mersenne number; it is known to be prime.',
    );
    expect(chunks.at(-1)!.usage?.completion_tokens_details?.reasoning_tokens).toBe(82);
  });

  it('reports an answer cut short by insufficient_system_resource as length', () => {
    const text =
      '{"id":"d","choices":[{"index":0,"message":{"role":"assistant","content":"Par"},"finish_reason":"insufficient_system_resource"}]}';
    expect(
      (adapter.parseResponse(`\n\n${text}`, makeCall({})) as ChatCompletion).choices[0]!.finish_reason,
    ).toBe('length');
  });
});

describe('mistral', () => {
  const adapter = presetAdapter('mistral');

  it('turns an OpenAI request into mistral_chat_request.json', async () => {
    const expected = wireJson('mistral_chat_request.json');
    const messages = expected.messages.map((m: { role: string; name?: string }) => {
      const { name: _name, ...rest } = m; // the client sends tool results without a name
      return m.role === 'tool' ? rest : m;
    });
    const { tool_choice: _tc, random_seed, max_tokens, ...rest } = expected;
    const client = {
      ...rest,
      messages,
      tool_choice: 'required',
      seed: random_seed,
      max_completion_tokens: max_tokens,
      stream_options: { include_usage: true },
      user: 'user-7f3a9c',
    };
    expect(await upstreamBody(adapter, client)).toEqual(expected);
  });

  it('maps foreign tool-call ids to 9 alphanumerics, the same in the call and its result', async () => {
    const ids = ['call_YsWH1aWkO8UHLB45ONnqShS1', 'toolu_01A09q90qw90lq917835lq9'];
    const messages = [
      { role: 'user' as const, content: 'Paris and Tokyo?' },
      {
        role: 'assistant' as const,
        content: null,
        tool_calls: ids.map((id) => ({
          id,
          type: 'function' as const,
          function: { name: 'get_weather', arguments: '{}' },
        })),
      },
      ...ids.map((id) => ({ role: 'tool' as const, tool_call_id: id, content: '18C' })),
    ];
    const sent = await upstreamBody(adapter, { messages, tools: [WEATHER_TOOL] });
    const mapped = sent.messages[1].tool_calls.map((c: { id: string }) => c.id);
    for (const id of mapped) expect(id).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(new Set(mapped).size).toBe(2);
    expect(sent.messages.slice(2).map((m: { tool_call_id: string }) => m.tool_call_id)).toEqual(mapped);
    expect(sent.messages.slice(2).map((m: { name: string }) => m.name)).toEqual([
      'get_weather',
      'get_weather',
    ]);
    // Deterministic across requests: a later turn maps the same history to the same ids.
    expect(
      (await upstreamBody(adapter, { messages })).messages[1].tool_calls.map((c: { id: string }) => c.id),
    ).toEqual(mapped);
    expect(JSON.stringify(messages)).toContain(ids[0]); // the client's body is not rewritten in place
  });

  it('keeps its own ids (from its answers) as they are', () => {
    expect(mistralToolCallId('D681PevKs')).toBe('D681PevKs');
    expect(mistralToolCallId('call_98660886')).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(mistralToolCallId('call_98660886')).not.toBe(mistralToolCallId('call_98660887'));
  });

  it('completes stream tool calls (index, type) and maps model_length to length', () => {
    const sse = [
      'data: {"id":"m1","object":"chat.completion.chunk","model":"mistral-large-latest","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}',
      'data: {"id":"m1","object":"chat.completion.chunk","model":"mistral-large-latest","choices":[{"index":0,"delta":{"tool_calls":[{"id":"D681PevKs","function":{"name":"get_weather","arguments":"{\\"location\\":\\"Paris\\"}"}},{"id":"Xy12AbC9z","function":{"name":"get_weather","arguments":"{\\"location\\":\\"Tokyo\\"}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":90,"completion_tokens":40,"total_tokens":130}}',
      'data: [DONE]',
      '',
    ].join('\n\n');
    const calls = translateSse(adapter, sse)[1]!.choices[0]!.delta.tool_calls!;
    expect(calls.map((c) => [c.index, c.id, c.type])).toEqual([
      [0, 'D681PevKs', 'function'],
      [1, 'Xy12AbC9z', 'function'],
    ]);
    const cut =
      '{"id":"m2","choices":[{"index":0,"message":{"role":"assistant","content":"Par"},"finish_reason":"model_length"}]}';
    expect((adapter.parseResponse(cut, makeCall({})) as ChatCompletion).choices[0]!.finish_reason).toBe(
      'length',
    );
  });

  it('ends the stream with an error on finish_reason "error"', () => {
    const translator = adapter.createStreamTranslator(makeCall({ stream: true }));
    const data = '{"id":"m3","choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}';
    expect(() => translator.event({ data } as never)).toThrow(UpstreamError);
  });

  it('classifies its errors (mistral_errors.json): top-level bodies, bare messages, FastAPI details', () => {
    const errors = wireJson<Array<{ status: number; body: Record<string, unknown> }>>('mistral_errors.json');
    const [badId, unauthorized, unprocessable, limited] = errors.map((e) =>
      adapter.classifyError(e.status, {}, JSON.stringify(e.body)),
    );
    expect(badId).toMatchObject({
      status: 400,
      type: 'invalid_function_call',
      code: '3280',
      retryable: false,
    });
    expect(badId!.message).toContain('with a length of 9');
    expect(unauthorized).toMatchObject({
      status: 401,
      type: 'authentication_error',
      message: 'Unauthorized',
    });
    expect(unprocessable).toMatchObject({
      status: 422,
      type: 'invalid_request_message_error',
      retryable: false,
    });
    expect(unprocessable!.message).toContain('Field required');
    expect(limited).toMatchObject({
      status: 429,
      type: 'rate_limit_error',
      message: 'Requests rate limit exceeded',
      retryable: true,
    });
  });
});

describe('the other presets', () => {
  it('fireworks: no stream_options (refused; usage always ends the stream)', async () => {
    const sent = await upstreamBody(presetAdapter('fireworks'), {
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(sent.stream).toBe(true);
    expect(sent).not.toHaveProperty('stream_options');
    const openai = await upstreamBody(presetAdapter('xai'), { stream: true });
    expect(openai.stream_options).toEqual({ include_usage: true });
  });

  it('ollama: max_completion_tokens is sent as max_tokens; its /v1 stream passes through (ollama_openai_stream.sse)', async () => {
    const adapter = presetAdapter('ollama');
    const sent = await upstreamBody(adapter, { max_completion_tokens: 256 });
    expect(sent.max_tokens).toBe(256);
    expect(sent).not.toHaveProperty('max_completion_tokens');
    const sse = wireText('ollama_openai_stream.sse');
    const chunks = translateSse(adapter, sse);
    expect(chunks).toEqual(dataLines(sse).map((d) => JSON.parse(d)));
    expect(chunks.map((c) => c.choices[0]?.delta.reasoning ?? '').join('')).toBe(
      "The user wants two cities. I'll call the tool twice.",
    );
  });

  it('lmstudio: json_object becomes a json_schema for any object; json_schema is kept', async () => {
    const adapter = presetAdapter('lmstudio');
    const sent = await upstreamBody(adapter, { response_format: { type: 'json_object' } });
    expect(sent.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'json_object', schema: { type: 'object' } },
    });
    const schema = {
      type: 'json_schema' as const,
      json_schema: { name: 'city', schema: { type: 'object' } },
    };
    expect((await upstreamBody(adapter, { response_format: schema })).response_format).toEqual(schema);
  });

  it('xai, vllm, perplexity: OpenAI bodies pass as they are (beyond the developer role)', async () => {
    const body = {
      messages: [{ role: 'user' as const, content: 'hi' }],
      seed: 7,
      max_completion_tokens: 9,
      user: 'u',
      top_k: 3,
    };
    for (const type of ['xai', 'vllm', 'perplexity']) {
      expect(await upstreamBody(presetAdapter(type), body)).toEqual({ model: 'test-model', ...body });
    }
  });
});
