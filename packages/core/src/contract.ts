/**
 * The hook contract: every type a plugin or a provider needs from the kernel, in one file.
 *
 * Lifecycle of one model request (docs/architecture.md draws it):
 *   onRequest(guard) → authenticate(first) → matchRoute(first) → [core: Principal permissions, 403]
 *   → limit(guard) → cacheLookup(first)
 *   → transformRequest(waterfall) → filterTargets(waterfall) → selectTarget(first)
 *   → [attempt loop, owned by the core: provider.buildRequest → send → classify; retry(first); onAttempt(observer)]
 *   → transformResponse / transformChunk (waterfall, reverse order) → onHeaders(observer)
 *   → onResponse(observer) | onError(observer)
 */
import type { ChatChunk, ChatCompletion, ChatRequest, SseEvent, Usage } from '@switchyard/protocol';
import type { GenericSchema } from 'valibot';
import type { AbortLike } from './abort.js';
import type { GatewayError } from './errors.js';

// ───────────────────────────── requests ─────────────────────────────

/** The model endpoints the pipeline serves. */
export type Operation = 'chat' | 'embeddings';

/** Who is calling, set by an `authenticate` hook. `name` is safe to log and to use as a label. */
export interface Principal {
  name: string;
  /** Model globs this caller may use (undefined: any). */
  models?: readonly string[];
  /** Route names this caller may use (undefined: any). */
  routes?: readonly string[];
  [key: string]: unknown;
}

/**
 * Per-request plugin state. Plugins add typed fields by module augmentation:
 *   declare module '@switchyard/core' { interface RequestState { cacheKey?: string } }
 */
// biome-ignore lint/suspicious/noEmptyInterface: extended by module augmentation
export interface RequestState {}

/** Reads request headers by lower-case name (a web `Headers` fits; the edge passes a cheaper view). */
export interface HeaderReader {
  get(name: string): string | null;
  has(name: string): boolean;
}

/** One request's context: created by the edge, owned by the pipeline, read by hooks. */
export interface RequestContext {
  readonly id: string;
  readonly operation: Operation;
  readonly path: string;
  /** Client request headers (lower-case names). Never forwarded upstream wholesale. */
  readonly headers: HeaderReader;
  /** The parsed client body; `transformRequest` may replace it. */
  body: ChatRequest & Record<string, unknown>;
  /** The model the client asked for (before routing). */
  readonly model: string;
  readonly stream: boolean;
  /** Did the client ask for a usage chunk (`stream_options.include_usage`)? */
  readonly wantsUsage: boolean;
  readonly clientIp: string;
  /** Aborted when the client disconnects (a light AbortSignal: aborted, reason, add/removeEventListener). */
  readonly signal: AbortLike;
  /** `performance.now()` at arrival. */
  readonly startedAt: number;
  /** `performance.now()` value after which no new attempt starts (server.request_timeout / route). */
  deadline: number;
  principal?: Principal;
  route?: RouteMatch;
  /** The target of the current (finally: the answering) attempt. */
  target?: Target;
  /** Upstream attempts made so far. */
  attempts: number;
  /** Fallback targets used (0 when the first target answered). */
  fallbacks: number;
  /** Usage of the answer, once known (JSON: at once; streams: at the end). */
  usage?: Usage;
  /** Milliseconds from arrival to the last byte of the answer (set before onResponse / onError run). */
  durationMs?: number;
  /** Milliseconds from arrival to the first byte of the answer sent to the client. */
  ttftMs?: number;
  /** Milliseconds spent waiting on upstreams (for x-switchyard-overhead-ms). */
  upstreamMs: number;
  /**
   * Facts plugins publish for route matching, by plugin name: a route's `match.<name>` block is matched
   * against `facts[name]` (arrays: every listed value present / one of; `{ min, max }`: numeric range).
   */
  readonly facts: Record<string, Record<string, unknown>>;
  /** Extra response headers (rate-limit counts, cache status, ...). */
  readonly responseHeaders: Record<string, string>;
  readonly state: RequestState;
  readonly log: Logger;
}

