/**
 * JSON Schema → the subset Gemini accepts in `parametersJsonSchema` and `responseJsonSchema`.
 *
 * Why these fields and not `parameters` / `responseSchema`: those take an OpenAPI-3.0 subset that rejects
 * `additionalProperties`, `$ref` and `oneOf` outright (wire/mapping.md §1), which OpenAI clients send all
 * the time (strict mode requires `additionalProperties: false`). The JSON-Schema fields take them, so
 * only keywords outside Gemini's documented JSON-Schema list are dropped here. Dropping a keyword only
 * loosens the schema, never makes a valid value invalid.
 */

/** The keywords Gemini documents for its JSON-Schema fields (plus its own `propertyOrdering`). */
const KEPT = new Set([
  '$id',
  '$defs',
  '$ref',
  '$anchor',
  'type',
  'format',
  'title',
  'description',
  'enum',
  'items',
  'prefixItems',
  'minItems',
  'maxItems',
  'minimum',
  'maximum',
  'anyOf',
  'oneOf',
  'properties',
  'additionalProperties',
  'required',
  'propertyOrdering',
]);

/** Keywords whose value is a map of name → schema. */
const SCHEMA_MAPS = new Set(['properties', '$defs']);
/** Keywords whose value is a list of schemas. */
const SCHEMA_LISTS = new Set(['prefixItems', 'anyOf', 'oneOf']);

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A copy of `schema` that Gemini will accept; the input is not modified. */
export function toGeminiSchema(schema: Json): Json {
  return subschema(schema) as Json;
}

function subschema(value: unknown): unknown {
  // Boolean schemas (`true` / `false`) are valid JSON Schema and pass as they are.
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const [key, raw] of Object.entries(value)) {
    const name = key === 'definitions' ? '$defs' : key;
    if (key === 'const') {
      // `const` is not in the list; a one-value `enum` says the same thing.
      if (!('enum' in value)) out.enum = [raw];
      continue;
    }
    if (!KEPT.has(name)) continue;
    if (name === '$ref' && typeof raw === 'string') out.$ref = raw.replace('#/definitions/', '#/$defs/');
    else if (SCHEMA_MAPS.has(name) && isObject(raw)) out[name] = mapValues(raw);
    else if (SCHEMA_LISTS.has(name) && Array.isArray(raw)) out[name] = raw.map(subschema);
    // Draft-4 tuple form `items: [a, b]` is `prefixItems` today.
    else if (name === 'items' && Array.isArray(raw)) out.prefixItems = raw.map(subschema);
    else if (name === 'items' || name === 'additionalProperties') out[name] = subschema(raw);
    else out[name] = raw;
  }
  return out;
}

function mapValues(map: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(map)) out[k] = subschema(v);
  return out;
}
