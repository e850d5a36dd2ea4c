/**
 * The `gemini` provider type: Google's Generative Language API (generateContent / streamGenerateContent).
 * docs/providers/gemini.md describes what is translated and what is lossy.
 */
import type { ProviderAdapter, ProviderConfig, ProviderDefinition } from '@switchyard/core';
import * as v from 'valibot';
import { classifyError } from './errors.js';
import { buildRequest } from './request.js';
import { parseResponse } from './response.js';
import { createStreamTranslator } from './stream.js';

export function createGeminiAdapter(config: ProviderConfig): ProviderAdapter {
  return {
    operations: ['chat'],
    buildRequest: (call) => buildRequest(config, call),
    parseResponse,
    createStreamTranslator,
    classifyError,
  };
}

const gemini: ProviderDefinition<Record<string, never>> = {
  type: 'gemini',
  defaultBaseUrl: 'https://generativelanguage.googleapis.com',
  // No type-specific keys: base_url, api_key and headers are the common ones the core validates.
  schema: v.object({}),
  create: (config) => createGeminiAdapter(config),
};

export default gemini;