// ───────────────────────────── routing ─────────────────────────────

/** A provider + model pair a request can be sent to; resolved once per config load. */
export interface Target {
  /** `provider/model`: the identity used by breakers, balancers and metrics. */
  readonly key: string;
  /** Provider id (a key of `providers:`). */
  readonly provider: string;
  /** Model sent upstream; undefined passes the client's model through. */
  readonly model?: string;
  readonly weight: number;
  readonly provider_ref: ProviderInstance;
}

export interface RouteMatch {
  /** Route name (or `direct` for provider/model addressing). */
  readonly name: string;
  readonly strategy: string;
  readonly targets: readonly Target[];
  readonly fallback: readonly Target[];
  /** Per-route whole-request deadline, in ms (overrides server.request_timeout). */
  readonly timeoutMs?: number;
  /** Opaque per-route data for the plugin that produced the match. */
  readonly data?: unknown;
}

// ───────────────────────────── replies ─────────────────────────────

/** One item of an outgoing stream: a chunk object, or chunk JSON text forwarded untouched. */
export type StreamItem = ChatChunk | string;

export interface JsonReply {
  kind: 'json';
  status: number;
  body: unknown;
  /** The body's JSON text when it is already serialized (forwarded as-is when nothing changed it). */
  raw?: string;
  headers?: Record<string, string>;
}

export interface StreamReply {
  kind: 'stream';
  status: 200;
  chunks: AsyncIterable<StreamItem>;
  headers?: Record<string, string>;
}

/** What a hook returns to short-circuit, and what the pipeline produces. */
export type Reply = JsonReply | StreamReply;

// ───────────────────────────── attempts ─────────────────────────────

export interface AttemptOutcome {
  readonly target: Target;
  /** 1-based attempt number on this target. */
  readonly attemptOnTarget: number;
  /** 1-based attempt number within the request. */
  readonly attempt: number;
  readonly ok: boolean;
  /** Upstream status (0 for transport failures and timeouts). */
  readonly status: number;
  readonly error?: GatewayError;
  /** Time to the first upstream byte (streams: the first event), ms. */
  readonly ttfbMs?: number;
  readonly durationMs: number;
  /** From retry-after / retry-after-ms / provider hints, already in ms. */
  readonly retryAfterMs?: number;
}

/** A `retry` hook's answer: try the same target again, move to the next target, or stop. */
export type RetryDecision = { action: 'retry'; delayMs: number } | { action: 'next' } | { action: 'fail' };

// ───────────────────────────── hooks ─────────────────────────────

type Awaitable<T> = T | Promise<T>;

