/**
 * The `switchyard` binary as users run it (the built dist): validate, schema, the embedded default
 * config, and a graceful SIGTERM during a stream.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const children: ChildProcess[] = [];

beforeAll(() => {
  if (!existsSync(CLI))
    throw new Error('apps/gateway/dist/cli.js is missing: run `pnpm build` first (pnpm test does)');
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

/** An environment without any provider key, so the embedded default has only the mock. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/_API_KEY$|^AWS_/.test(k)) env[k] = v;
  return { ...env, ...extra };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function serve(args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const deadline = Date.now() + 10_000;
  while (!out.includes('listening on')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`gateway did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, output: () => out };
}

describe('switchyard validate', () => {
  it('lists every problem with its key path and line:col, and exits 1', () => {
    const dir = tempDir({
      'bad.yaml': [
        'providers:',
        '  openai:',
        '    type: openai',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a YAML ${VAR} reference, not a JS template
        '    api_key: ${SWITCHYARD_SURELY_UNSET}',
        'routes:',
        '  - name: r1',
        '    targets:',
        '      - provider: nowhere',
        'plugins:',
        '  - metrics: { path: 42 }',
        '',
      ].join('\n'),
    });
    const r = spawnSync(process.execPath, [CLI, 'validate', 'bad.yaml'], {
      cwd: dir,
      env: cleanEnv(),
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('providers.openai.api_key (4:14)');
    expect(r.stderr).toContain('SWITCHYARD_SURELY_UNSET');
    expect(r.stderr).toMatch(/routes\[0\]\.targets\[0\]\.provider \(8:\d+\): .*nowhere/);
    expect(r.stderr).toMatch(/plugins\[0\]\.metrics\.path \(10:\d+\)/);
  });

  it('exits 0 on a valid file', () => {
    const dir = tempDir({ 'ok.yaml': 'providers:\n  local: { type: mock }\n' });
    const r = spawnSync(process.execPath, [CLI, 'validate', 'ok.yaml'], {
      cwd: dir,
      env: cleanEnv(),
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('switchyard schema', () => {
  it('prints a JSON Schema covering the core and plugin blocks', () => {
    const r = spawnSync(process.execPath, [CLI, 'schema'], { env: cleanEnv(), encoding: 'utf8' });
    expect(r.status).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.properties).toHaveProperty('server');
    expect(schema.properties).toHaveProperty('routes');
    expect(r.stdout).toContain('"metrics"');
    expect(r.stdout).toContain('Where /metrics is served.');
  });
});

describe('switchyard serve', () => {
  it('runs the embedded default with no config and no keys; mock/echo answers', async () => {
    const port = await freePort();
    const { output } = await serve([], tempDir(), cleanEnv({ PORT: String(port) }));
    expect(output()).toContain(`http://127.0.0.1:${port}`);
    expect(output()).toContain('embedded default');
    const res = await request(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'hello gateway' }] }),
    });
    const body = (await res.body.json()) as { choices: Array<{ message: { content: string } }> };
    expect(res.statusCode).toBe(200);
    expect(body.choices[0]!.message.content).toBe('hello gateway');
  });

  it('exits 1 listing the problems when the config is invalid', () => {
    const dir = tempDir({ 'switchyard.yaml': 'server: { port: eighty }\n' });
    const r = spawnSync(process.execPath, [CLI], {
      cwd: dir,
      env: cleanEnv(),
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/server\.port \(1:\d+\)/);
  });

  it('writes batched stdout lines within a fraction of a second, and the rest on exit', async () => {
    const port = await freePort();
    const dir = tempDir({
      'switchyard.yaml': `server: { port: ${port} }\nproviders:\n  local: { type: mock }\nplugins:\n  - access-log\n`,
    });
    const { child, output } = await serve([], dir, cleanEnv());
    const accessLines = () =>
      output()
        .split('\n')
        .filter((l) => l.includes('"log":"access"'));
    for (let i = 0; i < 3; i++) {
      const res = await request(`http://127.0.0.1:${port}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'x-request-id': `cli-${i}` },
        body: JSON.stringify({ model: 'local/echo', messages: [{ role: 'user', content: 'hi' }] }),
      });
      await res.body.text();
    }
    const deadline = Date.now() + 1000;
    while (accessLines().length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(accessLines().map((l) => JSON.parse(l).request_id)).toEqual(['cli-0', 'cli-1', 'cli-2']);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    expect(output()).toContain('"msg":"stopped"');
  });

  it('on SIGTERM during a stream: not ready, the stream completes, exit 0', async () => {
    const port = await freePort();
    const dir = tempDir({
      'switchyard.yaml': `server: { port: ${port}, shutdown_grace: 10s }\nproviders:\n  slow: { type: mock, chunk_delay: 150ms }\n`,
    });
    const { child } = await serve([], dir, cleanEnv());
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const stream = await request(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({
        model: 'slow/echo',
        stream: true,
        messages: [{ role: 'user', content: 'a b c d e f g h' }],
      }),
    });
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    const ready = await request(`http://127.0.0.1:${port}/ready`);
    expect(ready.statusCode).toBe(503);
    await ready.body.text();
    const text = await stream.body.text();
    expect(text).toContain('"h"');
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
    expect(await exited).toBe(0);
  });
});
