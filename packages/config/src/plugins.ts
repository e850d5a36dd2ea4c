/**
 * `plugins:` items → PluginRef. An item is a bare name, `{ name: options }`, or
 * `{ use: NAME_OR_PATH, config: {...}, enabled: bool }`; each plugin's schema validates its own options.
 */
import type { PluginRef } from '@switchyard/core';
import { errorText, isMapping, listAt } from './guards.js';
import { formatPath, type PathKey } from './problems.js';
import type { Report } from './report.js';
import { unknownKeyMessage } from './suggest.js';
import type { DefinitionSource } from './types.js';

interface PluginItem {
  name: string;
  options: unknown;
  enabled: boolean;
  /** Where the options sit in the document (problems inside them are reported from here). */
  optionsPath: PathKey[];
  /** Where the plugin is named, and whether that is a mapping key (`- auth: {...}`). */
  namePath: PathKey[];
  nameIsKey: boolean;
}

const USE_FORM_KEYS = ['use', 'config', 'enabled'];
const FORMS = 'a name, { name: options }, or { use: NAME_OR_PATH, config: {...}, enabled: true|false }';

/** Resolves and validates every plugins: item; problems go to `report`. */
export async function resolvePlugins(
  raw: unknown,
  definitions: DefinitionSource,
  report: Report,
): Promise<PluginRef[]> {
  const items = listAt(raw, 'plugins')
    .map((item, index) => normalize(item, ['plugins', index], report))
    .filter((item) => item !== undefined);
  reportDuplicates(items, report);
  return Promise.all(items.map((item) => resolve(item, definitions, report)));
}

function normalize(item: unknown, at: PathKey[], report: Report): PluginItem | undefined {
  if (typeof item === 'string' && item !== '') {
    return { name: item, options: {}, enabled: true, optionsPath: at, namePath: at, nameIsKey: false };
  }
  if (isMapping(item) && 'use' in item) return normalizeUseForm(item, at, report);
  if (isMapping(item) && Object.keys(item).length === 1) {
    const name = Object.keys(item)[0]!;
    const path = [...at, name];
    return {
      name,
      options: item[name] ?? {},
      enabled: true,
      optionsPath: path,
      namePath: path,
      nameIsKey: true,
    };
  }
  const keys = isMapping(item) ? ` (this one has the keys ${Object.keys(item).join(', ')})` : '';
  report.error(at, `expected ${FORMS}${keys}`);
  return undefined;
}

function normalizeUseForm(
  item: Record<string, unknown>,
  at: PathKey[],
  report: Report,
): PluginItem | undefined {
  let valid = true;
  for (const key of Object.keys(item).filter((key) => !USE_FORM_KEYS.includes(key))) {
    report.error([...at, key], unknownKeyMessage(key, USE_FORM_KEYS), { key: true });
    valid = false;
  }
  if (typeof item.use !== 'string' || item.use === '') {
    report.error([...at, 'use'], 'expected a plugin name, package name or relative path');
    valid = false;
  }
  if (item.enabled != null && typeof item.enabled !== 'boolean') {
    report.error([...at, 'enabled'], 'expected true or false');
    valid = false;
  }
  if (!valid) return undefined;
  return {
    name: item.use as string,
    options: item.config ?? {},
    enabled: item.enabled !== false,
    optionsPath: [...at, 'config'],
    namePath: [...at, 'use'],
    nameIsKey: false,
  };
}

function reportDuplicates(items: PluginItem[], report: Report): void {
  const first = new Map<string, PluginItem>();
  for (const item of items) {
    const earlier = first.get(item.name);
    if (earlier) {
      const where = formatPath(earlier.namePath.slice(0, 2));
      report.error(item.namePath, `plugin "${item.name}" is already listed at ${where}`, {
        key: item.nameIsKey,
      });
    } else first.set(item.name, item);
  }
}

async function resolve(item: PluginItem, definitions: DefinitionSource, report: Report): Promise<PluginRef> {
  const ref: PluginRef = { name: item.name, use: item.name, options: item.options, enabled: item.enabled };
  const at = { key: item.nameIsKey };
  let definition: Awaited<ReturnType<DefinitionSource['plugin']>>;
  try {
    definition = await definitions.plugin(item.name);
  } catch (error) {
    report.error(item.namePath, `cannot load plugin "${item.name}": ${errorText(error)}`, at);
    return ref;
  }
  if (!definition) {
    const message = `cannot find plugin "${item.name}" (not a built-in plugin, an installed package or a file)`;
    // A disabled plugin need not be installed: say so, but let the config load.
    if (item.enabled) report.error(item.namePath, message, at);
    else report.warning(item.namePath, `${message}; it is disabled`, at);
    return ref;
  }
  try {
    if (definition.schema) {
      const result = await report.validate(definition.schema, item.options, item.optionsPath);
      if (!result.ok) return ref;
      ref.options = result.output;
    }
    for (const warning of definition.warnings?.(ref.options) ?? []) {
      report.warning([...item.optionsPath, ...warning.path], warning.message);
    }
  } catch (error) {
    // A throwing schema action or warnings() is the plugin's bug; the reload must still report, not crash.
    report.error(
      item.optionsPath,
      `plugin "${item.name}" failed while checking its options: ${errorText(error)}`,
    );
  }
  return ref;
}