/** Hook signatures. `this` is never used; plugins close over their own state. */
export interface HookHandlers {
  /** guard: may stop the request by returning a Reply. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a guard that lets the request pass returns nothing
  onRequest(ctx: RequestContext): Awaitable<Reply | undefined | void>;
  /** first: the caller's identity; throw a GatewayError (401/403) to refuse. */
  authenticate(ctx: RequestContext): Awaitable<Principal | undefined>;
  /** guard: rate limits and budgets. Runs after routing and the permission check: `ctx.route` is set. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a guard that lets the request pass returns nothing
  limit(ctx: RequestContext): Awaitable<Reply | undefined | void>;
  /** first: the route and its candidate targets. */
  matchRoute(ctx: RequestContext): Awaitable<RouteMatch | undefined>;
  /** first: a stored answer short-circuits the upstream call. */
  cacheLookup(ctx: RequestContext): Awaitable<Reply | undefined>;
  /** waterfall: rewrite the body before it is translated. */
  transformRequest(body: RequestContext['body'], ctx: RequestContext): Awaitable<RequestContext['body']>;
  /** waterfall: drop targets that must not be tried now (open circuits, ...). */
  filterTargets(targets: readonly Target[], ctx: RequestContext): Awaitable<readonly Target[]>;
  /** first: pick one target among the candidates (load-balancing strategy). */
  selectTarget(targets: readonly Target[], ctx: RequestContext): Awaitable<Target | undefined>;
  /** first: after a failed attempt, retry the target, move to the next one, or give up. */
  retry(outcome: AttemptOutcome, ctx: RequestContext): Awaitable<RetryDecision | undefined>;
  /** observer: every finished attempt, successful or not. */
  onAttempt(outcome: AttemptOutcome, ctx: RequestContext): void | Promise<void>;
  /** waterfall (reverse order): a complete JSON answer. */
  transformResponse(body: ChatCompletion, ctx: RequestContext): Awaitable<ChatCompletion>;
  /** waterfall (reverse order): one stream chunk; return null to drop it. Synchronous: it runs per event. */
  transformChunk(chunk: ChatChunk, ctx: RequestContext): ChatChunk | null;
  /**
   * observer, synchronous: the reply's headers are about to be built — the last moment to add
   * `ctx.responseHeaders` from what the reply settled (JSON: the final body and `ctx.usage`; streams: only
   * the first chunk is in hand, usage comes at the end). Not called for error responses.
   */
  onHeaders(ctx: RequestContext, reply: Reply): void;
  /** observer: the reply has been fully sent (streams: after the last event). */
  onResponse(ctx: RequestContext, reply: Reply): void | Promise<void>;
  /** observer: the request failed with this error (already sent to the client). */
  onError(error: GatewayError, ctx: RequestContext): void | Promise<void>;
  /**
   * guard: a plugin endpoint (`GET /metrics`, ...) is about to be served; `endpoint` is its `METHOD /path`
   * key. Return a Response, or throw a GatewayError (e.g. 401), to refuse it. Model requests never run it.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a guard that lets the request pass returns nothing
  onEndpoint(request: Request, endpoint: string): Awaitable<Response | undefined | void>;
}

export type HookName = keyof HookHandlers;
export type HookKind = 'first' | 'guard' | 'waterfall' | 'observer';

export const HOOK_KINDS: { readonly [K in HookName]: HookKind } = {
  onRequest: 'guard',
  authenticate: 'first',
  limit: 'guard',
  matchRoute: 'first',
  cacheLookup: 'first',
  transformRequest: 'waterfall',
  filterTargets: 'waterfall',
  selectTarget: 'first',
  retry: 'first',
  onAttempt: 'observer',
  transformResponse: 'waterfall',
  transformChunk: 'waterfall',
  onHeaders: 'observer',
  onResponse: 'observer',
  onError: 'observer',
  onEndpoint: 'guard',
};

/** Response-side waterfalls run in reverse plugin order (the first plugin sees the request first, the reply last). */
export const REVERSED_HOOKS: ReadonlySet<HookName> = new Set(['transformResponse', 'transformChunk']);

// ───────────────────────────── plugins ─────────────────────────────

export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  /**
   * Optional, for fixed-schema lines written on every request (the access log): `fields` is the text
   * of a JSON object, written as one line inside the logger's own framing (level, time, a child
   * logger's bindings, msg) with no field-by-field serialization and no redaction pass, so the caller
   * vouches that it holds no secret. Call it as a method of the logger whose bindings the line carries.
   * Absent when the output is not JSON lines (`logging.format: pretty`): use the level methods then.
   */
  line?(level: 'debug' | 'info' | 'warn', fields: string, msg: string): void;
}

/** An HTTP endpoint a plugin serves on the gateway's own port, e.g. `GET /metrics`. */
export type EndpointHandler = (request: Request) => Response | Promise<Response>;

export interface PluginInstance {
  hooks?: Partial<HookHandlers>;
  /** Keyed by `METHOD /path`. */
  endpoints?: Record<string, EndpointHandler>;
  /**
   * Called at shutdown, or when a reload removed this plugin (after its in-flight requests ended).
   * When a reload keeps the plugin, the new instance receives this one as `previous` instead.
   */
  close?(): void | Promise<void>;
}

/** What a plugin's setup receives from the kernel. */
export interface PluginHost {
  /** The whole validated config of the snapshot being built. */
  readonly config: GatewayConfig;
  /** The same plugin's instance in the previous snapshot, to carry state across reloads. */
  readonly previous?: PluginInstance;
  readonly events: GatewayEvents;
  readonly log: Logger;
  /** The providers of the snapshot being built, by id. */
  readonly providers: ReadonlyMap<string, ProviderInstance>;
  /** Shared services (redis connection, metrics meter, ...) registered by other parts. */
  readonly services: Services;
}

