/**
 * One error type for everything the gateway refuses or fails at, and the one place
 * that turns it into the OpenAI error shape.
 */
import type { ErrorBody } from '@switchyard/protocol';

export interface GatewayErrorOptions {
  code?: string | null;
  param?: string | null;
  /** Seconds, sent as `retry-after`. */
  retryAfter?: number;
  /** Upstream answered this (status passes through); false for gateway-made errors. */
  upstream?: boolean;
  retryable?: boolean;
  /** Stamped by the hook runner. */
  plugin?: string;
  hook?: string;
  cause?: unknown;
  headers?: Record<string, string>;
}

/**
 * A registered brand instead of prototype identity: a plugin loaded by path may bundle its own copy of
 * this package, and its errors must still be recognised (status, retryability) rather than become 500s.
 */
const BRAND = Symbol.for('switchyard.GatewayError');

export class GatewayError extends Error {
  readonly [BRAND] = true;

  static override [Symbol.hasInstance](value: unknown): boolean {
    // `this` is the class instanceof was called on: subclasses keep the ordinary prototype check.
    // biome-ignore lint/complexity/noThisInStatic: deliberate, see above
    if (this !== GatewayError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: boolean })[BRAND] === true;
  }

  readonly status: number;
  readonly type: string;
  readonly code: string | null;
  readonly param: string | null;
  readonly retryAfter?: number;
  readonly upstream: boolean;
  readonly retryable: boolean;
  readonly headers?: Record<string, string>;
  plugin?: string;
  hook?: string;

  constructor(status: number, type: string, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.status = status;
    this.type = type;
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.retryAfter = options.retryAfter;
    this.upstream = options.upstream ?? false;
    this.retryable = options.retryable ?? false;
    this.headers = options.headers;
    this.plugin = options.plugin;
    this.hook = options.hook;
  }
}

/** A failure reported by (or while talking to) an upstream; retryability decides retries and fallback. */
export class UpstreamError extends GatewayError {
  constructor(status: number, type: string, message: string, options: GatewayErrorOptions = {}) {
    super(status, type, message, { upstream: true, ...options });
    this.name = 'UpstreamError';
  }
}

/** Shorthands for the spec's error table (SPEC §4 Errors). */
export const errors = {
  invalid: (message: string, param: string | null = null, code: string | null = null) =>
    new GatewayError(400, 'invalid_request_error', message, { param, code }),
  unauthenticated: (message = 'Missing or invalid API key.') =>
    new GatewayError(401, 'authentication_error', message, { code: 'invalid_api_key' }),
  forbidden: (message: string) =>
    new GatewayError(403, 'permission_error', message, { code: 'permission_denied' }),
  modelNotFound: (model: string) =>
    new GatewayError(404, 'not_found_error', `The model '${model}' does not exist or no route serves it.`, {
      param: 'model',
      code: 'model_not_found',
    }),
  notFound: (message: string) => new GatewayError(404, 'not_found_error', message, { code: 'not_found' }),
  tooLarge: (limit: number) =>
    new GatewayError(
      413,
      'invalid_request_error',
      `Request body is larger than the limit of ${limit} bytes.`,
      {
        code: 'request_too_large',
      },
    ),
  rateLimited: (message: string, retryAfter: number, headers?: Record<string, string>) =>
    new GatewayError(429, 'rate_limit_error', message, { code: 'rate_limit_exceeded', retryAfter, headers }),
  unavailable: (message: string) =>
    new GatewayError(503, 'service_unavailable', message, { code: 'service_unavailable' }),
  upstreamFailed: (message: string) =>
    new GatewayError(502, 'upstream_error', message, { code: 'upstream_error' }),
  upstreamTimeout: (message: string) =>
    new GatewayError(504, 'upstream_timeout', message, { code: 'upstream_timeout', retryable: true }),
  clientClosed: () =>
    new GatewayError(499, 'client_closed', 'The client closed the request.', { code: 'client_closed' }),
  internal: (message = 'Internal gateway error.') =>
    new GatewayError(500, 'internal_error', message, { code: 'internal_error' }),
};

/** Anything thrown → a GatewayError. Unknown errors become 500 without leaking their message. */
export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  return new GatewayError(500, 'internal_error', 'Internal gateway error.', {
    code: 'internal_error',
    cause: err,
  });
}

/** The OpenAI error body (wire/gateway_error_shape.json). */
export function errorBody(err: GatewayError): ErrorBody {
  return { error: { message: err.message, type: err.type, param: err.param, code: err.code } };
}

/** Response headers an error carries (retry-after, rate-limit counts, the SDKs' x-should-retry). */
export function errorHeaders(err: GatewayError): Record<string, string> {
  const h: Record<string, string> = { ...err.headers };
  if (err.retryAfter !== undefined) h['retry-after'] = String(Math.max(0, Math.ceil(err.retryAfter)));
  if (err.status < 500 && err.status !== 429 && err.status !== 408 && err.status !== 409)
    h['x-should-retry'] = 'false';
  return h;
}
