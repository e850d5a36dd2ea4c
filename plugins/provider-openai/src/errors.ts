/**
 * Error answers of OpenAI-compatible servers → ProviderErrorInfo. Vendors disagree on the body:
 * OpenAI `{error:{message,type,param,code}}`, Together `{error:"text"}`, Mistral a top-level
 * `{object:"error",message,type}`, OpenRouter `{error:{code:<status>,message}}`.
 */
import { type ProviderErrorInfo, parseJsonSafe } from '@switchyard/core';

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  408: 'timeout_error',
  409: 'conflict_error',
  413: 'invalid_request_error',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
};

/** Worth another attempt: timeouts, conflicts, rate limits, server errors and overload (529). */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

export function classifyOpenAIError(status: number, _headers: unknown, text: string): ProviderErrorInfo {
  const body = parseJsonSafe(text);
  const err = body?.error ?? (body?.object === 'error' ? body : undefined);
  const message =
    (typeof err === 'string' ? err : typeof err?.message === 'string' ? err.message : undefined) ??
    (typeof body?.message === 'string' ? body.message : undefined) ??
    (text.trim().slice(0, 500) || `Upstream answered ${status}`);
  const type =
    (typeof err?.type === 'string' && err.type) ||
    TYPE_BY_STATUS[status] ||
    (status >= 500 ? 'api_error' : 'invalid_request_error');
  const code = err?.code === undefined || err?.code === null ? null : String(err.code);
  return {
    status,
    type,
    code,
    param: typeof err?.param === 'string' ? err.param : null,
    message,
    retryable: retryableStatus(status),
  };
}
