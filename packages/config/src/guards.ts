export type Mapping = Record<string, unknown>;

export const isMapping = (value: unknown): value is Mapping =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The mapping at `key`, or an empty one when absent or of another shape (the core schema reports that). */
export const mappingAt = (value: unknown, key: string): Mapping =>
  isMapping(value) && isMapping(value[key]) ? value[key] : {};

export const listAt = (value: unknown, key: string): unknown[] =>
  isMapping(value) && Array.isArray(value[key]) ? value[key] : [];

export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
