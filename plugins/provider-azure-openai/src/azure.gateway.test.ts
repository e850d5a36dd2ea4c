/** Azure through a real gateway with the official `openai` SDK: the recorded stream, embeddings, content filter. */
import { readFileSync } from 'node:fs';
import {
  AZURE_MOCK_DEPLOYMENT,
  azureContentFilterError,
  azureEmbeddings,
  azureKit,
  type MockServer,
  startMockServer,
  startTestGateway,
  type TestGateway,
} from '@switchyard/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';

let mock: MockServer;
let gw: TestGateway;
let client: OpenAI;
const model = `azure/${AZURE_MOCK_DEPLOYMENT}`;

beforeAll(async () => {
  mock = await startMockServer();
  gw = await startTestGateway({
    providers: { azure: { type: 'azure-openai', ...azureKit.providerConfig(mock.url) } },
    routes: [],
  });
  client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'gateway-key', maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
  await mock?.close();
});
beforeEach(() => mock.reset());

it('the recorded stream (azure_chat_stream.sse) accumulates to the real id, text and finish reason', async () => {
  const sse = readFileSync(
    new URL('../../../packages/testing/wire/azure_chat_stream.sse', import.meta.url),
    'utf8',
  );
  mock.enqueue({ chunks: sse.split(/(?<=\n\n)/), headers: { 'content-type': 'text/event-stream' } });
  const stream = client.chat.completions.stream({ model, messages: [{ role: 'user', content: 'Weather?' }] });
  const final = await stream.finalChatCompletion();
  expect(final.id).toBe('chatcmpl-0GSWOydDxSkLmtkFpVYwu3cDniFkT');
  expect(final.model).toBe('gpt-4o-2024-08-06');
  expect(final.choices[0]!.message.content).toBe(
    "Right now it's 18 °C and partly cloudy in Paris, and 24 °C with clear skies in Tokyo.",
  );
  expect(final.choices[0]!.finish_reason).toBe('stop');
});

it('embeddings go to the deployment and come back as OpenAI embeddings', async () => {
  mock.enqueue(azureEmbeddings([[0.1, 0.2, 0.3]]));
  const res = await client.embeddings.create({ model, input: 'hello world', encoding_format: 'float' });
  expect(res.data[0]!.embedding).toEqual([0.1, 0.2, 0.3]);
  expect(mock.calls[0]!.path).toBe(
    `/openai/deployments/${AZURE_MOCK_DEPLOYMENT}/embeddings?api-version=2024-10-21`,
  );
});

it('a prompt refused by the content filter is a 400 with code content_filter, not retried', async () => {
  mock.enqueue(azureContentFilterError());
  const err = await client.chat.completions
    .create({ model, messages: [{ role: 'user', content: 'x' }] })
    .catch((e) => e);
  expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  expect(err.code).toBe('content_filter');
  expect(err.param).toBe('prompt');
  expect(mock.calls).toHaveLength(1);
});
