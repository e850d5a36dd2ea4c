/** Glob patterns (`*` and `?`) compiled once to a matcher; exact strings skip the regex. */
export type Matcher = (value: string) => boolean;

export function compileGlob(pattern: string): Matcher {
  if (!/[*?]/.test(pattern)) return (v) => v === pattern;
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return (v) => re.test(v);
}

/** One matcher for a list of globs: any of them. */
export function compileGlobs(patterns: readonly string[]): Matcher {
  const matchers = patterns.map(compileGlob);
  return (v) => matchers.some((m) => m(v));
}
