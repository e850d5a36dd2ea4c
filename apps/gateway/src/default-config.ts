/**
 * The embedded default config: the offline `mock` provider (so `mock/echo` always answers with no keys
 * and no network) plus one provider for each well-known API key found in the environment.
 */
const WELL_KNOWN: Array<[env: string, id: string, type: string]> = [
  ['OPENAI_API_KEY', 'openai', 'openai'],
  ['ANTHROPIC_API_KEY', 'anthropic', 'anthropic'],
  ['GEMINI_API_KEY', 'gemini', 'gemini'],
  ['GROQ_API_KEY', 'groq', 'groq'],
  ['MISTRAL_API_KEY', 'mistral', 'mistral'],
  ['DEEPSEEK_API_KEY', 'deepseek', 'deepseek'],
  ['OPENROUTER_API_KEY', 'openrouter', 'openrouter'],
  ['TOGETHER_API_KEY', 'together', 'together'],
  ['FIREWORKS_API_KEY', 'fireworks', 'fireworks'],
  ['XAI_API_KEY', 'xai', 'xai'],
  ['PERPLEXITY_API_KEY', 'perplexity', 'perplexity'],
];

export function defaultConfigYaml(env: NodeJS.ProcessEnv): string {
  const providers = WELL_KNOWN.filter(([key]) => env[key])
    .map(([key, id, type]) => `  ${id}:\n    type: ${type}\n    api_key: \${${key}}\n`)
    .join('');
  return `# Switchyard embedded default config
server:
  host: \${HOST:-127.0.0.1}
  port: \${PORT:-8080}
providers:
  mock:
    type: mock
    models: [echo]
${providers}routes: []
plugins:
  - metrics
`;
}
