/** Collects problems at key paths, with their YAML positions; maps valibot issues onto them. */
import * as v from 'valibot';
import type { InterpolationReport } from './interpolate.js';
import type { Locator } from './locate.js';
import { type ConfigProblem, formatPath, type PathKey, sortProblems } from './problems.js';
import { inspectShape } from './shape.js';
import { unknownKeyMessage } from './suggest.js';

export class Report {
  private readonly found: ConfigProblem[] = [];

  constructor(
    private readonly locator: Locator,
    private readonly interpolation: InterpolationReport,
  ) {}

  /** `key`: point at the key itself (an unknown or misspelled key) rather than at its value. */
  error(path: readonly PathKey[], message: string, options: { key?: boolean } = {}): void {
    this.add(path, message, 'error', options);
  }

  warning(path: readonly PathKey[], message: string, options: { key?: boolean } = {}): void {
    this.add(path, message, 'warning', options);
  }

  /** Validates the value found at `prefix` in the document; its problems are reported here. */
  async validate<T extends v.GenericSchema | v.GenericSchemaAsync>(
    schema: T,
    value: unknown,
    prefix: readonly PathKey[] = [],
  ): Promise<{ ok: true; output: v.InferOutput<T> } | { ok: false }> {
    const shape = inspectShape(schema, value);
    const lists = shape.lists.map((path) => [...prefix, ...path]);
    for (const path of lists) this.error(path, 'expected a mapping (key: value pairs), got a list');
    for (const { path, allowed } of shape.unknownKeys) {
      this.error([...prefix, ...path], unknownKeyMessage(String(path.at(-1)), allowed), { key: true });
    }
    const unknownKeys = shape.unknownKeys.map(({ path }) => [...prefix, ...path]);
    const result = await v.safeParseAsync(schema, value);
    if (!result.success) this.issues(result.issues, prefix, lists, unknownKeys);
    return result.success && lists.length === 0 ? { ok: true, output: result.output } : { ok: false };
  }

  /**
   * valibot issues of a value at `prefix`. Those under `lists` and at `unknownKeys` were reported from the
   * shape already (valibot stops at the first unknown key of an object).
   */
  private issues(
    issues: readonly v.BaseIssue<unknown>[],
    prefix: readonly PathKey[],
    lists: PathKey[][],
    unknownKeys: PathKey[][],
  ): void {
    const skipped = new Set([...this.interpolation.failed, ...lists.map((path) => JSON.stringify(path))]);
    const reportedKeys = new Set(unknownKeys.map((path) => JSON.stringify(path)));
    for (const issue of issues) {
      const items = issue.path ?? [];
      const path = [...prefix, ...items.map((item) => item.key as PathKey)];
      // E.g. a value whose ${VAR} could not be expanded: its raw text would fail again, to no one's benefit.
      if (isUnder(path, skipped)) continue;
      const last = items.at(-1) as { origin?: string } | undefined;
      const unknownKey = last?.origin === 'key' && issue.expected === 'never';
      if (unknownKey && reportedKeys.has(JSON.stringify(path))) continue;
      const missing = last?.origin === 'key' && issue.received === 'undefined';
      const message = unknownKey
        ? `unknown key "${String(path.at(-1))}"`
        : this.redact(plainMessage(issue.message), issue.received, path);
      this.error(path, message, { key: last?.origin === 'key' && !missing });
    }
  }

  get hasErrors(): boolean {
    return this.found.some((p) => p.severity === 'error');
  }

  problems(): ConfigProblem[] {
    return sortProblems(this.found);
  }

  private add(
    path: readonly PathKey[],
    message: string,
    severity: ConfigProblem['severity'],
    options: { key?: boolean },
  ) {
    const position = this.locator.locate(path, options);
    this.found.push({ path: formatPath(path), ...position, message, severity });
  }

  /** Never print a value that came from the environment (it may be a secret): name its variables instead. */
  private redact(message: string, received: string, path: readonly PathKey[]): string {
    const vars = this.interpolation.fromEnv.get(JSON.stringify(path));
    if (!vars || !received) return message;
    return message.split(received).join(`the value of ${vars.map((name) => `\${${name}}`).join(', ')}`);
  }
}

function isUnder(path: readonly PathKey[], roots: Set<string>): boolean {
  for (let depth = path.length; depth >= 0; depth--) {
    if (roots.has(JSON.stringify(path.slice(0, depth)))) return true;
  }
  return false;
}

/** valibot's default wording for a missing key, as plugin schemas produce it, in the loader's own words. */
function plainMessage(message: string): string {
  const missing = /^Invalid key: Expected (".*") but received undefined$/.exec(message);
  if (missing) return `missing required key ${missing[1]}`;
  return message;
}
