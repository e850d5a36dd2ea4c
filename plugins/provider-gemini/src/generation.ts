/** OpenAI sampling, output-format and reasoning fields → Gemini `generationConfig`. */
import type { ChatRequest } from '@switchyard/protocol';
import type { GeminiGenerationConfig } from './gemini-types.js';
import { toGeminiSchema } from './schema.js';

/**
 * `reasoning_effort` → `thinkingBudget` tokens. Budgets (not Gemini 3's `thinkingLevel`) because every
 * thinking model accepts them; 24576 is the largest budget 2.5 Flash allows, so `high` and above stay valid.
 */
const THINKING_BUDGET: Record<string, number> = {
  none: 0,
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 24576,
  max: 24576,
};

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export function generationConfig(body: ChatRequest): GeminiGenerationConfig | undefined {
  const g: GeminiGenerationConfig = {};
  const set = <K extends keyof GeminiGenerationConfig>(
    key: K,
    value: GeminiGenerationConfig[K] | undefined,
  ) => {
    if (value !== undefined) g[key] = value;
  };
  set('temperature', num(body.temperature));
  set('topP', num(body.top_p));
  set('topK', num(body.top_k));
  set('candidateCount', num(body.n));
  set('seed', num(body.seed));
  set('maxOutputTokens', num(body.max_completion_tokens) ?? num(body.max_tokens));
  set('presencePenalty', num(body.presence_penalty));
  set('frequencyPenalty', num(body.frequency_penalty));
  if (typeof body.stop === 'string') g.stopSequences = [body.stop];
  else if (Array.isArray(body.stop) && body.stop.length > 0) g.stopSequences = body.stop;

  const format = body.response_format;
  if (format?.type === 'json_object' || format?.type === 'json_schema')
    g.responseMimeType = 'application/json';
  if (format?.type === 'json_schema' && format.json_schema.schema) {
    g.responseJsonSchema = toGeminiSchema(format.json_schema.schema);
  }

  const effort = body.reasoning_effort;
  if (effort !== undefined && effort in THINKING_BUDGET) {
    const budget = THINKING_BUDGET[effort]!;
    // Thought summaries are asked for so that they can be returned as `reasoning_content`.
    g.thinkingConfig =
      budget === 0 ? { thinkingBudget: 0 } : { thinkingBudget: budget, includeThoughts: true };
  }
  return Object.keys(g).length > 0 ? g : undefined;
}
