/** Anthropic errors (HTTP answers and stream `error` events) in OpenAI terms (mapping.md §5). */
import {
  header,
  type ProviderErrorInfo,
  parseJsonSafe,
  retryAfterMs,
  UpstreamError,
  type UpstreamHttpResponse,
} from '@switchyard/core';

interface Meaning {
  status: number;
  type: string;
  code: string | null;
  retryable: boolean;
}

const BY_TYPE: Readonly<Record<string, Meaning>> = {
  invalid_request_error: { status: 400, type: 'invalid_request_error', code: null, retryable: false },
  authentication_error: {
    status: 401,
    type: 'authentication_error',
    code: 'invalid_api_key',
    retryable: false,
  },
  billing_error: { status: 402, type: 'insufficient_quota', code: 'insufficient_quota', retryable: false },
  permission_error: { status: 403, type: 'permission_error', code: 'permission_denied', retryable: false },
  not_found_error: { status: 404, type: 'not_found_error', code: 'not_found', retryable: false },
  request_too_large: {
    status: 413,
    type: 'invalid_request_error',
    code: 'request_too_large',
    retryable: false,
  },
  rate_limit_error: { status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded', retryable: true },
  api_error: { status: 500, type: 'server_error', code: 'upstream_error', retryable: true },
  timeout_error: { status: 504, type: 'timeout_error', code: 'upstream_timeout', retryable: true },
  overloaded_error: { status: 529, type: 'server_error', code: 'overloaded', retryable: true },
};

/** The Anthropic error type a bare status stands for (bodies that are not JSON come from Cloudflare). */
function typeForStatus(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 402) return 'billing_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 504) return 'timeout_error';
  if (status === 529) return 'overloaded_error';
  return status >= 500 ? 'api_error' : 'invalid_request_error';
}

function meaning(anthropicType: string, message: string): Meaning {
  const known = BY_TYPE[anthropicType] ?? BY_TYPE.api_error!;
  if (anthropicType === 'invalid_request_error' && /prompt is too long/i.test(message)) {
    return { ...known, code: 'context_length_exceeded' };
  }
  if (anthropicType === 'not_found_error' && /^model:/.test(message))
    return { ...known, code: 'model_not_found' };
  return known;
}

/** An error answer: the upstream status is kept; retry-after / retry-after-ms and x-should-retry are honoured. */
export function classifyError(
  status: number,
  headers: UpstreamHttpResponse['headers'],
  body: string,
): ProviderErrorInfo {
  const error = parseJsonSafe(body)?.error;
  const hasBody = typeof error?.type === 'string';
  const message =
    hasBody && typeof error.message === 'string'
      ? error.message
      : `Anthropic returned ${status}${body.trim() ? ' with a body that is not an Anthropic error' : ''}.`;
  const m = meaning(hasBody ? error.type : typeForStatus(status), message);
  const shouldRetry = header(headers, 'x-should-retry');
  const retryable =
    shouldRetry === 'true' ||
    (shouldRetry !== 'false' && (m.retryable || status === 408 || status === 429 || status >= 500));
  const info: ProviderErrorInfo = { status, type: m.type, code: m.code, message, retryable };
  const wait = retryAfterMs(headers);
  if (wait !== undefined) info.retryAfterMs = wait;
  return info;
}

/** A stream `error` event (the HTTP status was already 200): the error type decides the status. */
export function streamError(data: { error?: { type?: unknown; message?: unknown } }): UpstreamError {
  const type = typeof data.error?.type === 'string' ? data.error.type : 'api_error';
  const message = typeof data.error?.message === 'string' ? data.error.message : 'Anthropic stream error.';
  const m = meaning(type, message);
  return new UpstreamError(m.status, m.type, message, { code: m.code, retryable: m.retryable });
}
