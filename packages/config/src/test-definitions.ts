/** Fake plugin and provider definitions for the tests: small schemas shaped like the real ones. */

import { duration } from '@switchyard/core';
import * as v from 'valibot';
import type { DefinitionSource } from './types.js';

type PluginEntry = NonNullable<Awaited<ReturnType<DefinitionSource['plugin']>>>;
type ProviderEntry = NonNullable<Awaited<ReturnType<DefinitionSource['provider']>>>;

export const fakePlugins: Record<string, PluginEntry> = {
  retry: {
    schema: v.strictObject({
      attempts: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 3),
      backoff: v.optional(v.strictObject({ initial: v.optional(duration(), '200ms') }), {}),
    }),
  },
  auth: {
    schema: v.object({
      keys: v.array(
        v.object({ name: v.string(), key: v.optional(v.string()), key_sha256: v.optional(v.string()) }),
      ),
    }),
    warnings: (options: { keys: Array<{ key?: string }> }) =>
      options.keys.flatMap((entry, index) =>
        entry.key ? [{ path: ['keys', index, 'key'], message: 'a plain-text key; prefer key_sha256' }] : [],
      ),
  },
  metrics: { schema: v.object({ path: v.optional(v.string(), '/metrics') }) },
  cache: {
    schema: v.object({
      store: v.variant('type', [
        v.strictObject({ type: v.literal('memory'), max_entries: v.optional(v.number()) }),
        v.strictObject({ type: v.literal('redis'), prefix: v.optional(v.string()) }),
      ]),
    }),
  },
  // A plugin without a schema takes its options as written.
  router: {},
};

export const fakeProviders: Record<string, ProviderEntry> = {
  openai: {
    defaultBaseUrl: 'https://api.openai.com/v1',
    schema: v.object({ organization: v.optional(v.string()) }),
  },
  anthropic: {
    defaultBaseUrl: 'https://api.anthropic.com',
    schema: v.object({
      api_version: v.optional(v.string(), '2023-06-01'),
      max_tokens_default: v.optional(v.pipe(v.number(), v.integer()), 4096),
    }),
  },
  bedrock: {
    defaultBaseUrl: 'https://bedrock-runtime.us-east-1.amazonaws.com',
    schema: v.looseObject({ region: v.string() }),
  },
  mock: { defaultBaseUrl: 'http://mock.invalid' },
};

/** A DefinitionSource over the fakes that records what it was asked for. */
export function fakeDefinitions(
  plugins: Record<string, PluginEntry> = fakePlugins,
  providers: Record<string, ProviderEntry> = fakeProviders,
) {
  const asked = { plugins: [] as string[], providers: [] as string[] };
  const source: DefinitionSource = {
    async plugin(use) {
      asked.plugins.push(use);
      return plugins[use];
    },
    async provider(type) {
      asked.providers.push(type);
      return providers[type];
    },
  };
  return { source, asked };
}
