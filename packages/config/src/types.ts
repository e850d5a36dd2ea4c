import type { GatewayConfig } from '@switchyard/core';
import type { GenericSchema } from 'valibot';
import type { ConfigProblem } from './problems.js';

/** Where the loader finds plugin and provider definitions (the app resolves names, packages, paths). */
export interface DefinitionSource {
  /** A plugin by name (built-in) or `use` value (package or relative path); undefined when it cannot be found. */
  plugin(use: string): Promise<
    | {
        schema?: GenericSchema;
        warnings?(options: any): Array<{ path: Array<string | number>; message: string }>;
      }
    | undefined
  >;
  /** A provider type (built-in type, preset or relative path); undefined when unknown. */
  provider(type: string): Promise<{ schema?: GenericSchema; defaultBaseUrl: string } | undefined>;
}

export interface LoadOptions {
  /** The file name (or a label such as `<embedded>`) the text came from. */
  source: string;
  /** Variables for `${VAR}` (default: process.env). */
  env?: NodeJS.ProcessEnv;
  definitions: DefinitionSource;
}

export interface LoadResult {
  /** Present only when there is no error (warnings allowed). */
  config?: GatewayConfig;
  problems: ConfigProblem[];
}
