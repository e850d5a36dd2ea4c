/** Shared by the tests: the wire examples and an adapter built the way the core builds it. */
import { readFileSync } from 'node:fs';
import type { ProviderAdapter, ProviderConfig, UpstreamCall } from '@switchyard/core';
import type { ChatRequest } from '@switchyard/protocol';
import provider, { type BedrockOptions } from './index.js';

const wire = new URL('../../../packages/testing/wire/', import.meta.url);

export const wirePath = (name: string) => new URL(name, wire);
export const readWire = (name: string) => readFileSync(wirePath(name), 'utf8');
export const readWireJson = (name: string) => JSON.parse(readWire(name));
export const readWireBytes = (name: string) => new Uint8Array(readFileSync(wirePath(name)));

/** The model of the expected/ fixtures: an inference-profile id with a `:` that must be URL-encoded. */
export const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

export function providerConfig(
  options: Partial<ProviderConfig & BedrockOptions> = {},
): ProviderConfig & BedrockOptions {
  return {
    type: 'bedrock',
    base_url: '',
    headers: {},
    timeout: { connect: 5000, first_token: 60000, idle: 30000, total: 600000 },
    models: [],
    ...options,
  };
}

const log = { debug() {}, info() {}, warn() {}, error() {} };

export function makeAdapter(
  options: Partial<ProviderConfig & BedrockOptions> = {},
  env: NodeJS.ProcessEnv = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'secret',
  },
): ProviderAdapter {
  return provider.create(providerConfig(options), { log, env });
}

export function makeCall(body: Partial<ChatRequest> & Record<string, unknown>, model = MODEL): UpstreamCall {
  const full = { messages: [], ...body, model } as UpstreamCall['body'];
  return {
    operation: 'chat',
    body: full,
    model,
    stream: full.stream === true,
    includeUsage: true,
    requestId: 'req_test1',
  };
}
