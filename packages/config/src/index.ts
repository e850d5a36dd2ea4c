export { duration, parseDuration, parseSize, size } from '@switchyard/core';
export { configJsonSchema } from './json-schema.js';
export { loadConfig } from './load.js';
export { type ConfigProblem, formatProblem } from './problems.js';
export type { DefinitionSource, LoadOptions, LoadResult } from './types.js';
export { watchConfigFile } from './watch.js';
