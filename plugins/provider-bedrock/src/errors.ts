/**
 * Bedrock errors → OpenAI terms (wire/mapping.md §5). The error name comes from the `x-amzn-errortype`
 * header (`Name:namespace`), else the body's `__type` (`namespace#Name`); the same table serves the
 * exception frames of a stream (`:exception-type`, camelCase).
 */

import type { UpstreamHttpResponse } from '@switchyard/core';
import { header, type ProviderErrorInfo, parseJsonSafe, retryAfterMs, UpstreamError } from '@switchyard/core';

type Mapped = Omit<ProviderErrorInfo, 'message' | 'retryAfterMs' | 'param'>;

const auth: Mapped = { status: 401, type: 'authentication_error', code: 'invalid_api_key', retryable: false };

/** By error name. Bedrock's own status is kept unless the OpenAI SDKs would read it wrongly. */
const BY_NAME: Record<string, Mapped> = {
  ValidationException: { status: 400, type: 'invalid_request_error', code: null, retryable: false },
  // Bedrock answers bad or expired credentials with 403; OpenAI clients expect 401 for those.
  UnrecognizedClientException: auth,
  InvalidSignatureException: auth,
  ExpiredTokenException: auth,
  IncompleteSignatureException: auth,
  MissingAuthenticationTokenException: auth,
  AccessDeniedException: {
    status: 403,
    type: 'permission_error',
    code: 'permission_denied',
    retryable: false,
  },
  ResourceNotFoundException: {
    status: 404,
    type: 'not_found_error',
    code: 'model_not_found',
    retryable: false,
  },
  ModelTimeoutException: { status: 408, type: 'timeout_error', code: 'model_timeout', retryable: true },
  ConflictException: { status: 409, type: 'invalid_request_error', code: 'conflict', retryable: false },
  // 424: the model itself failed; another attempt (or another target) may well succeed.
  ModelErrorException: { status: 502, type: 'upstream_error', code: 'model_error', retryable: true },
  ModelStreamErrorException: { status: 502, type: 'upstream_error', code: 'model_error', retryable: true },
  ThrottlingException: {
    status: 429,
    type: 'rate_limit_error',
    code: 'rate_limit_exceeded',
    retryable: true,
  },
  // An account quota, not a burst: waiting a moment does not help (Bedrock sends 400).
  ServiceQuotaExceededException: {
    status: 429,
    type: 'insufficient_quota',
    code: 'insufficient_quota',
    retryable: false,
  },
  // The model is still loading (Bedrock sends 429): an availability problem, not the caller's rate.
  ModelNotReadyException: {
    status: 503,
    type: 'service_unavailable',
    code: 'model_not_ready',
    retryable: true,
  },
  InternalServerException: {
    status: 500,
    type: 'server_error',
    code: 'internal_server_error',
    retryable: true,
  },
  ServiceUnavailableException: {
    status: 503,
    type: 'service_unavailable',
    code: 'overloaded',
    retryable: true,
  },
};

function byStatus(status: number): Mapped {
  if (status === 401 || status === 403) return { ...BY_NAME.AccessDeniedException!, status };
  if (status === 404) return BY_NAME.ResourceNotFoundException!;
  if (status === 408) return BY_NAME.ModelTimeoutException!;
  if (status === 429) return BY_NAME.ThrottlingException!;
  if (status >= 500) return { status, type: 'server_error', code: 'upstream_error', retryable: true };
  return { status, type: 'invalid_request_error', code: null, retryable: false };
}

/** `ValidationException:http://…` / `com.amazon…#ValidationException` / `validationException` → `ValidationException`. */
export function errorName(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const name = raw.split(':')[0]!.split('#').at(-1)!.trim();
  return name ? name[0]!.toUpperCase() + name.slice(1) : undefined;
}

const CONTEXT_TOO_LONG =
  /input is too long|too many input tokens|prompt is too long|context (length|window)/i;

function mapped(name: string | undefined, status: number, message: string): Mapped {
  const known = name ? BY_NAME[name] : undefined;
  const result = known ?? byStatus(status);
  if (name === 'ValidationException' && CONTEXT_TOO_LONG.test(message))
    return { ...result, code: 'context_length_exceeded' };
  return result;
}

export function classifyError(
  status: number,
  headers: UpstreamHttpResponse['headers'],
  body: string,
): ProviderErrorInfo {
  const json = parseJsonSafe(body);
  const name = errorName(header(headers, 'x-amzn-errortype') ?? json?.__type);
  const message =
    (typeof json?.message === 'string' && json.message) ||
    (typeof json?.Message === 'string' && json.Message) ||
    `Bedrock returned ${status}${name ? ` ${name}` : ''} (no error message)`;
  const info: ProviderErrorInfo = { ...mapped(name, status, message), param: null, message };
  const wait = retryAfterMs(headers);
  if (wait !== undefined) info.retryAfterMs = wait;
  return info;
}

/** An exception (or error) frame inside a ConverseStream → the error that ends or retries the stream. */
export function streamException(rawName: string, payload: string): UpstreamError {
  const name = errorName(rawName);
  const json = parseJsonSafe(payload);
  const message =
    typeof json?.message === 'string' ? json.message : `Bedrock stream failed: ${name ?? 'unknown error'}`;
  // Bedrock gives stream exceptions no status of their own: the name says what happened.
  const m = name && BY_NAME[name] ? mapped(name, 400, message) : byStatus(502);
  return new UpstreamError(m.status, m.type, message, { code: m.code ?? null, retryable: m.retryable });
}
