/**
 * The JSON Schema (draft-07) of the whole config, for editor completion: the core schema, each plugin's
 * block under `plugins:` items, and each provider type's own keys under `providers.<id>` (chosen by `type`).
 * It describes what the YAML may hold (the input), not the validated output.
 */
import { type JSONSchema7, toJsonSchema } from '@valibot/to-json-schema';
import type { GenericSchema } from 'valibot';
import { coreSchema, providerCore } from './schema.js';

type Json = JSONSchema7;
type Definitions = Record<string, GenericSchema | undefined>;

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';
/** `type: ./my-provider.js`, `use: ../plugins/x.js`: a user's own module. */
const MODULE_PATH = '^\\.{1,2}/';

/** Unsupported actions are skipped with a warning; checks and case folding cannot be expressed and are expected. */
function convert(schema: GenericSchema): Json {
  const { $schema: _, ...json } = toJsonSchema(schema, {
    errorMode: 'warn',
    typeMode: 'input',
    ignoreActions: ['check', 'to_lower_case'],
  });
  return json;
}

export function configJsonSchema(definitions: { plugins: Definitions; providers: Definitions }): object {
  const core = convert(coreSchema);
  const properties = core.properties as Record<string, Json>;
  return {
    $schema: DRAFT_07,
    title: 'Switchyard gateway configuration',
    ...core,
    // Extension fields (`x-common: &anchor`) hold shared YAML blocks.
    patternProperties: { '^x-': {} },
    properties: {
      ...properties,
      providers: { ...keep(properties.providers), ...providersSchema(definitions.providers) },
      plugins: { ...keep(properties.plugins), ...pluginsSchema(definitions.plugins) },
    },
  };
}

/** JSON Schema's conditional: `then` is the keyword's name, not a thenable. */
function ifThen(condition: Json, consequence: Json): Json {
  // biome-ignore lint/suspicious/noThenProperty: a JSON Schema keyword
  return { if: condition, then: consequence };
}

/** The annotations of a generated property, without its shape. */
function keep(json: Json | undefined): Json {
  return { description: json?.description, default: json?.default };
}

function providersSchema(types: Definitions): Json {
  const base = convert(providerCore);
  const coreProperties = base.properties as Record<string, Json>;
  const names = Object.keys(types);
  return {
    type: ['object', 'null'],
    additionalProperties: {
      type: 'object',
      properties: {
        ...coreProperties,
        type: { ...coreProperties.type, anyOf: [{ enum: names }, { type: 'string', pattern: MODULE_PATH }] },
      },
      required: ['type'],
      // Each known type adds its own keys, once `type` names it.
      allOf: names.map((name) =>
        ifThen(
          { properties: { type: { const: name } }, required: ['type'] },
          providerOfType(coreProperties, types[name]),
        ),
      ),
    },
  };
}

function providerOfType(coreProperties: Record<string, Json>, schema: GenericSchema | undefined): Json {
  const own = schema ? convert(schema) : { properties: {}, additionalProperties: false };
  if (!own.properties) return own;
  return {
    properties: { ...coreProperties, ...own.properties },
    ...(own.required?.length ? { required: own.required } : {}),
    additionalProperties: own.additionalProperties ?? false,
  };
}

function pluginsSchema(plugins: Definitions): Json {
  const names = Object.keys(plugins);
  const options = (name: string): Json => {
    const schema = plugins[name];
    return schema ? { anyOf: [convert(schema), { type: 'null' }] } : {};
  };
  return {
    type: ['array', 'null'],
    items: {
      anyOf: [
        {
          description: 'A plugin with its default options.',
          anyOf: [{ enum: names }, { type: 'string', pattern: MODULE_PATH }],
        },
        ...names.map(
          (name): Json => ({
            type: 'object',
            properties: { [name]: options(name) },
            required: [name],
            additionalProperties: false,
          }),
        ),
        {
          type: 'object',
          properties: {
            use: {
              type: 'string',
              description: 'Plugin name, package name, or a relative path to a module.',
            },
            config: { type: ['object', 'null'], description: "The plugin's options." },
            enabled: {
              type: 'boolean',
              default: true,
              description: 'false keeps the block but does not run the plugin.',
            },
          },
          required: ['use'],
          additionalProperties: false,
          allOf: names.map((name) =>
            ifThen({ properties: { use: { const: name } } }, { properties: { config: options(name) } }),
          ),
        },
      ],
    },
  };
}
