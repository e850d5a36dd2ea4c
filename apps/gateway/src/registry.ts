/**
 * Finds plugin and provider definitions by their one name: plugin `rate-limit` is the package
 * `@switchyard/plugin-rate-limit`, provider type `anthropic` is `@switchyard/plugin-provider-anthropic`,
 * the OpenAI-compatible presets live in the OpenAI provider, and `./path.js` loads a user's own module
 * relative to the config file. Modules are imported once and cached.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DefinitionSource } from '@switchyard/config';
import type { PluginDefinition, ProviderDefinition, Registry } from '@switchyard/core';
import { presets } from '@switchyard/plugin-provider-openai';

const isPath = (use: string) => use.startsWith('.') || isAbsolute(use);

export class ModuleRegistry implements Registry, DefinitionSource {
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(private readonly baseDir: string) {}

  private load(specifier: string): Promise<unknown> {
    let mod = this.cache.get(specifier);
    if (!mod) {
      const target = isPath(specifier) ? pathToFileURL(resolve(this.baseDir, specifier)).href : specifier;
      mod = import(target).then((m) => m.default ?? m);
      this.cache.set(specifier, mod);
    }
    return mod;
  }

  async plugin(use: string): Promise<PluginDefinition> {
    const def = (await this.load(
      isPath(use) || use.includes('/') ? use : `@switchyard/plugin-${use}`,
    )) as PluginDefinition;
    if (!def || typeof def.setup !== 'function')
      throw new Error(`'${use}' does not export a plugin (setup missing)`);
    return def;
  }

  async provider(type: string): Promise<ProviderDefinition> {
    const preset = presets[type];
    if (preset) return preset;
    const def = (await this.load(
      isPath(type) ? type : `@switchyard/plugin-provider-${type}`,
    )) as ProviderDefinition;
    if (!def || typeof def.create !== 'function')
      throw new Error(`'${type}' does not export a provider (create missing)`);
    return def;
  }

  /** DefinitionSource for config validation: undefined when a name cannot be resolved. */
  readonly definitions: DefinitionSource = {
    plugin: (use) => this.plugin(use).catch(() => undefined),
    provider: (type) => this.provider(type).catch(() => undefined),
  };
}
