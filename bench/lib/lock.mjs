/**
 * One benchmark at a time per machine: two runs sharing 2 cores measure each other, not the gateway.
 * A lock file holding the owner's pid; a later run waits (bounded) for it, and takes over a lock whose
 * owner is gone.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = join(tmpdir(), 'switchyard-bench.lock');
const POLL_MS = 1_000;

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function ownerOf(file) {
  try {
    return Number(readFileSync(file, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

function tryTake(file) {
  try {
    const fd = openSync(file, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (err) {
    if (err.code !== 'EEXIST') throw err;
    const owner = ownerOf(file);
    // A lock left by a run that died: remove it and let the next poll take it.
    if (owner !== undefined && !alive(owner)) {
      try {
        if (ownerOf(file) === owner) unlinkSync(file);
      } catch {}
    }
    return false;
  }
}

/** Waits up to `waitS` seconds for the lock; returns a release function. */
export async function acquireBenchLock({ waitS, file = LOCK_FILE, log = console.log }) {
  const deadline = Date.now() + waitS * 1000;
  let told = false;
  while (!tryTake(file)) {
    if (Date.now() > deadline) {
      throw new Error(`another benchmark (pid ${ownerOf(file)}) still holds ${file} after ${waitS} s`);
    }
    if (!told) log(`waiting for another benchmark to finish (pid ${ownerOf(file)}, lock ${file})`);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const release = () => {
    if (ownerOf(file) === process.pid) unlinkSync(file);
  };
  process.once('exit', release);
  return release;
}
