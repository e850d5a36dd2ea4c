/** Shared by the tests: the wire examples, an adapter with test settings, and UpstreamCall / stream helpers. */
import { readFileSync } from 'node:fs';
import {
  DONE,
  type ProviderAdapter,
  type ProviderConfig,
  type StreamItem,
  type UpstreamCall,
} from '@switchyard/core';
import { type ChatChunk, type ChatRequest, SseParser } from '@switchyard/protocol';
import anthropic from './index.js';

const WIRE = new URL('../../../packages/testing/wire/', import.meta.url);

export function wireText(name: string): string {
  return readFileSync(new URL(name, WIRE), 'utf8');
}

export function wireJson<T = any>(name: string): T {
  return JSON.parse(wireText(name));
}

export const MODEL = 'claude-sonnet-4-5-20250929';

export function makeAdapter(
  overrides: Partial<ProviderConfig> & Record<string, unknown> = {},
): ProviderAdapter {
  return anthropic.create(
    {
      type: 'anthropic',
      base_url: anthropic.defaultBaseUrl,
      api_key: 'test-key',
      headers: {},
      timeout: { connect: 1000, first_token: 1000, idle: 1000, total: 1000 },
      models: [],
      api_version: '2023-06-01',
      max_tokens_default: 4096,
      ...overrides,
    },
    { log: console, env: {} },
  );
}

export function makeCall(body: Partial<ChatRequest> & Record<string, unknown>, model = MODEL): UpstreamCall {
  const full = { model, messages: [], ...body } as UpstreamCall['body'];
  return {
    operation: 'chat',
    body: full,
    model,
    stream: body.stream === true,
    includeUsage: true,
    requestId: 'req-1',
  };
}

/** The Anthropic body `buildRequest` produces for an OpenAI body. */
export async function upstreamBody(
  body: Partial<ChatRequest> & Record<string, unknown>,
  adapter = makeAdapter(),
) {
  const req = await adapter.buildRequest(makeCall(body));
  return JSON.parse(req.body as string);
}

/** Runs SSE text through a fresh translator, as the core does: stop at DONE, then end(). */
export function translateSse(
  sse: string,
  adapter = makeAdapter(),
  call = makeCall({ stream: true }),
): ChatChunk[] {
  const translator = adapter.createStreamTranslator(call);
  const parser = new SseParser();
  const out: StreamItem[] = [];
  for (const ev of [...parser.push(sse), ...parser.end()]) {
    const items = translator.event(ev);
    if (items === DONE) break;
    out.push(...items);
  }
  out.push(...translator.end());
  return out.map((item) => (typeof item === 'string' ? JSON.parse(item) : item));
}
