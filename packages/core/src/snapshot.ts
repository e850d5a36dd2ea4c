/**
 * The immutable config snapshot: plugin instances, sorted hooks, providers and their transports,
 * built once per config load. A reload builds a new one and swaps a single reference; requests in
 * flight keep the snapshot they started with, and the old one is retired when the last of them ends.
 */
import type {
  EndpointHandler,
  GatewayConfig,
  GatewayEvents,
  Logger,
  PluginDefinition,
  PluginInstance,
  ProviderDefinition,
  ProviderInstance,
  Services,
  Transport,
} from './contract.js';
import { HookRunner } from './hooks.js';
import { type Shaper, shaperFor, shapingSettings } from './shaping.js';
import { type PooledTransport, transportKey, undiciTransport } from './transport.js';

/** Finds plugin and provider definitions (the app resolves names, packages and paths). */
export interface Registry {
  plugin(use: string): Promise<PluginDefinition>;
  provider(type: string): Promise<ProviderDefinition>;
}

export interface Snapshot {
  readonly version: number;
  readonly config: GatewayConfig;
  readonly hooks: HookRunner;
  readonly plugins: ReadonlyArray<{ name: string; instance: PluginInstance }>;
  readonly providers: ReadonlyMap<string, ProviderInstance>;
  readonly transports: ReadonlyMap<string, Transport>;
  readonly endpoints: ReadonlyMap<string, EndpointHandler>;
  /** Pools by origin, carried over to the next snapshot when unchanged. */
  readonly pools: ReadonlyMap<string, PooledTransport>;
  /** Outbound shapers of the providers that enable one, by provider id; carried over when unchanged. */
  readonly shapers: ReadonlyMap<string, Shaper>;
}

export interface SnapshotDeps {
  registry: Registry;
  events: GatewayEvents;
  log: Logger;
  services: Services;
  env?: NodeJS.ProcessEnv;
}

/**
 * Plugins other sections require are loaded without being listed (SPEC §3): the router always
 * (routes and provider/model addressing), fallback when a route declares one. Listing them sets
 * their position and options.
 */
function pluginList(config: GatewayConfig): Array<{ name: string; use: string; options: unknown }> {
  const listed = config.plugins.filter((p) => p.enabled);
  const out = listed.map(({ name, use, options }) => ({ name, use, options }));
  const has = (name: string) =>
    listed.some((p) => p.name === name) || config.plugins.some((p) => p.name === name);
  if (!has('router')) out.push({ name: 'router', use: 'router', options: {} });
  if (config.routes.some((r) => r.fallback?.length) && !has('fallback'))
    out.push({ name: 'fallback', use: 'fallback', options: {} });
  return out;
}

export async function buildSnapshot(
  config: GatewayConfig,
  deps: SnapshotDeps,
  previous?: Snapshot,
): Promise<Snapshot> {
  const env = deps.env ?? process.env;
  const providers = new Map<string, ProviderInstance>();
  const transports = new Map<string, Transport>();
  const pools = new Map<string, PooledTransport>();
  const shapers = new Map<string, Shaper>();
  for (const [id, pc] of Object.entries(config.providers)) {
    const def = await deps.registry.provider(pc.type);
    let adapter: ProviderInstance['adapter'];
    try {
      adapter = def.create(pc as never, { log: deps.log, env });
    } catch (err) {
      throw new Error(`providers.${id}: ${(err as Error).message}`);
    }
    providers.set(id, { id, type: pc.type, config: pc, adapter });
    let transport = adapter.transport;
    if (!transport) {
      const base = adapter.baseUrl ?? pc.base_url;
      const key = transportKey(base, pc.timeout.connect);
      const pool = pools.get(key) ?? previous?.pools.get(key) ?? undiciTransport(base, pc.timeout.connect);
      pools.set(key, pool);
      transport = pool.send;
    }
    const shaping = shapingSettings(pc);
    if (shaping) {
      const shaper = shaperFor(id, shaping, previous?.shapers.get(id));
      shapers.set(id, shaper);
      transport = shaper.wrap(transport);
    }
    transports.set(id, transport);
  }

  const plugins: Array<{ name: string; instance: PluginInstance }> = [];
  for (const ref of pluginList(config)) {
    const def = await deps.registry.plugin(ref.use);
    const prev = previous?.plugins.find((p) => p.name === ref.name)?.instance;
    const instance = await def.setup(ref.options, {
      config,
      previous: prev,
      events: deps.events,
      log: deps.log,
      providers,
      services: deps.services,
    });
    plugins.push({ name: ref.name, instance });
  }

  const endpoints = new Map<string, EndpointHandler>();
  for (const { instance } of plugins) {
    for (const [key, handler] of Object.entries(instance.endpoints ?? {})) endpoints.set(key, handler);
  }

  return {
    version: (previous?.version ?? 0) + 1,
    config,
    hooks: new HookRunner(plugins, deps.log),
    plugins,
    providers,
    transports,
    endpoints,
    pools,
    shapers,
  };
}

/**
 * Release what `next` did not carry over: connection pools, and plugins that are gone. A plugin still
 * present received its old instance as `previous`; the new instance owns (and disposes) that state.
 */
export async function retireSnapshot(old: Snapshot, next: Snapshot | undefined, log: Logger): Promise<void> {
  for (const { name, instance } of old.plugins) {
    if (next?.plugins.some((p) => p.name === name)) continue;
    try {
      await instance.close?.();
    } catch (err) {
      log.warn({ plugin: name, err: String(err) }, 'plugin close failed');
    }
  }
  for (const [key, pool] of old.pools) {
    if (next?.pools.get(key) !== pool) await pool.close().catch(() => undefined);
  }
  for (const [id, shaper] of old.shapers) {
    if (next?.shapers.get(id) !== shaper) await shaper.close().catch(() => undefined);
  }
}
