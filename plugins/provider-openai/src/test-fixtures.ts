/** Shared by the tests: the wire examples, preset adapters with test settings, and stream helpers. */
import { readFileSync } from 'node:fs';
import {
  DONE,
  type ProviderAdapter,
  type ProviderConfig,
  type StreamItem,
  type UpstreamCall,
} from '@switchyard/core';
import { type ChatChunk, type ChatRequest, SseParser } from '@switchyard/protocol';
import { presets } from './presets.js';

const WIRE = new URL('../../../packages/testing/wire/', import.meta.url);

export function wireText(name: string): string {
  return readFileSync(new URL(name, WIRE), 'utf8');
}

export function wireJson<T = any>(name: string): T {
  return JSON.parse(wireText(name));
}

/** The adapter of preset `type`, pointed at its default base URL unless told otherwise. */
export function presetAdapter(
  type: string,
  overrides: Partial<ProviderConfig> & Record<string, unknown> = {},
): ProviderAdapter {
  const definition = presets[type]!;
  return definition.create(
    {
      type,
      base_url: definition.defaultBaseUrl,
      api_key: 'test-key',
      headers: {},
      timeout: { connect: 1000, first_token: 1000, idle: 1000, total: 1000 },
      models: [],
      ...overrides,
    },
    { log: console, env: {} },
  );
}

export function makeCall(
  body: Partial<ChatRequest> & Record<string, unknown>,
  operation: UpstreamCall['operation'] = 'chat',
): UpstreamCall {
  const model = body.model ?? 'test-model';
  return {
    operation,
    body: { model, messages: [], ...body } as UpstreamCall['body'],
    model,
    stream: body.stream === true,
    includeUsage: true,
    requestId: 'req-1',
  };
}

/** The body a preset sends upstream for a client body. */
export async function upstreamBody(
  adapter: ProviderAdapter,
  body: Partial<ChatRequest> & Record<string, unknown>,
) {
  const req = await adapter.buildRequest(makeCall(body));
  return JSON.parse(req.body as string);
}

/** Runs SSE text through a fresh translator, as the core does: stop at DONE, then end(). */
export function translateSse(
  adapter: ProviderAdapter,
  sse: string,
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
