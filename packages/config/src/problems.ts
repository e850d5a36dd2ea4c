/** What the loader reports, and how a problem prints (`path.to.key (line:col): message`). */

export type PathKey = string | number;

export interface ConfigProblem {
  /** Key path like `routes[0].targets[1].provider`; empty for the document as a whole. */
  path: string;
  line?: number;
  col?: number;
  message: string;
  severity: 'error' | 'warning';
}

const PLAIN_KEY = /^[A-Za-z0-9_$-]+$/;

/** `['routes', 0, 'targets']` → `routes[0].targets`; keys that would be ambiguous are quoted. */
export function formatPath(path: readonly PathKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (PLAIN_KEY.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.line === undefined ? '' : ` (${p.line}:${p.col ?? 1})`;
  const text = `${p.path || '<document>'}${where}: ${p.message}`;
  return p.severity === 'warning' ? `warning: ${text}` : text;
}

/** Document order, so a report reads top to bottom; problems without a position go last. */
export function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  const rank = (p: ConfigProblem) => (p.line ?? Number.MAX_SAFE_INTEGER) * 1e6 + (p.col ?? 0);
  // Array#sort is stable: problems at one position keep the order they were found in.
  return [...problems].sort((a, b) => rank(a) - rank(b));
}
