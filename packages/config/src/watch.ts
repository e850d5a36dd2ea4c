/**
 * Watches a config file for saves. The directory is watched, not the file: editors that write a temp
 * file and rename it over the original, or delete and recreate it, replace the file's inode, and a
 * watch on the old inode would go quiet. Events are debounced (a save is often several writes), and
 * `onChange` runs only when the file exists and its content differs from the last content seen.
 */
import { type FSWatcher, readFileSync, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

export interface WatchOptions {
  /** Quiet time after the last event before the file is read (default 200 ms). */
  debounceMs?: number;
  /**
   * Read errors (other than the file being missing), watcher errors, and errors thrown by onChange.
   * Without it they become process warnings (`process.on('warning')`, printed to stderr): a watcher
   * hiccup must not bring the gateway down, and watching goes on either way.
   */
  onError?: (error: unknown) => void;
}

export function watchConfigFile(
  file: string,
  onChange: () => void,
  options: WatchOptions = {},
): { close(): void } {
  const path = resolve(file);
  const debounceMs = options.debounceMs ?? 200;
  // A directory that never falls quiet (logs written next to the config) must not postpone a reload forever.
  const maxWaitMs = Math.max(1000, debounceMs * 5);
  const fail =
    options.onError ??
    ((error: unknown) =>
      process.emitWarning(error instanceof Error ? error : String(error), 'ConfigWatchWarning'));

  let last = readNow(path);
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let burstStartedAt: number | undefined;
  let queue: Promise<void> = Promise.resolve();

  const check = async () => {
    if (closed) return;
    let content: string;
    try {
      content = await readFile(path, 'utf8');
    } catch (error) {
      // Missing for now (mid-rename, deleted): its return is another event in the directory.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') fail(error);
      return;
    }
    if (closed || content === last) return;
    last = content;
    onChange();
  };

  const schedule = () => {
    if (closed) return;
    const now = Date.now();
    burstStartedAt ??= now;
    clearTimeout(timer);
    timer = setTimeout(
      () => {
        burstStartedAt = undefined;
        // One check at a time, in order, so two reads never race to set `last`.
        queue = queue.then(check).catch(fail);
      },
      Math.max(0, Math.min(debounceMs, burstStartedAt + maxWaitMs - now)),
    );
    // Watching never keeps the process alive by itself.
    timer.unref();
  };

  const watcher: FSWatcher = watch(dirname(path), { persistent: false }, schedule);
  watcher.on('error', fail);

  return {
    close() {
      closed = true;
      clearTimeout(timer);
      watcher.close();
    },
  };
}

function readNow(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
