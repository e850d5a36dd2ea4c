// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are ${VAR} references, not templates
import { describe, expect, test } from 'vitest';
import { parseDocument } from 'yaml';
import { expand, interpolateDocument } from './interpolate.js';

const env = { KEY: 'sk-123', EMPTY: '', PORT: '9090', URL: 'http://a:1/b' };

describe('expand', () => {
  test.each([
    ['${KEY}', 'sk-123'],
    ['Bearer ${KEY}', 'Bearer sk-123'],
    ['${KEY}/${PORT}', 'sk-123/9090'],
    ['${MISSING:-fallback}', 'fallback'],
    ['${EMPTY:-fallback}', 'fallback'], // shell: `:-` also replaces an empty value
    ['${KEY:-fallback}', 'sk-123'],
    ['${MISSING-fallback}', 'fallback'],
    ['${EMPTY-fallback}', ''], // shell: `-` replaces only an unset value
    ['${EMPTY}', ''], // set but empty is a value, not an error
    ['${MISSING:-}', ''],
    ['${MISSING:-http://x:1/y?a=b}', 'http://x:1/y?a=b'],
    ['${MISSING:-a-b c}', 'a-b c'],
    ['$${KEY}', '${KEY}'], // escaped
    ['a$${KEY}b', 'a${KEY}b'],
    ['cost: $5', 'cost: $5'],
    ['no references', 'no references'],
  ])('%s → %s', (input, output) => {
    const result = expand(input, env);
    expect(result.errors).toEqual([]);
    expect(result.value).toBe(output);
  });

  test('reports the variables it read', () => {
    expect(expand('${KEY} ${MISSING:-x} ${PORT}', env).vars).toEqual(['KEY', 'MISSING', 'PORT']);
  });

  test.each([
    ['${MISSING}', 'environment variable MISSING is not set (give a default with ${MISSING:-default})'],
    ['${KEY', 'unterminated "${" (write "$${" for a literal "${")'],
    ['${}', 'invalid reference "${}": expected ${NAME}, ${NAME:-default} or ${NAME-default}'],
    ['${1ABC}', 'invalid reference "${1ABC}": expected ${NAME}, ${NAME:-default} or ${NAME-default}'],
    ['${KEY:=x}', 'invalid reference "${KEY:=x}": expected ${NAME}, ${NAME:-default} or ${NAME-default}'],
  ])('%s is an error', (input, message) => {
    expect(expand(input, env).errors).toEqual([message]);
  });

  test('every error in one string is reported', () => {
    expect(expand('${A}-${B}', {}).errors).toHaveLength(2);
  });
});

describe('interpolateDocument', () => {
  const yaml = [
    'port: ${PORT}', //  plain: typed again as YAML would
    'quoted: "${PORT}"', //  quoted: stays a string
    'flag: ${FLAG:-true}',
    'text: ${KEY}',
    'block: |',
    '  key=${KEY}',
    '${KEY}: keys are not interpolated',
    'list:',
    '  - ${PORT}',
    '  - "${PORT}"',
  ].join('\n');

  test('interpolates values in place, keeping YAML types for plain scalars', () => {
    const doc = parseDocument(yaml);
    const report = interpolateDocument(doc, env);
    expect(report.problems).toEqual([]);
    expect(doc.toJS()).toEqual({
      port: 9090,
      quoted: '9090',
      flag: true,
      text: 'sk-123',
      block: 'key=sk-123\n',
      '${KEY}': 'keys are not interpolated',
      list: [9090, '9090'],
    });
  });

  test('remembers which values came from which variables', () => {
    const report = interpolateDocument(parseDocument(yaml), env);
    expect(report.fromEnv.get(JSON.stringify(['text']))).toEqual(['KEY']);
    expect(report.fromEnv.get(JSON.stringify(['list', 1]))).toEqual(['PORT']);
    expect(report.fromEnv.has(JSON.stringify(['${KEY}']))).toBe(false);
  });

  test('an unset variable is a problem at its key path, and the value is left alone', () => {
    const doc = parseDocument('a:\n  b: [x, "${NOPE}"]\n');
    const report = interpolateDocument(doc, {});
    expect(report.problems).toEqual([
      {
        path: ['a', 'b', 1],
        message: 'environment variable NOPE is not set (give a default with ${NOPE:-default})',
      },
    ]);
    expect(report.failed).toEqual(new Set([JSON.stringify(['a', 'b', 1])]));
    expect(doc.toJS()).toEqual({ a: { b: ['x', '${NOPE}'] } });
  });

  test('a plain value that is not a YAML number or boolean stays text', () => {
    const doc = parseDocument('a: ${V}\nb: ${W}\nc: ${X}\n');
    interpolateDocument(doc, { V: 'null', W: '[1, 2]', X: '0x1F' });
    expect(doc.toJS()).toEqual({ a: 'null', b: '[1, 2]', c: 31 });
  });
});
