import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireBenchLock } from '../lib/lock.mjs';

const quiet = () => {};
const tempLock = () => join(mkdtempSync(join(tmpdir(), 'bench-lock-')), 'bench.lock');

describe('one benchmark at a time', () => {
  it('makes a second run wait until the first releases', async () => {
    const file = tempLock();
    const release = await acquireBenchLock({ waitS: 1, file, log: quiet });
    expect(readFileSync(file, 'utf8')).toBe(String(process.pid));
    await expect(acquireBenchLock({ waitS: 1, file, log: quiet })).rejects.toThrow(/still holds/);
    setTimeout(release, 300);
    const second = await acquireBenchLock({ waitS: 5, file, log: quiet });
    second();
    expect(existsSync(file)).toBe(false);
  });

  it('takes over a lock whose owner is gone', async () => {
    const file = tempLock();
    const dead = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString();
    writeFileSync(file, dead);
    const release = await acquireBenchLock({ waitS: 5, file, log: quiet });
    expect(readFileSync(file, 'utf8')).toBe(String(process.pid));
    release();
  });
});
