/** The `openai` type's own keys, which the OpenAI-compatible presets share (SPEC §3: "as openai"). */
import * as v from 'valibot';

export const openaiSchema = v.object({
  organization: v.optional(v.pipe(v.string(), v.description('Sent as OpenAI-Organization.'))),
  project: v.optional(v.pipe(v.string(), v.description('Sent as OpenAI-Project.'))),
});

export type OpenAIOptions = v.InferOutput<typeof openaiSchema>;

export function openaiHeaders(config: OpenAIOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  if (config.organization) headers['openai-organization'] = config.organization;
  if (config.project) headers['openai-project'] = config.project;
  return headers;
}
