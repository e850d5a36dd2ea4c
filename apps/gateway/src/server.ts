/**
 * Running the gateway: load the config, build the gateway, serve it with @hono/node-server, reload on
 * file changes (an invalid file keeps the old config), and shut down gracefully: not ready, drain
 * in-flight requests and streams up to `server.shutdown_grace`, then close.
 */
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { formatProblem, watchConfigFile } from '@switchyard/config';
import { createApp, Gateway } from '@switchyard/core';
import { createRedisService } from '@switchyard/redis';
import { type ConfigSource, readConfig, registryFor } from './load.js';
import { createLogger, type Log } from './log.js';
import { VERSION } from './version.js';

export interface ServeOptions {
  source: ConfigSource;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Where log lines go (default stdout). */
  logDestination?: NodeJS.WritableStream;
  /** Reload debounce for the file watcher. */
  watchDebounceMs?: number;
}

export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  readonly gateway: Gateway;
  readonly log: Log;
  /** Re-read the config now (what the file watcher does on a change). */
  reload(): Promise<boolean>;
  /** Graceful: not ready, drain up to shutdown_grace, close. Resolves true when everything drained. */
  shutdown(): Promise<boolean>;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid config:\n${problems.join('\n')}`);
  }
}

export async function startGateway(options: ServeOptions): Promise<RunningGateway> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const { source } = options;
  const registry = registryFor(source, cwd);
  const first = await readConfig(source, registry, env);
  if (!first.config) throw new ConfigError(first.problems.map(formatProblem));
  const config = first.config;
  const log = createLogger(config.logging.level, config.logging.format, options.logDestination);
  for (const p of first.problems) log.warn(formatProblem(p));

  // One shared Redis connection for the plugins that keep state across replicas (docs/edge.md).
  const redis = config.redis ? createRedisService(config.redis.url, { log }) : undefined;
  const gateway = await Gateway.start(config, { registry, log, env, services: { redis } });
  if (redis) {
    redis.onState((state) => gateway.events.emit('redis:state', state));
    redis.start();
    await redis.whenReady(2_000); // serve without it after that; it keeps reconnecting
  }
  const app = createApp(gateway, { version: VERSION });
  const server: ServerType = serve({
    fetch: app.fetch,
    hostname: config.server.host,
    port: config.server.port,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  const url = `http://${host}:${port}`;
  log.info(
    {
      address: url,
      config: source.name,
      plugins: gateway.snapshot.plugins.map((p) => p.name),
      providers: Object.keys(config.providers),
    },
    `switchyard ${VERSION} listening on ${url}`,
  );
  log.flush(); // people and scripts wait for this line

  let reloading = Promise.resolve(true);
  const reload = () => {
    reloading = reloading.then(async () => {
      const next = await readConfig(source, registry, env);
      if (!next.config) {
        log.error(
          { problems: next.problems.map(formatProblem) },
          'config reload rejected; still serving the previous config',
        );
        gateway.events.emit('config:reload', { ok: false, problems: next.problems.map(formatProblem) });
        return false;
      }
      try {
        await gateway.reload(next.config);
      } catch (err) {
        log.error({ err: (err as Error).message }, 'config reload failed; still serving the previous config');
        gateway.events.emit('config:reload', { ok: false, problems: [(err as Error).message] });
        return false;
      }
      const s = next.config.server;
      if (s.host !== config.server.host || s.port !== config.server.port) {
        log.warn('server.host / server.port changes apply after a restart');
      }
      if (next.config.redis?.url !== config.redis?.url) log.warn('redis.url changes apply after a restart');
      log.info({ config: source.name, version: gateway.snapshot.version }, 'config reloaded');
      gateway.events.emit('config:reload', { ok: true });
      return true;
    });
    return reloading;
  };
  const watcher = source.file
    ? watchConfigFile(source.file, () => void reload(), {
        debounceMs: options.watchDebounceMs ?? 200,
        onError: (err) => log.warn({ err: String(err) }, 'config watcher error'),
      })
    : undefined;

  let stopping: Promise<boolean> | undefined;
  const shutdown = () => {
    stopping ??= (async () => {
      const grace = gateway.config.server.shutdown_grace;
      log.info({ inflight: gateway.inflight, grace_ms: grace }, 'shutting down: not ready, draining');
      watcher?.close();
      const drained = await gateway.drain(grace);
      if (!drained)
        log.warn({ inflight: gateway.inflight }, 'shutdown grace over; closing the remaining requests');
      server.close();
      if ('closeAllConnections' in server) server.closeAllConnections();
      await gateway.close();
      await redis?.close();
      log.info({ drained }, 'stopped');
      log.flush?.();
      return drained;
    })();
    return stopping;
  };

  return { url, port, gateway, log, reload, shutdown };
}
