import type { ProviderDefinition } from '@switchyard/core';
import { openaiAdapter } from './adapter.js';
import { type OpenAIOptions, openaiHeaders, openaiSchema } from './options.js';

export { type OpenAIAdapterOptions, openaiAdapter } from './adapter.js';
export { classifyOpenAIError, retryableStatus } from './errors.js';
export { presets } from './presets.js';

const openai: ProviderDefinition<OpenAIOptions> = {
  type: 'openai',
  defaultBaseUrl: 'https://api.openai.com/v1',
  schema: openaiSchema,
  create: (config) => openaiAdapter(config, { headers: openaiHeaders(config) }),
};

export default openai;
