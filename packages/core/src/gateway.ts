/**
 * The gateway: holds the current snapshot, swaps it on reload (requests in flight keep theirs),
 * runs each request through the pipeline and turns the outcome into a Response, and drains on shutdown.
 */
import { EventEmitter } from 'eventemitter3';
import type { AbortLike } from './abort.js';
import type {
  GatewayConfig,
  GatewayEventMap,
  GatewayEvents,
  HeaderReader,
  Logger,
  Operation,
  Reply,
  RequestContext,
  RequestState,
  Services,
} from './contract.js';
import { type GatewayError, toGatewayError } from './errors.js';
import { runPipeline } from './pipeline.js';
import { errorResponse, replyResponse } from './respond.js';
import { buildSnapshot, type Registry, retireSnapshot, type Snapshot } from './snapshot.js';

export interface GatewayOptions {
  registry: Registry;
  log: Logger;
  env?: NodeJS.ProcessEnv;
  /** Shared services the app provides to plugins (`host.services`), e.g. the Redis connection. */
  services?: Services;
}

/** What the HTTP edge knows about a request before the pipeline runs. */
export interface Incoming {
  id: string;
  operation: Operation;
  path: string;
  headers: HeaderReader;
  body: RequestContext['body'];
  clientIp: string;
  signal: AbortLike;
  startedAt: number;
}

export class Gateway {
  readonly events: GatewayEvents = new EventEmitter<GatewayEventMap>() as unknown as GatewayEvents;
  readonly services: Services;
  private current!: Snapshot;
  private readonly users = new Map<Snapshot, number>();
  private inflightCount = 0;
  private idle: Array<() => void> = [];
  draining = false;

  private constructor(private readonly options: GatewayOptions) {
    this.services = options.services ?? {};
  }

  static async start(config: GatewayConfig, options: GatewayOptions): Promise<Gateway> {
    const gw = new Gateway(options);
    gw.current = await gw.build(config);
    return gw;
  }

  get snapshot(): Snapshot {
    return this.current;
  }

  get config(): GatewayConfig {
    return this.current.config;
  }

  get inflight(): number {
    return this.inflightCount;
  }

  get log(): Logger {
    return this.options.log;
  }

  private build(config: GatewayConfig, previous?: Snapshot) {
    return buildSnapshot(
      config,
      {
        registry: this.options.registry,
        events: this.events,
        log: this.options.log,
        services: this.services,
        env: this.options.env,
      },
      previous,
    );
  }

  /** Build the new snapshot first; only a complete one replaces the current (one reference swap). */
  async reload(config: GatewayConfig): Promise<void> {
    const next = await this.build(config, this.current);
    const old = this.current;
    this.current = next;
    if (!this.users.get(old)) await retireSnapshot(old, next, this.options.log);
  }

  /** Run one request; always resolves to a Response (errors become the OpenAI error shape). */
  async handle(incoming: Incoming): Promise<Response> {
    const snap = this.current;
    this.acquire(snap);
    const ctx = this.context(incoming, snap);
    let released = false;
    // The request's time is taken when its answer is complete; its observers (metrics, logs, cache
    // store) run on the next turn of the event loop, once the answer is on its way to the client, so
    // their work is never on the client's critical path.
    const finish = (error?: GatewayError, reply?: Reply) => {
      if (released) return;
      released = true;
      ctx.durationMs = performance.now() - ctx.startedAt;
      setImmediate(() => {
        if (error) snap.hooks.observe('onError', error, ctx);
        else snap.hooks.observe('onResponse', ctx, reply!);
        this.release(snap);
      });
    };
    try {
      const reply = await runPipeline(ctx, snap, this.events);
      return await replyResponse(ctx, reply, snap.hooks, (error) => {
        if (error && error.status !== 499) this.events.emit('stream:error', ctx, error);
        finish(error, reply);
      });
    } catch (err) {
      const error = toGatewayError(err);
      if (error.status >= 500 && !error.upstream && error.type === 'internal_error') {
        this.options.log.error(
          { requestId: ctx.id, plugin: error.plugin, hook: error.hook, err: String(error.cause ?? error) },
          'request failed',
        );
      }
      finish(error);
      return errorResponse(ctx, error);
    }
  }

  /** A request refused before the pipeline (bad JSON, too large, ...): observers still see it. */
  reject(incoming: Incoming, error: GatewayError): Response {
    const snap = this.current;
    const ctx = this.context(incoming, snap);
    ctx.durationMs = performance.now() - ctx.startedAt;
    setImmediate(() => snap.hooks.observe('onError', error, ctx));
    return errorResponse(ctx, error);
  }

  context(incoming: Incoming, snap: Snapshot): RequestContext {
    const body = incoming.body;
    const streamOptions = body.stream_options;
    return {
      id: incoming.id,
      operation: incoming.operation,
      path: incoming.path,
      headers: incoming.headers,
      body,
      model: typeof body.model === 'string' ? body.model : '',
      stream: body.stream === true,
      wantsUsage: body.stream === true && !!streamOptions && streamOptions.include_usage === true,
      clientIp: incoming.clientIp,
      signal: incoming.signal,
      startedAt: incoming.startedAt,
      deadline: incoming.startedAt + snap.config.server.request_timeout,
      attempts: 0,
      fallbacks: 0,
      upstreamMs: 0,
      facts: {},
      responseHeaders: {},
      state: {} as RequestState,
      log: this.options.log,
    };
  }

  private acquire(snap: Snapshot): void {
    this.inflightCount++;
    this.users.set(snap, (this.users.get(snap) ?? 0) + 1);
  }

  private release(snap: Snapshot): void {
    this.inflightCount--;
    const left = (this.users.get(snap) ?? 1) - 1;
    if (left > 0) this.users.set(snap, left);
    else {
      this.users.delete(snap);
      if (snap !== this.current) void retireSnapshot(snap, this.current, this.options.log);
    }
    if (this.inflightCount === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  /** Stop taking requests (readiness goes 503) and wait for in-flight ones, up to `graceMs`. */
  async drain(graceMs: number): Promise<boolean> {
    this.draining = true;
    if (this.inflightCount === 0) return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), graceMs);
      this.idle.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  async close(): Promise<void> {
    await retireSnapshot(this.current, undefined, this.options.log);
  }
}
