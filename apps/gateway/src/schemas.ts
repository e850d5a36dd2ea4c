/** Every installed plugin's and provider type's schema, for `switchyard schema`. */
import type { GenericSchema } from 'valibot';
import { ModuleRegistry } from './registry.js';

export const BUILT_IN_PLUGINS = ['router', 'fallback', 'metrics'];
export const BUILT_IN_PROVIDERS = ['openai', 'mock'];

export async function builtInSchemas() {
  const registry = new ModuleRegistry(process.cwd());
  const plugins: Record<string, GenericSchema | undefined> = {};
  const providers: Record<string, GenericSchema | undefined> = {};
  for (const name of BUILT_IN_PLUGINS) plugins[name] = (await registry.plugin(name).catch(() => undefined))?.schema;
  for (const type of BUILT_IN_PROVIDERS) providers[type] = (await registry.provider(type).catch(() => undefined))?.schema;
  const { presets } = await import('@switchyard/plugin-provider-openai');
  for (const type of Object.keys(presets)) providers[type] = presets[type]!.schema;
  return { plugins, providers };
}
