import { describe, expect, it } from 'vitest';
import { toGeminiSchema } from './schema.js';

describe('toGeminiSchema', () => {
  it('keeps the keywords Gemini accepts, strict-mode additionalProperties included', () => {
    const schema = {
      type: 'object',
      title: 'Weather',
      description: 'd',
      properties: {
        city: { type: 'string', enum: ['a', 'b'] },
        days: { type: 'integer', minimum: 1, maximum: 7 },
      },
      required: ['city'],
      additionalProperties: false,
      propertyOrdering: ['city', 'days'],
    };
    expect(toGeminiSchema(schema)).toEqual(schema);
  });

  it('drops unsupported keywords at every depth, but never property names that look like keywords', () => {
    const out = toGeminiSchema({
      $schema: 'http://json-schema.org/draft-07/schema#',
      $comment: 'x',
      type: 'object',
      properties: {
        pattern: { type: 'string', pattern: '^a', minLength: 1, default: 'a', examples: ['a'] },
        list: {
          type: 'array',
          items: { type: 'object', additionalProperties: { type: 'number', multipleOf: 2 } },
          uniqueItems: true,
        },
        either: {
          anyOf: [
            { type: 'string', format: 'date', maxLength: 3 },
            { type: 'null', not: {} },
          ],
        },
      },
      allOf: [{ required: ['x'] }],
    });
    expect(out).toEqual({
      type: 'object',
      properties: {
        pattern: { type: 'string' },
        list: { type: 'array', items: { type: 'object', additionalProperties: { type: 'number' } } },
        either: { anyOf: [{ type: 'string', format: 'date' }, { type: 'null' }] },
      },
    });
  });

  it('renames draft-7 definitions to $defs and rewrites the references', () => {
    const out = toGeminiSchema({
      type: 'object',
      properties: {
        home: { $ref: '#/definitions/Place' },
        list: { type: 'array', items: [{ type: 'string' }, { $ref: '#/definitions/Place' }] },
      },
      definitions: { Place: { type: 'object', properties: { name: { type: 'string', const: 'x' } } } },
    });
    expect(out).toEqual({
      type: 'object',
      properties: {
        home: { $ref: '#/$defs/Place' },
        list: { type: 'array', prefixItems: [{ type: 'string' }, { $ref: '#/$defs/Place' }] },
      },
      $defs: { Place: { type: 'object', properties: { name: { type: 'string', enum: ['x'] } } } },
    });
  });

  it('does not modify its input', () => {
    const input = { type: 'object', properties: { a: { type: 'string', pattern: 'x' } } };
    const copy = structuredClone(input);
    toGeminiSchema(input);
    expect(input).toEqual(copy);
  });
});
