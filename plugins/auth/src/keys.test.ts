import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import auth from './index.js';
import { KeyTable, presentedKey, sha256 } from './keys.js';

const hex = (text: string) => sha256(text).toString('hex');
const headers = (h: Record<string, string>) => new Headers(h);

describe('presentedKey', () => {
  it.each([
    [{ authorization: 'Bearer sk-abc' }, 'sk-abc'],
    [{ authorization: 'bearer   sk-abc  ' }, 'sk-abc'],
    [{ 'x-api-key': ' sk-abc ' }, 'sk-abc'],
    [{ authorization: 'Bearer sk-first', 'x-api-key': 'sk-second' }, 'sk-first'],
    [{ authorization: 'Basic dXNlcjpwYXNz', 'x-api-key': 'sk-abc' }, 'sk-abc'],
    [{ authorization: 'Basic dXNlcjpwYXNz' }, undefined],
    [{ authorization: 'Bearer' }, undefined],
    [{ authorization: 'Bearer two words' }, undefined],
    [{ 'x-api-key': '   ' }, undefined],
    [{}, undefined],
  ])('%j → %s', (h, expected) => {
    expect(presentedKey(headers(h))).toBe(expected);
  });
});

describe('KeyTable', () => {
  const table = new KeyTable([
    { name: 'web', key_sha256: hex('sk-web-key-0001').toUpperCase(), models: ['gpt-*'] },
    { name: 'batch', key: 'sk-batch-key-0001', routes: ['bulk'] },
    // Rotation: an old and a new key under one name.
    { name: 'web', key_sha256: hex('sk-web-key-0002') },
  ]);

  it('finds the principal of a key stored as a digest (any hex case) or in plain text', () => {
    expect(table.find('sk-web-key-0001')).toEqual({ name: 'web', models: ['gpt-*'] });
    expect(table.find('sk-batch-key-0001')).toEqual({ name: 'batch', routes: ['bulk'] });
    expect(table.find('sk-web-key-0002')?.name).toBe('web');
  });

  it('finds nothing for a wrong, empty or near-miss key', () => {
    for (const k of ['', 'sk-web-key-000', 'sk-web-key-00011', 'SK-WEB-KEY-0001', hex('sk-web-key-0001')]) {
      expect(table.find(k)).toBeUndefined();
    }
  });

  it('remembers matched keys only: a repeated wrong key is refused every time, a known one still found', () => {
    const fresh = new KeyTable([{ name: 'web', key_sha256: hex('sk-web-key-0001') }]);
    for (let i = 0; i < 3; i++) {
      expect(fresh.find('sk-web-key-0001')?.name).toBe('web');
      expect(fresh.find('sk-web-key-0009')).toBeUndefined();
      expect(fresh.find('sk-web-key-000')).toBeUndefined();
    }
  });

  it('hands out one frozen principal per key (the core caches its compiled globs by identity)', () => {
    const p = table.find('sk-web-key-0001')!;
    expect(table.find('sk-web-key-0001')).toBe(p);
    expect(Object.isFrozen(p) && Object.isFrozen(p.models)).toBe(true);
  });
});

describe('auth options', () => {
  const parse = (options: unknown) => v.safeParse(auth.schema!, options);

  it('takes exactly one of key_sha256 and key, a 64-digit hex digest, and a sane name', () => {
    expect(parse({ keys: [{ name: 'a', key_sha256: hex('x') }] }).success).toBe(true);
    expect(parse({ keys: [{ name: 'a' }] }).success).toBe(false);
    expect(parse({ keys: [{ name: 'a', key: 'sk-0123456789abcdef', key_sha256: hex('x') }] }).success).toBe(
      false,
    );
    expect(parse({ keys: [{ name: 'a', key_sha256: 'abc' }] }).success).toBe(false);
    expect(parse({ keys: [{ name: 'a', key: 'short' }] }).success).toBe(false);
    expect(parse({ keys: [{ name: 'has space', key_sha256: hex('x') }] }).success).toBe(false);
    expect(parse({ keys: [] }).success).toBe(false);
    expect(parse({ keys: [{ name: 'a', key_sha256: hex('x'), extra: 1 }] }).success).toBe(false);
  });

  it('warns about every plain-text key, at its path', () => {
    const parsed = parse({
      keys: [
        { name: 'a', key_sha256: hex('x') },
        { name: 'b', key: 'sk-0123456789abcdef' },
      ],
    });
    expect(parsed.success).toBe(true);
    expect(auth.warnings!(parsed.output as never)).toEqual([
      {
        path: ['keys', 1, 'key'],
        message: "key 'b' is in plain text; store its SHA-256 as key_sha256 instead",
      },
    ]);
  });
});
