import type { ProviderDefinition } from '@switchyard/core';
import * as v from 'valibot';
import { openaiAdapter } from './adapter.js';

export { openaiAdapter, type OpenAIAdapterOptions } from './adapter.js';
export { classifyOpenAIError, retryableStatus } from './errors.js';
export { presets } from './presets.js';

const schema = v.object({
  organization: v.optional(v.pipe(v.string(), v.description('Sent as OpenAI-Organization.'))),
  project: v.optional(v.pipe(v.string(), v.description('Sent as OpenAI-Project.'))),
});

const openai: ProviderDefinition<v.InferOutput<typeof schema>> = {
  type: 'openai',
  defaultBaseUrl: 'https://api.openai.com/v1',
  schema,
  create(config) {
    const headers: Record<string, string> = {};
    if (config.organization) headers['openai-organization'] = config.organization;
    if (config.project) headers['openai-project'] = config.project;
    return openaiAdapter(config, { headers });
  },
};

export default openai;
