/**
 * The hook runner: plugins' hooks sorted once per config load (YAML order; response-side waterfalls
 * reversed), and one small runner per hook kind. Every error a hook throws is stamped with the plugin
 * and hook that threw it.
 */
import {
  HOOK_KINDS,
  type HookHandlers,
  type HookName,
  type Logger,
  type PluginInstance,
  REVERSED_HOOKS,
} from './contract.js';
import { type GatewayError, toGatewayError } from './errors.js';

interface Entry<K extends HookName> {
  plugin: string;
  fn: HookHandlers[K];
}

type Table = { [K in HookName]: Array<Entry<K>> };

function stamp(err: unknown, plugin: string, hook: string): GatewayError {
  const e = toGatewayError(err);
  e.plugin ??= plugin;
  e.hook ??= hook;
  return e;
}

export class HookRunner {
  private readonly table: Table;

  constructor(
    plugins: ReadonlyArray<{ name: string; instance: PluginInstance }>,
    private readonly log: Logger,
  ) {
    const table = {} as Record<HookName, Array<Entry<HookName>>>;
    for (const hook of Object.keys(HOOK_KINDS) as HookName[]) {
      const entries: Array<Entry<HookName>> = [];
      for (const { name, instance } of plugins) {
        const fn = instance.hooks?.[hook];
        if (fn) entries.push({ plugin: name, fn: fn as HookHandlers[HookName] });
      }
      table[hook] = REVERSED_HOOKS.has(hook) ? entries.reverse() : entries;
    }
    this.table = table as Table;
  }

  /** Does any plugin implement this hook? (lets the pipeline skip whole stages) */
  has(hook: HookName): boolean {
    return this.table[hook].length > 0;
  }

  /** Names of the plugins implementing a hook, in run order (for docs, tests and the startup log). */
  order(hook: HookName): string[] {
    return this.table[hook].map((e) => e.plugin);
  }

  /** first: call in order until one returns something other than undefined. */
  async first<K extends 'authenticate' | 'matchRoute' | 'cacheLookup' | 'selectTarget' | 'retry'>(
    hook: K,
    ...args: Parameters<HookHandlers[K]>
  ): Promise<Awaited<ReturnType<HookHandlers[K]>> | undefined> {
    for (const { plugin, fn } of this.table[hook]) {
      let result: unknown;
      try {
        result = await (fn as (...a: unknown[]) => unknown)(...args);
      } catch (err) {
        throw stamp(err, plugin, hook);
      }
      if (result !== undefined) return result as Awaited<ReturnType<HookHandlers[K]>>;
    }
    return undefined;
  }

  /** guard: call in order; the first Reply stops the request. */
  async guard<K extends 'onRequest' | 'limit' | 'onEndpoint'>(hook: K, ...args: Parameters<HookHandlers[K]>) {
    for (const { plugin, fn } of this.table[hook]) {
      let result: unknown;
      try {
        result = await (fn as (...a: unknown[]) => unknown)(...args);
      } catch (err) {
        throw stamp(err, plugin, hook);
      }
      if (result) return result as NonNullable<Awaited<ReturnType<HookHandlers[K]>>>;
    }
    return undefined;
  }

  /** waterfall: each hook receives the previous one's result. */
  async waterfall<K extends 'transformRequest' | 'filterTargets' | 'transformResponse'>(
    hook: K,
    value: Parameters<HookHandlers[K]>[0],
    ctx: Parameters<HookHandlers[K]>[1],
  ): Promise<Parameters<HookHandlers[K]>[0]> {
    let current = value;
    for (const { plugin, fn } of this.table[hook]) {
      try {
        current = (await (fn as (v: unknown, c: unknown) => unknown)(current, ctx)) as typeof current;
      } catch (err) {
        throw stamp(err, plugin, hook);
      }
    }
    return current;
  }

  /** The per-chunk waterfall is synchronous: it runs for every stream event. `null` drops the chunk. */
  chunk(
    chunk: Parameters<HookHandlers['transformChunk']>[0],
    ctx: Parameters<HookHandlers['transformChunk']>[1],
  ) {
    let current: ReturnType<HookHandlers['transformChunk']> = chunk;
    for (const { plugin, fn } of this.table.transformChunk) {
      try {
        current = fn(current!, ctx);
      } catch (err) {
        throw stamp(err, plugin, 'transformChunk');
      }
      if (current === null) return null;
    }
    return current;
  }

  /** observer: all run; failures are logged, never surfaced to the client. */
  observe<K extends 'onAttempt' | 'onHeaders' | 'onResponse' | 'onError'>(
    hook: K,
    ...args: Parameters<HookHandlers[K]>
  ): void {
    for (const { plugin, fn } of this.table[hook]) {
      try {
        const r = (fn as (...a: unknown[]) => unknown)(...args);
        if (r && typeof (r as Promise<void>).then === 'function') {
          (r as Promise<void>).catch((err) => this.observerFailed(err, plugin, hook));
        }
      } catch (err) {
        this.observerFailed(err, plugin, hook);
      }
    }
  }

  private observerFailed(err: unknown, plugin: string, hook: string): void {
    this.log.error(
      { plugin, hook, err: err instanceof Error ? err.message : String(err) },
      'observer hook failed',
    );
  }
}
