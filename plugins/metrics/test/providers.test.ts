/**
 * Usage on every translated path: for each provider wire format, a JSON answer and a stream that did not
 * ask for usage are counted exactly as the upstream reported them, prompt-cache reads included, and
 * priced from the shipped table (or reported unpriced when it has no entry).
 */
import {
  anthropicKit,
  azureKit,
  bedrockKit,
  geminiKit,
  type MockServer,
  openaiKit,
  type ProviderWireKit,
  startMockServer,
  startTestGateway,
  type TestGateway,
} from '@switchyard/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrape } from './prom.js';

/**
 * The shipped prices of each kit's model (USD per million: input, output, cached input). Bedrock and
 * Azure (a deployment name) have none shipped: they are reported unpriced.
 */
const cases: Array<{ kit: ProviderWireKit; price?: [number, number, number] }> = [
  { kit: openaiKit, price: [0.15, 0.6, 0.075] },
  { kit: anthropicKit, price: [3, 15, 0.3] },
  { kit: geminiKit, price: [0.3, 2.5, 0.03] },
  { kit: bedrockKit },
  { kit: azureKit },
];

describe.each(cases)('usage and cost through $kit.type', ({ kit, price }) => {
  let mock: MockServer;
  let gw: TestGateway;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockServer();
    gw = await startTestGateway({
      providers: { up: { type: kit.type, ...kit.providerConfig(mock.url) } },
      routes: [{ name: 'r', match: { models: ['m'] }, targets: [{ provider: 'up', model: kit.model }] }],
      plugins: ['metrics'],
    });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'client-key', maxRetries: 0 });
  });
  afterAll(async () => {
    await gw?.close();
    await mock?.close();
  });

  it('counts the JSON and the streamed usage exactly, and prices it', async () => {
    mock.enqueue(kit.text('Paris is sunny.', { input: 1200, output: 40, cached: 1000 }));
    const json = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'Weather?' }],
    });
    expect(json.usage?.prompt_tokens).toBe(1200);
    mock.enqueue(kit.text('Paris is sunny today.', { input: 300, output: 25 }));
    const stream = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'Weather?' }],
      stream: true,
    });
    let sawUsage = false;
    for await (const chunk of stream) sawUsage ||= !!chunk.usage;
    expect(sawUsage).toBe(false); // the client did not ask for it

    const m = await scrape(gw.url);
    const labels = (direction: string) => ({ direction, provider: 'up', model: kit.model });
    expect(m.value('switchyard_tokens_total', labels('input'))).toBe(1500);
    expect(m.value('switchyard_tokens_total', labels('output'))).toBe(65);
    expect(m.value('switchyard_tokens_total', labels('cached_input'))).toBe(1000);
    const cost = m.value('switchyard_cost_usd_total', { provider: 'up', model: kit.model });
    if (price) {
      const [input, output, cached] = price;
      const expected = (200 * input + 1000 * cached + 40 * output + 300 * input + 25 * output) / 1e6;
      expect(cost).toBeCloseTo(expected, 12);
      expect(m.value('switchyard_unpriced_requests_total')).toBeUndefined();
    } else {
      expect(cost).toBeUndefined();
      expect(m.value('switchyard_unpriced_requests_total', { provider: 'up', model: kit.model })).toBe(2);
    }
  });
});
