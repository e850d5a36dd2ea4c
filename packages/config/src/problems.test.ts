import { describe, expect, test } from 'vitest';
import { formatPath, formatProblem, sortProblems } from './problems.js';

describe('formatPath', () => {
  test.each([
    [['routes', 0, 'targets', 1, 'provider'], 'routes[0].targets[1].provider'],
    [['providers', 'openai', 'timeout', 'connect'], 'providers.openai.timeout.connect'],
    [['routes', 0, 'match', 'headers', 'x-team'], 'routes[0].match.headers.x-team'],
    [['providers', 'open/ai'], 'providers["open/ai"]'],
    [['a', 'b.c'], 'a["b.c"]'],
    [[], ''],
  ])('%j → %s', (path, text) => expect(formatPath(path)).toBe(text));
});

describe('formatProblem', () => {
  test('error: path (line:col): message', () => {
    expect(
      formatProblem({
        path: 'server.port',
        line: 3,
        col: 9,
        message: 'expected a number',
        severity: 'error',
      }),
    ).toBe('server.port (3:9): expected a number');
  });

  test('warning is prefixed', () => {
    expect(
      formatProblem({
        path: 'plugins[0].auth.keys[0].key',
        line: 5,
        col: 16,
        message: 'plain',
        severity: 'warning',
      }),
    ).toBe('warning: plugins[0].auth.keys[0].key (5:16): plain');
  });

  test('no position, no path', () => {
    expect(formatProblem({ path: '', message: 'empty', severity: 'error' })).toBe('<document>: empty');
  });
});

test('sortProblems orders by position, keeping the found order at one position, unplaced last', () => {
  const p = (path: string, line?: number, col?: number) => ({
    path,
    line,
    col,
    message: '',
    severity: 'error' as const,
  });
  expect(
    sortProblems([p('c', 3, 1), p('none'), p('a', 1, 5), p('b1', 2, 2), p('b2', 2, 2), p('a0', 1, 1)]).map(
      (x) => x.path,
    ),
  ).toEqual(['a0', 'a', 'b1', 'b2', 'c', 'none']);
});
