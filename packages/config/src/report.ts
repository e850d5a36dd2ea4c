/** Collects problems at key paths, with their YAML positions; maps valibot issues onto them. */
import type * as v from 'valibot';
import type { InterpolationReport } from './interpolate.js';
import type { Locator } from './locate.js';
import { type ConfigProblem, formatPath, type PathKey, sortProblems } from './problems.js';

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

  /** valibot issues of a value that sits at `prefix` in the document. */
  issues(issues: readonly v.BaseIssue<unknown>[], prefix: readonly PathKey[] = []): void {
    for (const issue of issues) {
      const items = issue.path ?? [];
      const path = [...prefix, ...items.map((item) => item.key as PathKey)];
      // A value whose ${VAR} could not be expanded has been reported already; its raw text would fail again.
      if (this.underFailedInterpolation(path)) continue;
      const last = items.at(-1) as { origin?: string } | undefined;
      const missing = last?.origin === 'key' && issue.received === 'undefined';
      const message = this.redact(plainMessage(issue.message), issue.received, path);
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

  private underFailedInterpolation(path: readonly PathKey[]): boolean {
    for (let depth = path.length; depth > 0; depth--) {
      if (this.interpolation.failed.has(JSON.stringify(path.slice(0, depth)))) return true;
    }
    return false;
  }

  /** Never print a value that came from the environment (it may be a secret): name its variables instead. */
  private redact(message: string, received: string, path: readonly PathKey[]): string {
    const vars = this.interpolation.fromEnv.get(JSON.stringify(path));
    if (!vars || !received) return message;
    return message.split(received).join(`the value of ${vars.map((name) => `\${${name}}`).join(', ')}`);
  }
}

/** valibot's default wording for key issues, as plugin schemas produce it, in the loader's own words. */
function plainMessage(message: string): string {
  const unknown = /^Invalid key: Expected never but received "(.*)"$/.exec(message);
  if (unknown) return `unknown key "${unknown[1]}"`;
  const missing = /^Invalid key: Expected (".*") but received undefined$/.exec(message);
  if (missing) return `missing required key ${missing[1]}`;
  return message;
}