/**
 * Shared services, extended by module augmentation like RequestState:
 *   declare module '@switchyard/core' { interface Services { meter?: Meter } }
 */
export interface Services {
  [key: string]: unknown;
}

export interface PluginDefinition<Options = any> {
  /** = folder name = YAML key = package suffix. */
  readonly name: string;
  /** valibot schema of the plugin's YAML block (defaults applied by it). */
  readonly schema?: GenericSchema<unknown, Options>;
  setup(options: Options, host: PluginHost): PluginInstance | Promise<PluginInstance>;
  /** Advice for `switchyard validate` that does not make the config invalid (e.g. a plain-text key). */
  warnings?(options: Options): Array<{ path: Array<string | number>; message: string }>;
}

// ───────────────────────────── providers ─────────────────────────────

/** One upstream call, as the core asks a provider to make it. */
export interface UpstreamCall {
  readonly operation: Operation;
  /** The client's body (after transformRequest) with `model` already set to the target's model. */
  readonly body: RequestContext['body'];
  readonly model: string;
  readonly stream: boolean;
  /** The core always wants usage for its own accounting: ask the upstream for it when streaming. */
  readonly includeUsage: true;
  /** Stable per-request id (use it for synthetic ids when the upstream gives none). */
  readonly requestId: string;
}

/** The HTTP request a provider wants sent; `path` is appended to the provider's origin (may include a query). */
export interface UpstreamHttpRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

export interface UpstreamHttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as it arrives. Consume it once: iterate, or call text(). */
  body: AsyncIterable<Uint8Array> & { text(): Promise<string> };
}

/** Sends one HTTP request upstream. The core's default is an undici Pool per provider. */
export type Transport = (request: UpstreamHttpRequest, signal: AbortLike) => Promise<UpstreamHttpResponse>;

/** What an error answer means, in OpenAI terms. */
export interface ProviderErrorInfo {
  status: number;
  type: string;
  code?: string | null;
  param?: string | null;
  message: string;
  /** Worth another attempt (429, 5xx, overloaded, throttling)? Client errors are not. */
  retryable: boolean;
  retryAfterMs?: number;
}

/** One framed upstream stream event: SSE events, AWS event-stream messages, NDJSON lines. */
export type UpstreamEvent = SseEvent | { event: string; data: string; headers?: Record<string, string> };

/** Per-stream translation state lives inside the translator object. */
export interface StreamTranslator {
  /**
   * One upstream event in, OpenAI chunks out (a string is chunk JSON forwarded as-is).
   * Throw `UpstreamError` for an error event: before the first byte it is retryable, after it ends the stream.
   * Return `DONE` when the upstream signalled the end.
   */
  event(ev: UpstreamEvent): StreamItem[] | typeof DONE;
  /** The upstream body ended: emit what is still held (final usage chunk, ...). */
  end(): StreamItem[];
}

/** A registered symbol, so a provider that bundles its own copy of this package still signals the end. */
export const DONE: unique symbol = Symbol.for('switchyard.stream.done');

/** Splits an upstream stream body into events. The core's default is the SSE parser. */
export type StreamDecoder = (body: AsyncIterable<Uint8Array>) => AsyncIterable<UpstreamEvent>;

/**
 * A provider is a terminal adapter of pure functions; the core owns the attempt loop, timeouts and aborts.
 * Every function receives the UpstreamCall it is working on.
 */
