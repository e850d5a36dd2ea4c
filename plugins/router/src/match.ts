/**
 * Route matchers, compiled once per config load: paths, models (exact, glob, or /regex/), headers
 * (exact or { regex }), and facts other plugins publish (`match.<plugin>` against ctx.facts[plugin]).
 */
import { compileGlob, type Matcher, type RequestContext, type RouteConfig } from '@switchyard/core';

export type RoutePredicate = (ctx: RequestContext) => boolean;

function stringMatcher(pattern: string): Matcher {
  if (pattern.length > 2 && pattern.startsWith('/') && pattern.endsWith('/')) {
    const re = new RegExp(pattern.slice(1, -1));
    return (v) => re.test(v);
  }
  return compileGlob(pattern);
}

function anyOf(patterns: readonly string[]): Matcher {
  const ms = patterns.map(stringMatcher);
  return ms.length === 1 ? ms[0]! : (v) => ms.some((m) => m(v));
}

/**
 * A fact condition: an array means "one of" (scalar facts) or "contains all" (array facts);
 * `{ min, max }` is a numeric range (min inclusive, max exclusive); anything else must be equal.
 */
function factMatcher(expected: unknown): (actual: unknown) => boolean {
  if (Array.isArray(expected)) {
    const wanted = expected.map(String);
    return (actual) =>
      Array.isArray(actual)
        ? wanted.every((w) => actual.map(String).includes(w))
        : wanted.includes(String(actual));
  }
  if (expected && typeof expected === 'object') {
    const { min, max } = expected as { min?: number; max?: number };
    return (actual) =>
      typeof actual === 'number' &&
      (min === undefined || actual >= min) &&
      (max === undefined || actual < max);
  }
  return (actual) => actual === expected;
}

const BUILT_IN = new Set(['paths', 'models', 'headers']);

export function compileMatch(match: RouteConfig['match']): RoutePredicate {
  const checks: RoutePredicate[] = [];
  if (!match) return () => true;
  if (match.paths?.length) {
    const m = anyOf(match.paths);
    checks.push((ctx) => m(ctx.path));
  }
  if (match.models?.length) {
    const m = anyOf(match.models);
    checks.push((ctx) => m(ctx.model));
  }
  for (const [name, rule] of Object.entries(match.headers ?? {})) {
    const header = name.toLowerCase();
    if (typeof rule === 'string') checks.push((ctx) => ctx.headers.get(header) === rule);
    else {
      const re = new RegExp(rule.regex);
      checks.push((ctx) => re.test(ctx.headers.get(header) ?? ''));
    }
  }
  for (const [plugin, conditions] of Object.entries(match)) {
    if (BUILT_IN.has(plugin) || !conditions || typeof conditions !== 'object') continue;
    const fields = Object.entries(conditions as Record<string, unknown>).map(
      ([field, expected]) => [field, factMatcher(expected)] as const,
    );
    checks.push((ctx) => {
      const facts = ctx.facts[plugin];
      return facts !== undefined && fields.every(([field, test]) => test(facts[field]));
    });
  }
  return checks.length === 1 ? checks[0]! : (ctx) => checks.every((c) => c(ctx));
}
