/**
 * OpenAI-compatible vendors: the OpenAI adapter with each vendor's default base URL and quirks.
 */
import type { ProviderDefinition } from '@switchyard/core';
import { openaiAdapter } from './adapter.js';

function preset(type: string, defaultBaseUrl: string): ProviderDefinition {
  return { type, defaultBaseUrl, create: (config) => openaiAdapter(config) };
}

export const presets: Record<string, ProviderDefinition> = Object.fromEntries(
  [
    preset('groq', 'https://api.groq.com/openai/v1'),
    preset('together', 'https://api.together.xyz/v1'),
    preset('openrouter', 'https://openrouter.ai/api/v1'),
    preset('deepseek', 'https://api.deepseek.com/v1'),
    preset('mistral', 'https://api.mistral.ai/v1'),
    preset('fireworks', 'https://api.fireworks.ai/inference/v1'),
    preset('xai', 'https://api.x.ai/v1'),
    preset('perplexity', 'https://api.perplexity.ai'),
    preset('ollama', 'http://127.0.0.1:11434/v1'),
    preset('vllm', 'http://127.0.0.1:8000/v1'),
    preset('lmstudio', 'http://127.0.0.1:1234/v1'),
  ].map((p) => [p.type, p]),
);
