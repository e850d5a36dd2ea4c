/**
 * Gemini error answers (`{"error":{code,message,status,details}}`, wire/gemini_errors.json) → OpenAI terms,
 * following wire/mapping.md §5. Two Gemini quirks: a bad API key is a 400 (INVALID_ARGUMENT with
 * ErrorInfo.reason API_KEY_INVALID), and a 429 says how long to wait only in its RetryInfo detail.
 */
import {
  durationStringMs,
  type ProviderErrorInfo,
  parseJsonSafe,
  retryAfterMs,
  UpstreamError,
  type UpstreamHttpResponse,
} from '@switchyard/core';
import type { GeminiErrorObject } from './gemini-types.js';

export function classifyError(
  status: number,
  headers: UpstreamHttpResponse['headers'],
  body: string,
): ProviderErrorInfo {
  const parsed = parseJsonSafe(body);
  // The non-SSE stream endpoint wraps its error in an array.
  const error: GeminiErrorObject | undefined = (Array.isArray(parsed) ? parsed[0] : parsed)?.error;
  const message =
    typeof error?.message === 'string' && error.message !== ''
      ? error.message.trim()
      : `Gemini returned HTTP ${status}${error ? '' : ' (non-JSON body)'}.`;
  const info = classify(status, error, message);
  const wait = retryDelayMs(error) ?? retryAfterMs(headers);
  if (wait !== undefined && info.retryable) info.retryAfterMs = wait;
  return info;
}

function classify(status: number, error: GeminiErrorObject | undefined, message: string): ProviderErrorInfo {
  const google = error?.status;
  const base = { message, param: null };
  if (isInvalidKey(status, error)) {
    return { ...base, status: 401, type: 'authentication_error', code: 'invalid_api_key', retryable: false };
  }
  switch (status) {
    case 400:
      return {
        ...base,
        status: 400,
        type: 'invalid_request_error',
        code: /token count|too long|exceeds the maximum/i.test(message)
          ? 'context_length_exceeded'
          : google === 'FAILED_PRECONDITION'
            ? 'failed_precondition'
            : null,
        retryable: false,
      };
    case 401:
      return {
        ...base,
        status: 401,
        type: 'authentication_error',
        code: 'invalid_api_key',
        retryable: false,
      };
    case 403:
      return { ...base, status: 403, type: 'permission_error', code: 'permission_denied', retryable: false };
    case 404:
      return {
        ...base,
        status: 404,
        type: 'not_found_error',
        code: 'model_not_found',
        param: 'model',
        retryable: false,
      };
    case 408:
    case 504:
      return { ...base, status: 504, type: 'timeout_error', code: 'upstream_timeout', retryable: true };
    case 429:
      return { ...base, status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded', retryable: true };
    case 503:
      return { ...base, status: 503, type: 'server_error', code: 'overloaded', retryable: true };
  }
  if (status >= 500)
    return { ...base, status: 502, type: 'server_error', code: 'upstream_error', retryable: true };
  return {
    ...base,
    status,
    type: 'invalid_request_error',
    code: google?.toLowerCase() ?? null,
    retryable: false,
  };
}

function isInvalidKey(status: number, error: GeminiErrorObject | undefined): boolean {
  if (status !== 400 || !error) return false;
  const reasons = (error.details ?? []).map((d) => d.reason);
  return reasons.includes('API_KEY_INVALID') || /API key not valid/i.test(error.message ?? '');
}

/** `google.rpc.RetryInfo.retryDelay` ("37s") in ms. */
function retryDelayMs(error: GeminiErrorObject | undefined): number | undefined {
  const info = error?.details?.find((d) => d['@type'] === 'type.googleapis.com/google.rpc.RetryInfo');
  return durationStringMs(info?.retryDelay);
}

/** The error object of a failed stream chunk → the error the core ends the stream with. */
export function streamError(error: GeminiErrorObject): UpstreamError {
  const status = typeof error.code === 'number' ? error.code : 500;
  const info = classifyError(status, {}, JSON.stringify({ error }));
  return new UpstreamError(info.status, info.type, info.message, {
    code: info.code ?? null,
    param: info.param ?? null,
    retryable: info.retryable,
    retryAfter: info.retryAfterMs === undefined ? undefined : info.retryAfterMs / 1000,
  });
}
