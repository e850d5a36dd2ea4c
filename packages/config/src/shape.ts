/**
 * Two things valibot's object schemas do not report the way a config file needs, found by walking a
 * schema alongside the value:
 * - object and record schemas accept arrays (`typeof [] === 'object'`), so a YAML list written where a
 *   mapping belongs would pass as `{ "0": ... }`;
 * - a strict object stops at the first unknown key, and a config with two typos should show both.
 */
import type * as v from 'valibot';
import { isMapping } from './guards.js';
import type { PathKey } from './problems.js';

const WRAPPERS = new Set([
  'optional',
  'nullish',
  'nullable',
  'exact_optional',
  'undefinedable',
  'non_optional',
  'non_nullish',
  'non_nullable',
]);
const OBJECTS = new Set(['object', 'strict_object', 'loose_object', 'object_with_rest']);

interface SchemaParts {
  type: string;
  wrapped?: SchemaParts;
  entries?: Record<string, SchemaParts>;
  value?: SchemaParts;
  item?: SchemaParts;
}

export interface ShapeFindings {
  /** Where a list stands in place of a mapping. */
  lists: PathKey[][];
  /** Keys a strict object does not take, with the keys it does take. */
  unknownKeys: Array<{ path: PathKey[]; allowed: string[] }>;
}

export function inspectShape(schema: v.GenericSchema | v.GenericSchemaAsync, value: unknown): ShapeFindings {
  const findings: ShapeFindings = { lists: [], unknownKeys: [] };
  walk(schema as unknown as SchemaParts, value, [], findings);
  return findings;
}

function walk(wrapper: SchemaParts, value: unknown, path: PathKey[], findings: ShapeFindings): void {
  if (value === undefined || value === null) return;
  let schema = wrapper;
  while (WRAPPERS.has(schema.type) && schema.wrapped) schema = schema.wrapped;
  const isObject = OBJECTS.has(schema.type) && schema.entries !== undefined;
  if ((isObject || schema.type === 'record') && Array.isArray(value)) {
    findings.lists.push(path);
  } else if (isObject && isMapping(value)) {
    const entries = schema.entries!;
    for (const [key, entry] of Object.entries(entries)) walk(entry, value[key], [...path, key], findings);
    if (schema.type === 'strict_object') {
      const allowed = Object.keys(entries);
      for (const key of Object.keys(value).filter((key) => !(key in entries))) {
        findings.unknownKeys.push({ path: [...path, key], allowed });
      }
    }
  } else if (schema.type === 'record' && schema.value && isMapping(value)) {
    for (const [key, entry] of Object.entries(value)) walk(schema.value, entry, [...path, key], findings);
  } else if (schema.type === 'array' && schema.item && Array.isArray(value)) {
    for (const [index, item] of value.entries()) walk(schema.item, item, [...path, index], findings);
  }
}
