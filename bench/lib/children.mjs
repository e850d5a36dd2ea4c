/**
 * Child processes of the benchmark: started pinned to their CPUs, awaited until they print
 * `listening on URL`, and always killed when the runner ends — normally, on an error, or on Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const READY_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 3_000;
const KEPT_OUTPUT_LINES = 20;
const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/;

const running = new Set();

/**
 * Starts `node ARGS` (under `taskset -c CPUS` when cpus is set) and resolves once it prints its URL.
 * The returned handle keeps the last output lines for error messages.
 */
export function startNode({ name, args, env, cpus }) {
  const command = cpus === undefined ? process.execPath : 'taskset';
  const argv = cpus === undefined ? args : ['-c', cpus, process.execPath, ...args];
  // stdin stays an open pipe: our own servers exit when it closes, so they die with the runner.
  const child = spawn(command, argv, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  const handle = { name, pid: child.pid, child, url: undefined, output: [], exited: false };
  running.add(handle);
  const keep = (line) => {
    handle.output.push(line);
    if (handle.output.length > KEPT_OUTPUT_LINES) handle.output.shift();
    const match = handle.url === undefined && LISTENING.exec(line);
    if (match) handle.url = match[1];
  };
  // Always drain both pipes: a full pipe would block the child's logging and skew the numbers.
  createInterface({ input: child.stdout }).on('line', keep);
  createInterface({ input: child.stderr }).on('line', keep);
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

async function waitForUrl(handle) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (handle.url === undefined) {
    if (handle.exited)
      throw new Error(`${handle.name} exited before listening:\n${handle.output.join('\n')}`);
    if (Date.now() > deadline) {
      throw new Error(
        `${handle.name} did not listen within ${READY_TIMEOUT_MS} ms:\n${handle.output.join('\n')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return handle;
}

/** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
export async function stop(handle) {
  if (handle.exited) return;
  handle.child.kill('SIGTERM');
  const timer = setTimeout(() => handle.child.kill('SIGKILL'), STOP_GRACE_MS);
  await handle.exitedPromise;
  clearTimeout(timer);
}

export function stopAll() {
  return Promise.all([...running].map(stop));
}

/** Last resort when the runner itself is exiting: no time left for grace. */
function killAllNow() {
  for (const handle of running) handle.child.kill('SIGKILL');
}

/** A child that dies during a measurement makes that measurement meaningless: fail loudly. */
export function assertAlive(handle) {
  if (handle.exited) throw new Error(`${handle.name} (pid ${handle.pid}) died:\n${handle.output.join('\n')}`);
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
