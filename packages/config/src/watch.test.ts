import { mkdtemp, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { watchConfigFile } from './watch.js';

const DEBOUNCE_MS = 50;
/** Long enough for the watcher to see the events and its debounce to run out. */
const SETTLE_MS = DEBOUNCE_MS * 6;

let dir: string;
let file: string;
let watcher: { close(): void } | undefined;
let calls: number;

async function startWatching(initial: string | undefined = 'port: 1\n') {
  if (initial !== undefined) await writeFile(file, initial);
  calls = 0;
  watcher = watchConfigFile(file, () => calls++, { debounceMs: DEBOUNCE_MS });
  // fs.watch needs a moment before it reports events reliably.
  await sleep(DEBOUNCE_MS);
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-watch-'));
  file = join(dir, 'switchyard.yaml');
});

afterEach(async () => {
  watcher?.close();
  watcher = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('watchConfigFile', () => {
  test('an editor saving twice in a row → one callback', async () => {
    await startWatching();
    await writeFile(file, 'port: 2\n');
    await sleep(5);
    await writeFile(file, 'port: 3\n');
    await sleep(SETTLE_MS);
    expect(calls).toBe(1);
  });

  test('two saves far apart → two callbacks', async () => {
    await startWatching();
    await writeFile(file, 'port: 2\n');
    await sleep(SETTLE_MS);
    await writeFile(file, 'port: 3\n');
    await sleep(SETTLE_MS);
    expect(calls).toBe(2);
  });

  test('an atomic save (temp file renamed over the config) → callback', async () => {
    await startWatching();
    const temp = join(dir, '.switchyard.yaml.tmp');
    await writeFile(temp, 'port: 2\n');
    await rename(temp, file);
    await sleep(SETTLE_MS);
    expect(calls).toBe(1);
  });

  test('deleted, then recreated with new content → one callback, once it is back', async () => {
    await startWatching();
    await unlink(file);
    await sleep(SETTLE_MS);
    expect(calls).toBe(0);
    await writeFile(file, 'port: 2\n');
    await sleep(SETTLE_MS);
    expect(calls).toBe(1);
  });

  test('deleted, then recreated as it was → no callback (nothing changed)', async () => {
    await startWatching();
    await unlink(file);
    await sleep(SETTLE_MS);
    await writeFile(file, 'port: 1\n');
    await sleep(SETTLE_MS);
    expect(calls).toBe(0);
  });

  test('a file that did not exist yet → callback when it appears', async () => {
    await startWatching(undefined);
    await writeFile(file, 'port: 2\n');
    await sleep(SETTLE_MS);
    expect(calls).toBe(1);
  });

  test('invalid content still calls back (the caller validates)', async () => {
    await startWatching();
    await writeFile(file, 'server: [unclosed\n');
    await sleep(SETTLE_MS);
    expect(calls).toBe(1);
  });

  test('a save with the same content, or another file in the directory → no callback', async () => {
    await startWatching();
    await writeFile(file, 'port: 1\n');
    await writeFile(join(dir, 'other.yaml'), 'x: 1\n');
    await sleep(SETTLE_MS);
    expect(calls).toBe(0);
  });

  test('a directory that never falls quiet does not postpone the callback forever', async () => {
    await startWatching();
    await writeFile(file, 'port: 2\n');
    const noisy = join(dir, 'gateway.log');
    // Another file written every 20 ms for 1.6 s: longer than the longest wait (1 s), far beyond the debounce.
    for (let i = 0; i < 80 && calls === 0; i++) {
      await writeFile(noisy, `line ${i}\n`);
      await sleep(20);
    }
    expect(calls).toBe(1);
  });

  test('after close, nothing more is reported', async () => {
    await startWatching();
    await writeFile(file, 'port: 2\n');
    watcher?.close(); // before the debounce runs out
    await sleep(SETTLE_MS);
    await writeFile(file, 'port: 3\n');
    await sleep(SETTLE_MS);
    expect(calls).toBe(0);
  });

  test('without onError, an error becomes a process warning and watching goes on', async () => {
    await writeFile(file, 'port: 1\n');
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      let changes = 0;
      watcher = watchConfigFile(
        file,
        () => {
          changes++;
          throw new Error('reload failed');
        },
        { debounceMs: DEBOUNCE_MS },
      );
      await sleep(DEBOUNCE_MS);
      await writeFile(file, 'port: 2\n');
      await sleep(SETTLE_MS);
      await writeFile(file, 'port: 3\n');
      await sleep(SETTLE_MS);
      expect(changes).toBe(2);
      expect(warnings.map((w) => w.message)).toEqual(['reload failed', 'reload failed']);
    } finally {
      process.off('warning', onWarning);
    }
  });

  test('an error thrown by onChange goes to onError, and watching goes on', async () => {
    await writeFile(file, 'port: 1\n');
    const errors: unknown[] = [];
    let changes = 0;
    watcher = watchConfigFile(
      file,
      () => {
        changes++;
        throw new Error('reload failed');
      },
      { debounceMs: DEBOUNCE_MS, onError: (error) => errors.push(error) },
    );
    await sleep(DEBOUNCE_MS);
    await writeFile(file, 'port: 2\n');
    await sleep(SETTLE_MS);
    await writeFile(file, 'port: 3\n');
    await sleep(SETTLE_MS);
    expect(changes).toBe(2);
    expect(errors.map((e) => (e as Error).message)).toEqual(['reload failed', 'reload failed']);
  });
});
