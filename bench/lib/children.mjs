/**
 * Child processes of the benchmark: started pinned to their CPUs, awaited until they print
 * `listening on URL`, and always killed when the runner ends — normally, on an error, or on Ctrl-C.
 *
 * Their stdout and stderr go to files in a temporary directory, not to pipes the runner reads: the
 * runner's event loop is busy generating load, and a gateway writing its access log into a pipe that
 * nobody drains in time blocks on it (or queues it) and is measured waiting for the benchmark itself.
 * A file is what a log shipper tails in production. The directory is removed when the runner exits.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const READY_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 3_000;
const KEPT_OUTPUT_LINES = 20;
const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/;

const running = new Set();
let logDir;

function logFileFor(name) {
  logDir ??= mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  return join(logDir, `${name.replace(/[^\w.-]+/g, '-')}.log`);
}

/** Up to `bytes` of a file from `position` (negative: from the end), as text. */
function readPart(file, position, bytes) {
  const size = statSync(file).size;
  const start = position < 0 ? Math.max(0, size + position) : position;
  const buffer = Buffer.alloc(Math.min(bytes, Math.max(0, size - start)));
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, start);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('utf8');
}

/** The last lines a child wrote, for error messages. */
function lastLines(handle) {
  return readPart(handle.logFile, -16_384, 16_384).trimEnd().split('\n').slice(-KEPT_OUTPUT_LINES);
}

/**
 * Starts `node ARGS` (under `taskset -c CPUS` when cpus is set) and resolves once it prints its URL.
 * Its output goes to a file (`handle.logFile`); errors quote the last lines.
 */
export function startNode({ name, args, env, cpus }) {
  const command = cpus === undefined ? process.execPath : 'taskset';
  const argv = cpus === undefined ? args : ['-c', cpus, process.execPath, ...args];
  // stdin stays an open pipe: our own servers exit when it closes, so they die with the runner.
  const logFile = logFileFor(name);
  const out = openSync(logFile, 'w');
  const child = spawn(command, argv, { env: { ...process.env, ...env }, stdio: ['pipe', out, out] });
  closeSync(out);
  const handle = { name, pid: child.pid, child, url: undefined, logFile, exited: false };
  running.add(handle);
  handle.exitedPromise = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      handle.exited = true;
      handle.exitCode = code ?? signal;
      running.delete(handle);
      resolve();
    }),
  );
  return waitForUrl(handle);
}

/** The startup line is among the first a server writes. */
async function waitForUrl(handle) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const match = LISTENING.exec(readPart(handle.logFile, 0, 65_536));
    if (match) {
      handle.url = match[1];
      return handle;
    }
    if (handle.exited)
      throw new Error(`${handle.name} exited before listening:\n${lastLines(handle).join('\n')}`);
    if (Date.now() > deadline) {
      throw new Error(
        `${handle.name} did not listen within ${READY_TIMEOUT_MS} ms:\n${lastLines(handle).join('\n')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
export async function stop(handle) {
  if (handle.exited) return;
  handle.child.kill('SIGTERM');
  const timer = setTimeout(() => handle.child.kill('SIGKILL'), STOP_GRACE_MS);
  await handle.exitedPromise;
  clearTimeout(timer);
  forgetLogs(handle);
}

/** A stopped child's output is no longer needed; the directory goes with the last one. */
function forgetLogs(handle) {
  rmSync(handle.logFile, { force: true });
  if (running.size === 0 && logDir) {
    rmSync(logDir, { recursive: true, force: true });
    logDir = undefined;
  }
}

export function stopAll() {
  return Promise.all([...running].map(stop));
}

/** Last resort when the runner itself is exiting: no time left for grace. */
function killAllNow() {
  for (const handle of running) handle.child.kill('SIGKILL');
  if (logDir) rmSync(logDir, { recursive: true, force: true });
}

/** A child that dies during a measurement makes that measurement meaningless: fail loudly. */
export function assertAlive(handle) {
  if (handle.exited)
    throw new Error(`${handle.name} (pid ${handle.pid}) died:\n${lastLines(handle).join('\n')}`);
}

/** Makes sure no child outlives the runner, whatever ends it. */
export function killChildrenOnExit() {
  process.once('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the benchmark's processes`);
      void stopAll().finally(() => process.exit(130));
    });
  }
}
