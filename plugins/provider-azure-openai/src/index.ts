/**
 * The `azure-openai` provider type: Azure OpenAI deployments, through the OpenAI translator.
 * `{base_url}/openai/deployments/{model}/chat/completions?api-version=…` (the model is the deployment
 * name), or the v1 API (`api_version: v1` → `{base_url}/openai/v1/chat/completions`, model in the body).
 * The key goes in the `api-key` header; Azure's stream prelude is handled by ./stream.ts.
 * docs/providers.md describes the keys.
 */
import type { ProviderAdapter, ProviderConfig, ProviderDefinition, UpstreamCall } from '@switchyard/core';
import { openaiAdapter } from '@switchyard/plugin-provider-openai';
import * as v from 'valibot';
import { azureStream } from './stream.js';

/** The newest GA data-plane version (it has `stream_options`, so streams report usage). */
export const DEFAULT_API_VERSION = '2024-10-21';
/** Versions before this one refuse `stream_options` ("Unrecognized request argument"). */
const STREAM_OPTIONS_SINCE = '2024-09-01';

const schema = v.object({
  api_version: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^(v1|\d{4}-\d{2}-\d{2}(-preview)?)$/, 'expected v1 or a date version like 2024-10-21'),
      v.description('The api-version query parameter, or v1 for the version-less v1 API.'),
    ),
    DEFAULT_API_VERSION,
  ),
});

export type AzureOptions = v.InferOutput<typeof schema>;

const OPERATION_PATHS = { chat: 'chat/completions', embeddings: 'embeddings' } as const;

/** The resource URL without a trailing `/` or `/openai` (both spellings are common in Azure docs). */
export function azureEndpoint(baseUrl: string | undefined, env: NodeJS.ProcessEnv): URL {
  const raw = baseUrl || env.AZURE_OPENAI_ENDPOINT;
  if (!raw) {
    throw new Error(
      'azure-openai needs base_url (https://<resource>.openai.azure.com) or the AZURE_OPENAI_ENDPOINT variable',
    );
  }
  const url = new URL(raw);
  url.pathname = url.pathname.replace(/\/+$/, '').replace(/\/openai$/, '');
  return url;
}

export function createAzureAdapter(
  config: ProviderConfig & AzureOptions,
  env: NodeJS.ProcessEnv = {},
): ProviderAdapter {
  const endpoint = azureEndpoint(config.base_url, env);
  const prefix = endpoint.pathname.replace(/\/+$/, '');
  const version = config.api_version ?? DEFAULT_API_VERSION;
  const key = config.api_key ?? env.AZURE_OPENAI_API_KEY;

  const path = (call: UpstreamCall) =>
    version === 'v1'
      ? `${prefix}/openai/v1/${OPERATION_PATHS[call.operation]}`
      : `${prefix}/openai/deployments/${encodeURIComponent(call.model)}/${OPERATION_PATHS[call.operation]}?api-version=${encodeURIComponent(version)}`;
  const refusesStreamOptions = version !== 'v1' && version.slice(0, 10) < STREAM_OPTIONS_SINCE;

  const base = openaiAdapter(
    { ...config, base_url: endpoint.href, api_key: undefined },
    {
      headers: key ? { 'api-key': key } : {},
      path,
      ...(refusesStreamOptions && {
        rewriteBody: ({ stream_options: _, ...body }) => body,
      }),
    },
  );
  return {
    ...base,
    baseUrl: endpoint.href,
    createStreamTranslator: (call) => azureStream(base.createStreamTranslator(call)),
  };
}

const azureOpenai: ProviderDefinition<AzureOptions> = {
  type: 'azure-openai',
  // No default: every Azure resource has its own host (base_url, or AZURE_OPENAI_ENDPOINT).
  defaultBaseUrl: '',
  schema,
  create: (config, host) => createAzureAdapter(config, host.env),
};

export default azureOpenai;
