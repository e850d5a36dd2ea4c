/**
 * Start a real gateway from a config object (written to a temp YAML file, so hot reload can be tested)
 * on 127.0.0.1 with an ephemeral port, capture its log lines, and stop it.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { configSource, type RunningGateway, startGateway } from '@switchyard/gateway';
import { stringify } from 'yaml';

export interface TestGatewayOptions {
  env?: NodeJS.ProcessEnv;
  /** Reload debounce of the config watcher (default 50 ms in tests). */
  watchDebounceMs?: number;
}

export interface TestGateway {
  readonly url: string;
  /** `${url}/v1`, for SDK clients. */
  readonly baseURL: string;
  readonly running: RunningGateway;
  readonly configFile: string;
  /** Parsed JSON log lines written so far. */
  readonly logs: Array<Record<string, unknown>>;
  /** Replace the config file atomically (write a temp file, rename), as editors do. */
  writeConfig(config: object | string): void;
  close(): Promise<void>;
}

export function toYaml(config: object | string): string {
  return typeof config === 'string' ? config : stringify(config);
}

/** Defaults that keep tests on loopback with an ephemeral port. */
function withTestServer(config: object | string): object | string {
  if (typeof config === 'string') return config;
  const c = config as { server?: Record<string, unknown> };
  return { ...c, server: { host: '127.0.0.1', port: 0, ...c.server } };
}

export async function startTestGateway(
  config: object | string,
  options: TestGatewayOptions = {},
): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-test-'));
  const configFile = join(dir, 'switchyard.yaml');
  writeFileSync(configFile, toYaml(withTestServer(config)));
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) {
        if (!line.trim()) continue;
        try {
          logs.push(JSON.parse(line));
        } catch {
          logs.push({ msg: line });
        }
      }
      done();
    },
  });
  const env = options.env ?? process.env;
  const running = await startGateway({
    source: configSource(configFile, dir, env),
    cwd: dir,
    env,
    logDestination: sink,
    watchDebounceMs: options.watchDebounceMs ?? 50,
  });
  return {
    url: running.url,
    baseURL: `${running.url}/v1`,
    running,
    configFile,
    logs,
    writeConfig(next) {
      const tmp = `${configFile}.tmp`;
      writeFileSync(tmp, toYaml(withTestServer(next)));
      renameSync(tmp, configFile);
    },
    async close() {
      await running.shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
