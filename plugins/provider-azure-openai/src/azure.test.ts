import { readFileSync } from 'node:fs';
import { DONE, type ProviderConfig, type StreamItem, type UpstreamCall } from '@switchyard/core';
import { type ChatChunk, SseParser } from '@switchyard/protocol';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import azure, { createAzureAdapter, DEFAULT_API_VERSION } from './index.js';

const WIRE = new URL('../../../packages/testing/wire/', import.meta.url);
const wireText = (name: string) => readFileSync(new URL(name, WIRE), 'utf8');
const RESOURCE = 'https://my-resource.openai.azure.com';

function adapter(overrides: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = {}) {
  const config = {
    type: 'azure-openai',
    base_url: RESOURCE,
    api_key: '0123456789abcdef0123456789abcdef',
    headers: {},
    timeout: { connect: 1000, first_token: 1000, idle: 1000, total: 1000 },
    models: [],
    api_version: DEFAULT_API_VERSION,
    ...overrides,
  } as ProviderConfig & { api_version: string };
  return createAzureAdapter(config, env);
}

function call(
  body: Record<string, unknown> = {},
  operation: UpstreamCall['operation'] = 'chat',
): UpstreamCall {
  const model = 'my-gpt4o-deployment';
  return {
    operation,
    body: { model, messages: [], ...body } as never,
    model,
    stream: body.stream === true,
    includeUsage: true,
    requestId: 'r1',
  };
}

function translate(sse: string, translator = adapter().createStreamTranslator(call({ stream: true }))) {
  const out: StreamItem[] = [];
  for (const ev of new SseParser().push(sse)) {
    const items = translator.event(ev);
    if (items === DONE) break;
    out.push(...items);
  }
  out.push(...translator.end());
  return out;
}
const parsed = (items: StreamItem[]) =>
  items.map((i) => (typeof i === 'string' ? JSON.parse(i) : i) as ChatChunk);