export interface ProviderAdapter {
  /** Operations this provider serves; others get 400 `unsupported_operation`. */
  readonly operations: readonly Operation[];
  /** Defaults to SSE; Bedrock brings its AWS event-stream decoder, Ollama-native NDJSON. */
  readonly decodeStream?: StreamDecoder;
  buildRequest(call: UpstreamCall): UpstreamHttpRequest | Promise<UpstreamHttpRequest>;
  /** A complete 2xx answer → the OpenAI body (return `{ raw }` to forward JSON text untouched). */
  parseResponse(text: string, call: UpstreamCall): ChatCompletion | { raw: string; body?: unknown } | unknown;
  createStreamTranslator(call: UpstreamCall): StreamTranslator;
  classifyError(status: number, headers: UpstreamHttpResponse['headers'], body: string): ProviderErrorInfo;
  /** Optional: answer locally instead of over HTTP (the mock provider). */
  readonly transport?: Transport;
  /** The URL to call when it is not `config.base_url` (e.g. derived from a region); only its origin is used. */
  readonly baseUrl?: string;
}

/** Keys every provider block has (SPEC §3). Durations are already in ms. */
export interface ProviderConfig {
  type: string;
  api_key?: string;
  base_url: string;
  headers: Record<string, string>;
  timeout: { connect: number; first_token: number; idle: number; total: number };
  models: string[];
  [key: string]: unknown;
}

/** A configured provider: its id, config and adapter, built once per config load. */
export interface ProviderInstance {
  readonly id: string;
  readonly type: string;
  readonly config: ProviderConfig;
  readonly adapter: ProviderAdapter;
}

export interface ProviderDefinition<Options = any> {
  /** The `providers.*.type` value. */
  readonly type: string;
  readonly defaultBaseUrl: string;
  /** valibot object schema of the type-specific keys (the common keys are validated by the core). */
  readonly schema?: GenericSchema<unknown, Options>;
  create(config: ProviderConfig & Options, host: { log: Logger; env: NodeJS.ProcessEnv }): ProviderAdapter;
}

// ───────────────────────────── config & events ─────────────────────────────

export interface RouteConfig {
  name: string;
  match?: {
    paths?: string[];
    models?: string[];
    headers?: Record<string, string | { regex: string }>;
    [key: string]: unknown;
  };
  strategy: string;
  targets: Array<{ provider: string; model?: string; weight?: number; [key: string]: unknown }>;
  fallback?: Array<{ provider: string; model?: string; [key: string]: unknown }>;
  timeout?: number;
  [key: string]: unknown;
}

export interface PluginRef {
  /** Plugin name (built-in) or the `use` value (package or path). */
  name: string;
  use: string;
  options: unknown;
  enabled: boolean;
}

/** The validated config (durations in ms, sizes in bytes). */
export interface GatewayConfig {
  server: {
    host: string;
    port: number;
    body_limit: number;
    shutdown_grace: number;
    request_timeout: number;
    trust_proxy: boolean | string[];
  };
  providers: Record<string, ProviderConfig>;
  routes: RouteConfig[];
  plugins: PluginRef[];
  redis?: { url: string; [key: string]: unknown };
  logging: { level: 'debug' | 'info' | 'warn' | 'error'; format: 'json' | 'pretty' };
  [key: string]: unknown;
}

/** Notifications (eventemitter3). Listeners must not throw; they are fire-and-forget. */
export interface GatewayEventMap {
  'config:reload': [result: { ok: boolean; problems?: string[] }];
  'attempt:fallback': [ctx: RequestContext, target: Target];
  'stream:error': [ctx: RequestContext, error: GatewayError];
  /** A rate-limit rule refused a request (`enforced: false`: a shadow rule that only counts). */
  'ratelimit:limited': [ctx: RequestContext, info: { rule: string; enforced: boolean }];
  /** The cache's verdict for a model request. */
  'cache:result': [ctx: RequestContext, result: 'hit' | 'miss' | 'bypass'];
  /** The shared Redis connection went down or came back. */
  'redis:state': [state: { up: boolean }];
}

export interface GatewayEvents {
  on<E extends keyof GatewayEventMap>(event: E, listener: (...args: GatewayEventMap[E]) => void): unknown;
  off<E extends keyof GatewayEventMap>(event: E, listener: (...args: GatewayEventMap[E]) => void): unknown;
  emit<E extends keyof GatewayEventMap>(event: E, ...args: GatewayEventMap[E]): boolean;
}
