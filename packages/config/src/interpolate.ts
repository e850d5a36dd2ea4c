/**
 * `${VAR}` interpolation on the YAML syntax tree, before validation, so every value keeps its position.
 *
 *   ${NAME}           the variable; unset is an error (never a silent empty string)
 *   ${NAME:-default}  the default when NAME is unset or empty (shell semantics)
 *   ${NAME-default}   the default only when NAME is unset
 *   $${               a literal "${"
 *
 * Only values are interpolated, never keys. An unquoted value is typed again after interpolation the way
 * YAML would type it (`port: ${PORT}` gives a number); a quoted one stays a string.
 */
import { type Document, isMap, isScalar, isSeq, type Scalar } from 'yaml';
import type { PathKey } from './problems.js';

export interface Expansion {
  value: string;
  /** Names of the variables read. */
  vars: string[];
  errors: string[];
}

const REFERENCE = /\$\$\{|\$\{([^}]*)\}|\$\{/g;
const EXPRESSION = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)(.*))?$/s;

/** Expands the references in one string. */
export function expand(text: string, env: NodeJS.ProcessEnv): Expansion {
  const vars: string[] = [];
  const errors: string[] = [];
  const value = text.replace(REFERENCE, (match, expression: string | undefined) => {
    if (match === '$${') return '${';
    if (expression === undefined) {
      errors.push('unterminated "${" (write "$${" for a literal "${")');
      return match;
    }
    const parsed = EXPRESSION.exec(expression);
    if (!parsed) {
      errors.push(
        `invalid reference "\${${expression}}": expected \${NAME}, \${NAME:-default} or \${NAME-default}`,
      );
      return match;
    }
    const [, name, operator, fallback] = parsed as unknown as [string, string, string | undefined, string];
    vars.push(name);
    const set = env[name];
    if (operator === ':-') return set === undefined || set === '' ? fallback : set;
    if (operator === '-') return set === undefined ? fallback : set;
    if (set === undefined) {
      errors.push(`environment variable ${name} is not set (give a default with \${${name}:-default})`);
      return match;
    }
    return set;
  });
  return { value, vars, errors };
}

export interface InterpolationReport {
  problems: Array<{ path: PathKey[]; message: string }>;
  /** Variables behind each interpolated value, by JSON-encoded path (to keep their values out of messages). */
  fromEnv: Map<string, string[]>;
  /** JSON-encoded paths of values left uninterpolated because of an error. */
  failed: Set<string>;
}

/** Interpolates every string value of `doc` in place. */
export function interpolateDocument(doc: Document, env: NodeJS.ProcessEnv): InterpolationReport {
  const report: InterpolationReport = { problems: [], fromEnv: new Map(), failed: new Set() };
  visitStrings(doc.contents, [], (scalar, path) => {
    const text = scalar.value as string;
    if (!text.includes('${')) return;
    const { value, vars, errors } = expand(text, env);
    if (errors.length > 0) {
      report.failed.add(JSON.stringify(path));
      for (const message of errors) report.problems.push({ path, message });
      return;
    }
    if (vars.length > 0) report.fromEnv.set(JSON.stringify(path), vars);
    scalar.value = scalar.type === 'PLAIN' ? retype(doc, value) : value;
  });
  return report;
}

function visitStrings(
  node: unknown,
  path: PathKey[],
  visit: (scalar: Scalar, path: PathKey[]) => void,
): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      visitStrings(pair.value, [...path, String(key)], visit);
    }
  } else if (isSeq(node)) {
    for (const [index, item] of node.items.entries()) visitStrings(item, [...path, index], visit);
  } else if (isScalar(node) && typeof node.value === 'string') {
    visit(node, path);
  }
}

const RETYPED = new Set(['tag:yaml.org,2002:int', 'tag:yaml.org,2002:float', 'tag:yaml.org,2002:bool']);

/** Numbers and booleans as the document's own YAML schema resolves them; everything else stays text. */
function retype(doc: Document, text: string): unknown {
  for (const tag of doc.schema.tags) {
    if ('test' in tag && tag.test?.test(text) && RETYPED.has(tag.tag)) {
      const resolved = tag.resolve(text, () => {}, doc.options);
      // Some tags (bool) resolve to a Scalar node rather than to the value itself.
      return isScalar(resolved) ? resolved.value : resolved;
    }
  }
  return text;
}