describe('requests (azure_chat_request.http)', () => {
  it('chat goes to the deployment URL with api-version and the api-key header', async () => {
    const req = await adapter().buildRequest(call());
    expect(req.path).toBe('/openai/deployments/my-gpt4o-deployment/chat/completions?api-version=2024-10-21');
    expect(req.headers['api-key']).toBe('0123456789abcdef0123456789abcdef');
    expect(req.headers.authorization).toBeUndefined();
    expect(adapter().baseUrl).toBe(`${RESOURCE}/`);
  });

  it('embeddings go to the deployment too', async () => {
    const req = await adapter().buildRequest(call({ input: ['hello world'] }, 'embeddings'));
    expect(req.path).toBe('/openai/deployments/my-gpt4o-deployment/embeddings?api-version=2024-10-21');
    expect(adapter().operations).toEqual(['chat', 'embeddings']);
  });

  it('api_version v1 uses the version-less v1 API, the deployment named in the body', async () => {
    const req = await adapter({ api_version: 'v1' }).buildRequest(call());
    expect(req.path).toBe('/openai/v1/chat/completions');
    expect(JSON.parse(req.body as string).model).toBe('my-gpt4o-deployment');
  });

  it('a base_url ending in /openai (or /) is the same resource; a proxy path prefix is kept', async () => {
    for (const base_url of [`${RESOURCE}/openai/`, `${RESOURCE}/`]) {
      expect((await adapter({ base_url }).buildRequest(call())).path).toMatch(/^\/openai\/deployments\//);
    }
    const proxied = await adapter({ base_url: 'https://gw.internal/azure' }).buildRequest(call());
    expect(proxied.path).toBe(
      '/azure/openai/deployments/my-gpt4o-deployment/chat/completions?api-version=2024-10-21',
    );
  });

  it('deployment names are escaped in the path', async () => {
    const req = await adapter().buildRequest({ ...call(), model: 'team a/gpt' });
    expect(req.path).toContain('/deployments/team%20a%2Fgpt/');
  });

  it('reads AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_KEY when the block has no base_url / api_key', async () => {
    const env = {
      AZURE_OPENAI_ENDPOINT: 'https://env-resource.openai.azure.com',
      AZURE_OPENAI_API_KEY: 'env-key',
    };
    const fromEnv = adapter({ base_url: '', api_key: undefined }, env);
    expect(fromEnv.baseUrl).toBe('https://env-resource.openai.azure.com/');
    expect((await fromEnv.buildRequest(call())).headers['api-key']).toBe('env-key');
    expect(() => adapter({ base_url: '' })).toThrow(/needs base_url .*AZURE_OPENAI_ENDPOINT/);
  });

  it('an Entra ID token goes in headers instead of a key', async () => {
    const req = await adapter({
      api_key: undefined,
      headers: { authorization: 'Bearer eyJ0eXAi' },
    }).buildRequest(call());
    expect(req.headers.authorization).toBe('Bearer eyJ0eXAi');
    expect(req.headers['api-key']).toBeUndefined();
  });

  it('asks for stream usage, except on api versions that predate stream_options', async () => {
    const body = async (a: ReturnType<typeof adapter>) =>
      JSON.parse((await a.buildRequest(call({ stream: true }))).body as string);
    expect((await body(adapter())).stream_options).toEqual({ include_usage: true });
    expect(await body(adapter({ api_version: '2024-02-01' }))).not.toHaveProperty('stream_options');
    expect((await body(adapter({ api_version: '2024-12-01-preview' }))).stream_options).toEqual({
      include_usage: true,
    });
  });

  it('api_version defaults to the GA version and must look like one', () => {
    const schema = azure.schema!;
    expect(v.parse(schema, {})).toEqual({ api_version: DEFAULT_API_VERSION });
    expect(v.safeParse(schema, { api_version: '2025-04-01-preview' }).success).toBe(true);
    expect(v.safeParse(schema, { api_version: 'latest' }).success).toBe(false);
  });
});

describe('answers', () => {
  it('JSON answers are forwarded as Azure sent them (azure_chat_response_text.json)', () => {
    const text = wireText('azure_chat_response_text.json');
    const out = adapter().parseResponse(text, call()) as {
      raw: string;
      body: { prompt_filter_results: unknown };
    };
    expect(out.raw).toBe(text);
    expect(out.body.prompt_filter_results).toBeDefined();
  });

  it('the stream prelude (choices: [], empty id) is held back and its filter results ride on the next chunk (azure_chat_stream.sse)', () => {
    const sse = wireText('azure_chat_stream.sse');
    const chunks = parsed(translate(sse));
    const prelude = JSON.parse(sse.split('\n')[0]!.slice(6));
    expect(
      chunks.every((c) => c.choices.length === 1 && c.id === 'chatcmpl-0GSWOydDxSkLmtkFpVYwu3cDniFkT'),
    ).toBe(true);
    expect(chunks[0]!.prompt_filter_results).toEqual(prelude.prompt_filter_results);
    expect(chunks.slice(1).some((c) => 'prompt_filter_results' in c)).toBe(false);
    expect(chunks.map((c) => c.choices[0]!.delta.content ?? '').join('')).toBe(
      "Right now it's 18 °C and partly cloudy in Paris, and 24 °C with clear skies in Tokyo.",
    );
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
  });

  it('ordinary chunks after the first stay the upstream text (no re-serialization)', () => {
    const sse = wireText('azure_chat_stream.sse');
    const items = translate(sse);
    const dataLines = sse
      .split('\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => l.slice(6));
    expect(typeof items[0]).toBe('object');
    expect(items.slice(1)).toEqual(dataLines.slice(2));
  });

  it('keeps the usage chunk and gives delta-less filter annotations an empty delta', () => {
    const sse = [
      'data: {"choices":[{"index":0,"finish_reason":null,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}},"content_filter_offsets":{"check_offset":0,"start_offset":0,"end_offset":9}}],"id":"c1","model":"gpt-4o","object":"chat.completion.chunk","created":1}',
      'data: {"choices":[],"id":"c1","model":"gpt-4o","object":"chat.completion.chunk","created":1,"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}',
      'data: [DONE]',
      '',
    ].join('\n\n');
    const chunks = parsed(translate(sse));
    expect(chunks[0]!.choices[0]).toMatchObject({ delta: {}, content_filter_offsets: { end_offset: 9 } });
    expect(chunks[1]).toMatchObject({ choices: [], usage: { total_tokens: 7 } });
  });
});

describe('errors (azure_errors.json)', () => {
  const cases = JSON.parse(wireText('azure_errors.json')) as Array<{
    status: number;
    headers?: Record<string, string>;
    body: unknown;
  }>;
  const classify = (i: number) =>
    adapter().classifyError(cases[i]!.status, cases[i]!.headers ?? {}, JSON.stringify(cases[i]!.body));

  it('a filtered prompt is a 400 invalid_request_error with code content_filter and param prompt', () => {
    expect(classify(0)).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      code: 'content_filter',
      param: 'prompt',
      retryable: false,
    });
    expect(classify(0).message).toContain('content management policy');
  });

  it('gateway-layer errors with string codes get a type from their status', () => {
    expect(classify(1)).toMatchObject({
      status: 401,
      type: 'authentication_error',
      code: '401',
      retryable: false,
    });
    expect(classify(2)).toMatchObject({ status: 404, type: 'not_found_error', code: 'DeploymentNotFound' });
    expect(classify(3)).toMatchObject({
      status: 404,
      type: 'not_found_error',
      message: 'Resource not found',
    });
    expect(classify(4)).toMatchObject({
      status: 429,
      type: 'rate_limit_error',
      code: '429',
      retryable: true,
    });
    expect(classify(5)).toMatchObject({ status: 500, type: 'server_error', retryable: true });
  });
});
