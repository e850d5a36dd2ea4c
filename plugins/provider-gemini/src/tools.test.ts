import { describe, expect, it } from 'vitest';
import { translateTools } from './tools.js';

const tool = (name: string) => ({
  type: 'function' as const,
  function: {
    name,
    description: `${name} tool`,
    parameters: { type: 'object', properties: {}, $schema: 'x' },
  },
});
const tools = [tool('get_weather'), tool('get_time')];
const base = { model: 'g', messages: [], tools };

describe('translateTools', () => {
  it('declares function tools with the schema subset', () => {
    expect(translateTools(base).tools).toEqual([
      {
        functionDeclarations: [
          {
            name: 'get_weather',
            description: 'get_weather tool',
            parametersJsonSchema: { type: 'object', properties: {} },
          },
          {
            name: 'get_time',
            description: 'get_time tool',
            parametersJsonSchema: { type: 'object', properties: {} },
          },
        ],
      },
    ]);
  });

  it.each([
    [undefined, { mode: 'AUTO' }],
    ['auto', { mode: 'AUTO' }],
    ['none', { mode: 'NONE' }],
    ['required', { mode: 'ANY' }],
    [
      { type: 'function', function: { name: 'get_time' } },
      { mode: 'ANY', allowedFunctionNames: ['get_time'] },
    ],
    [
      {
        type: 'allowed_tools',
        allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'get_time' } }] },
      },
      { mode: 'ANY', allowedFunctionNames: ['get_time'] },
    ],
  ])('tool_choice %j → %j', (choice, config) => {
    expect(translateTools({ ...base, tool_choice: choice as any }).toolConfig).toEqual({
      functionCallingConfig: config,
    });
  });

  it('offers only the allowed tools for allowed_tools in auto mode', () => {
    const out = translateTools({
      ...base,
      tool_choice: {
        type: 'allowed_tools',
        allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: { name: 'get_weather' } }] },
      },
    });
    expect(out.toolConfig).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
    expect(out.tools![0]!.functionDeclarations.map((d) => d.name)).toEqual(['get_weather']);
  });

  it('sends nothing without tools, even with a tool_choice', () => {
    expect(translateTools({ model: 'g', messages: [], tool_choice: 'none' })).toEqual({});
  });

  it('refuses non-function tools and unknown tool_choice shapes', () => {
    expect(() =>
      translateTools({ ...base, tools: [{ type: 'custom', custom: { name: 'x' } } as any] }),
    ).toThrow(/function tools/);
    expect(() => translateTools({ ...base, tool_choice: { type: 'mystery' } })).toThrow(/tool_choice/);
  });
});
