import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';

/** A logger writing into memory, and the lines it wrote so far. */
function capture(level = 'info') {
  const out = new PassThrough();
  const lines: string[] = [];
  out.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  return { log: createLogger(level, 'json', out), lines };
}

const withoutTime = (line: string) => line.replace(/"time":\d+,/, '');

describe('Logger.line', () => {
  it('writes the line pino writes for the same fields, byte for byte apart from the time', async () => {
    const { log, lines } = capture();
    const fields = { log: 'access', id: 'a"b\\c', n: 1.5, ok: true, none: null, nested: { x: [1, 'y'] } };
    log.line!('info', JSON.stringify(fields), '200 chat 1.5ms "quoted"');
    log.info(fields, '200 chat 1.5ms "quoted"');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(2);
    expect(withoutTime(lines[0]!)).toBe(withoutTime(lines[1]!));
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, ...fields, msg: '200 chat 1.5ms "quoted"' });
  });

  it("carries a child logger's bindings, as pino's own line does", async () => {
    const { log, lines } = capture();
    const child = log.child({ log: 'access' });
    child.line!('info', '{"status":200}', 'ok');
    child.info({ status: 200 }, 'ok');
    await new Promise((resolve) => setImmediate(resolve));
    expect(withoutTime(lines[0]!)).toBe(withoutTime(lines[1]!));
    expect(JSON.parse(lines[0]!)).toMatchObject({ log: 'access', status: 200, msg: 'ok' });
  });

  it('writes as the root logger when called unbound', async () => {
    const { log, lines } = capture();
    const { line } = log;
    line!('info', '{"a":1}', 'unbound');
    await new Promise((resolve) => setImmediate(resolve));
    expect(JSON.parse(lines[0]!)).toEqual({ level: 30, time: expect.any(Number), a: 1, msg: 'unbound' });
  });

  it('respects the level and accepts an empty field set', async () => {
    const { log, lines } = capture('info');
    log.line!('debug', '{"a":1}', 'hidden');
    log.line!('warn', '{}', 'shown');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((l) => JSON.parse(l))).toEqual([{ level: 40, time: expect.any(Number), msg: 'shown' }]);
  });

  it('is absent for human-readable output, so callers fall back to the level methods', () => {
    expect(createLogger('info', 'pretty', new PassThrough()).line).toBeUndefined();
  });
});
