/**
 * `model: "auto"` through the real gateway with the OpenAI SDK: two mock providers stand for a cheap and a
 * strong vendor, and the answering route (x-switchyard-route) shows where the scorer sent each request.
 */
import { startTestGateway, type TestGateway } from '@switchyard/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { javaTrace } from './test/requests.js';

let gw: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  gw = await startTestGateway({
    providers: { cheap: { type: 'mock' }, strong: { type: 'mock' } },
    routes: [
      {
        name: 'auto-vision',
        match: { models: ['auto'], auto: { needs: ['vision'] } },
        targets: [{ provider: 'strong', model: 'vision' }],
      },
      {
        name: 'auto-tools',
        match: { models: ['auto'], auto: { needs: ['tools'] } },
        targets: [{ provider: 'cheap', model: 'tools' }],
      },
      {
        name: 'auto-high',
        match: { models: ['auto'], auto: { tier: ['high'] } },
        targets: [{ provider: 'strong', model: 'big' }],
      },
      {
        name: 'auto-medium',
        match: { models: ['auto'], auto: { tier: ['medium'] } },
        targets: [{ provider: 'strong', model: 'mid' }],
      },
      {
        name: 'auto-low',
        match: { models: ['auto'], auto: { score: { max: 0.21 } } },
        targets: [{ provider: 'cheap', model: 'small' }],
      },
    ],
    plugins: [{ autoroute: {} }],
  });
  client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
});

async function ask(
  body: Omit<OpenAI.ChatCompletionCreateParamsNonStreaming, 'model'>,
  headers?: Record<string, string>,
) {
  const { data, response } = await client.chat.completions
    .create({ model: 'auto', ...body }, { headers })
    .withResponse();
  const h = (name: string) => response.headers.get(name);
  return {
    data,
    route: h('x-switchyard-route'),
    provider: h('x-switchyard-provider'),
    tier: h('x-switchyard-auto-tier'),
    score: h('x-switchyard-auto-score'),
    skill: h('x-switchyard-auto-skill'),
    explain: h('x-switchyard-auto-explain'),
  };
}

describe('model auto through the gateway', () => {
  it('sends a one-line greeting to the low tier and names tier, score and skill', async () => {
    const r = await ask({ messages: [{ role: 'user', content: 'Hi! How are you today?' }] });
    expect(r).toMatchObject({ route: 'auto-low', provider: 'cheap', tier: 'low', skill: 'default' });
    expect(Number(r.score)).toBeLessThan(0.21);
    expect(r.data.choices[0]!.message.content).toBe('Hi! How are you today?');
  });

  it('keeps greetings with "where", "from", "let" and "plan" in the low tier', async () => {
    for (const content of [
      'Hey! Where are you from?',
      "Hello, let me know what the plan is. Let's talk later, from home.",
    ]) {
      expect(await ask({ messages: [{ role: 'user', content }] })).toMatchObject({
        route: 'auto-low',
        tier: 'low',
      });
    }
  });

  it('sends a 200-line stack trace with "find the race condition" to the high tier', async () => {
    const content = `${javaTrace(200)}\n\nThis happens a few times a day under load. Find the race condition.`;
    const r = await ask({ messages: [{ role: 'user', content }] });
    expect(r).toMatchObject({ route: 'auto-high', provider: 'strong', tier: 'high', skill: 'code' });
  });

  it('sends a request with tools to the tool-capable route', async () => {
    const r = await ask({
      messages: [{ role: 'user', content: "What's the weather in Paris?" }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        },
      ],
    });
    expect(r.route).toBe('auto-tools');
  });

  it('sends an image to the vision-capable route', async () => {
    const r = await ask({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture?' },
            { type: 'image_url', image_url: { url: 'https://images.example.com/dog.jpg' } },
          ],
        },
      ],
    });
    expect(r).toMatchObject({ route: 'auto-vision', provider: 'strong' });
  });

  it('returns the contributions on request, adding up to the score', async () => {
    const plain = await ask({
      messages: [{ role: 'user', content: 'Prove that sqrt(2) is irrational, rigorously.' }],
    });
    expect(plain.explain).toBeNull();
    const r = await ask(
      { messages: [{ role: 'user', content: 'Prove that sqrt(2) is irrational, rigorously.' }] },
      { 'x-switchyard-auto-explain': 'true' },
    );
    const parts = JSON.parse(r.explain!) as Record<string, number>;
    expect(parts.formal).toBeGreaterThan(0);
    const sum = Object.values(parts).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(Number(r.score), 9);
    expect(r.route).toBe(`auto-${r.tier}`);
  });

  it('routes and labels streams the same way', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'auto', stream: true, messages: [{ role: 'user', content: 'hello there' }] })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.trim()).toBe('hello there');
    expect(response.headers.get('x-switchyard-route')).toBe('auto-low');
    expect(response.headers.get('x-switchyard-auto-tier')).toBe('low');
  });

  it('leaves a named model alone', async () => {
    const { response } = await client.chat.completions
      .create({ model: 'cheap/small', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(response.headers.get('x-switchyard-auto-tier')).toBeNull();
    expect(response.headers.get('x-switchyard-provider')).toBe('cheap');
  });
});
