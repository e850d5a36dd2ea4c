/**
 * Every installed plugin's and provider type's schema, for `switchyard schema`. "Installed" means a
 * `@switchyard/plugin-*` dependency of this app: adding a plugin package is all it takes to appear here.
 */
import { createRequire } from 'node:module';
import type { GenericSchema } from 'valibot';
import { ModuleRegistry } from './registry.js';

const PREFIX = '@switchyard/plugin-';
const PROVIDER_PREFIX = `${PREFIX}provider-`;

export function installedNames(): { plugins: string[]; providers: string[] } {
  const pkg = createRequire(import.meta.url)('../package.json') as { dependencies: Record<string, string> };
  const names = Object.keys(pkg.dependencies).filter((n) => n.startsWith(PREFIX));
  return {
    plugins: names.filter((n) => !n.startsWith(PROVIDER_PREFIX)).map((n) => n.slice(PREFIX.length)),
    providers: names.filter((n) => n.startsWith(PROVIDER_PREFIX)).map((n) => n.slice(PROVIDER_PREFIX.length)),
  };
}

export async function builtInSchemas() {
  const registry = new ModuleRegistry(process.cwd());
  const installed = installedNames();
  const plugins: Record<string, GenericSchema | undefined> = {};
  const providers: Record<string, GenericSchema | undefined> = {};
  for (const name of installed.plugins)
    plugins[name] = (await registry.plugin(name).catch(() => undefined))?.schema;
  for (const type of installed.providers)
    providers[type] = (await registry.provider(type).catch(() => undefined))?.schema;
  const { presets } = await import('@switchyard/plugin-provider-openai');
  for (const type of Object.keys(presets)) providers[type] = presets[type]!.schema;
  return { plugins, providers };
}
