/** OpenAI `tools` / `tool_choice` → Gemini `tools[].functionDeclarations` / `toolConfig.functionCallingConfig`. */
import { errors } from '@switchyard/core';
import type { ChatRequest } from '@switchyard/protocol';
import type { GeminiFunctionDeclaration, GeminiRequest } from './gemini-types.js';
import { toGeminiSchema } from './schema.js';

type Translated = Pick<GeminiRequest, 'tools' | 'toolConfig'>;

export function translateTools(body: ChatRequest): Translated {
  const tools = body.tools ?? [];
  if (tools.length === 0) return {};
  const declarations = tools.map((tool, i) => declaration(tool, `tools[${i}]`));
  const choice = functionCalling(body.tool_choice);
  // `allowed_tools` in auto mode has no Gemini counterpart, so the model is simply shown fewer tools.
  const offered = choice.only ? declarations.filter((d) => choice.only!.includes(d.name)) : declarations;
  const config: NonNullable<GeminiRequest['toolConfig']>['functionCallingConfig'] = { mode: choice.mode };
  if (choice.allowed) config.allowedFunctionNames = choice.allowed;
  return { tools: [{ functionDeclarations: offered }], toolConfig: { functionCallingConfig: config } };
}

function declaration(tool: unknown, param: string): GeminiFunctionDeclaration {
  const t = tool as {
    type?: string;
    function?: { name?: unknown; description?: unknown; parameters?: unknown };
  };
  if (t.type !== 'function' || typeof t.function?.name !== 'string') {
    throw errors.invalid(`Only function tools can be sent to Gemini (got '${t.type}').`, param);
  }
  const out: GeminiFunctionDeclaration = { name: t.function.name };
  if (typeof t.function.description === 'string') out.description = t.function.description;
  const params = t.function.parameters;
  if (typeof params === 'object' && params !== null) out.parametersJsonSchema = toGeminiSchema(params as any);
  return out;
}

interface Choice {
  mode: 'AUTO' | 'ANY' | 'NONE';
  /** `allowedFunctionNames` (only valid with mode ANY). */
  allowed?: string[];
  /** Declarations to keep (the others are not offered at all). */
  only?: string[];
}

function functionCalling(choice: ChatRequest['tool_choice']): Choice {
  // OpenAI's default with tools present is "auto".
  if (choice === undefined || choice === 'auto') return { mode: 'AUTO' };
  if (choice === 'none') return { mode: 'NONE' };
  if (choice === 'required') return { mode: 'ANY' };
  const c = choice as { type?: string; function?: { name?: unknown }; allowed_tools?: any };
  if (c.type === 'function' && typeof c.function?.name === 'string') {
    return { mode: 'ANY', allowed: [c.function.name] };
  }
  if (c.type === 'allowed_tools' && Array.isArray(c.allowed_tools?.tools)) {
    const names = (c.allowed_tools.tools as any[])
      .map((t) => t?.function?.name)
      .filter((n): n is string => typeof n === 'string');
    return c.allowed_tools.mode === 'required'
      ? { mode: 'ANY', allowed: names }
      : { mode: 'AUTO', only: names };
  }
  throw errors.invalid('Unsupported tool_choice for Gemini.', 'tool_choice');
}
