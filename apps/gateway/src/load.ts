/** Reading the config: a file, `./switchyard.yaml`, or the embedded default — validated with positions. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type ConfigProblem, loadConfig } from '@switchyard/config';
import type { GatewayConfig } from '@switchyard/core';
import { defaultConfigYaml } from './default-config.js';
import { ModuleRegistry } from './registry.js';

export interface ConfigSource {
  /** A file path, or `embedded default`. */
  name: string;
  file?: string;
  read(): string;
}

export function configSource(file: string | undefined, cwd: string, env: NodeJS.ProcessEnv): ConfigSource {
  const chosen = file
    ? resolve(cwd, file)
    : existsSync(resolve(cwd, 'switchyard.yaml'))
      ? resolve(cwd, 'switchyard.yaml')
      : undefined;
  if (chosen) return { name: chosen, file: chosen, read: () => readFileSync(chosen, 'utf8') };
  return { name: 'embedded default', read: () => defaultConfigYaml(env) };
}

export interface Loaded {
  config?: GatewayConfig;
  problems: ConfigProblem[];
}

export async function readConfig(
  source: ConfigSource,
  registry: ModuleRegistry,
  env: NodeJS.ProcessEnv,
): Promise<Loaded> {
  let text: string;
  try {
    text = source.read();
  } catch (err) {
    return {
      problems: [
        { path: '', message: `cannot read ${source.name}: ${(err as Error).message}`, severity: 'error' },
      ],
    };
  }
  return loadConfig(text, { source: source.name, env, definitions: registry.definitions });
}

export function registryFor(source: ConfigSource, cwd: string): ModuleRegistry {
  return new ModuleRegistry(source.file ? dirname(source.file) : cwd);
}
