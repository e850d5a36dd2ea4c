/**
 * Provider blocks: the common keys are the core schema's; the type-specific keys are checked against
 * the provider definition's own schema, in place (issues at `providers.<id>.<key>`).
 */
import type * as v from 'valibot';
import { errorText, isMapping, type Mapping, mappingAt } from './guards.js';
import type { Report } from './report.js';
import { PROVIDER_ENTRIES } from './schema.js';
import { unknownKeyMessage } from './suggest.js';
import type { DefinitionSource } from './types.js';

const CORE_KEYS = Object.keys(PROVIDER_ENTRIES);

export interface ResolvedProvider {
  defaultBaseUrl: string;
  /** The type-specific keys, validated (defaults applied). */
  options: Mapping;
}

/** Resolves every provider's type and validates its type-specific keys; problems go to `report`. */
export async function resolveProviders(
  raw: unknown,
  definitions: DefinitionSource,
  report: Report,
): Promise<Map<string, ResolvedProvider>> {
  const resolved = new Map<string, ResolvedProvider>();
  const blocks = Object.entries(mappingAt(raw, 'providers')).filter(
    (entry): entry is [string, Mapping] =>
      isMapping(entry[1]) && typeof entry[1].type === 'string' && entry[1].type !== '',
  );
  await Promise.all(
    blocks.map(async ([id, block]) => {
      const options = await resolveOne(id, block, definitions, report);
      if (options) resolved.set(id, options);
    }),
  );
  return resolved;
}

async function resolveOne(id: string, block: Mapping, definitions: DefinitionSource, report: Report) {
  const at = ['providers', id];
  const type = block.type as string;
  let definition: Awaited<ReturnType<DefinitionSource['provider']>>;
  try {
    definition = await definitions.provider(type);
  } catch (error) {
    report.error([...at, 'type'], `cannot load provider type "${type}": ${errorText(error)}`);
    return undefined;
  }
  if (!definition) {
    report.error([...at, 'type'], `unknown provider type "${type}"`);
    return undefined;
  }
  const schema = definition.schema;
  const extras = Object.fromEntries(Object.entries(block).filter(([key]) => !CORE_KEYS.includes(key)));
  const typeKeys = objectKeys(schema);
  // A plain or strict object names every key it takes; report the others here, with a suggestion.
  // Without a schema the type takes no keys of its own. Other schemas judge their input themselves.
  if (typeKeys || !schema) {
    for (const key of Object.keys(extras)) {
      if (typeKeys?.includes(key)) continue;
      report.error([...at, key], unknownKeyMessage(key, [...CORE_KEYS, ...(typeKeys ?? [])]), { key: true });
      delete extras[key];
    }
  }
  if (!schema) return { defaultBaseUrl: definition.defaultBaseUrl, options: extras };
  const result = await report.validate(schema, extras, at);
  return result.ok
    ? { defaultBaseUrl: definition.defaultBaseUrl, options: result.output as Mapping }
    : undefined;
}

function objectKeys(schema: v.GenericSchema | undefined): string[] | undefined {
  if (!schema || (schema.type !== 'object' && schema.type !== 'strict_object')) return undefined;
  return Object.keys((schema as unknown as v.ObjectSchema<v.ObjectEntries, undefined>).entries);
}
