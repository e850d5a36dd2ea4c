import { describe, expect, it } from 'vitest';
import { classifyError, errorName } from './errors.js';
import { readWireJson } from './test-fixtures.js';

/** What each error of wire/bedrock_errors.json must become, in file order. */
const EXPECTED = [
  { status: 400, type: 'invalid_request_error', retryable: false },
  { status: 400, type: 'invalid_request_error', retryable: false },
  { status: 401, type: 'authentication_error', code: 'invalid_api_key', retryable: false }, // UnrecognizedClient
  { status: 401, type: 'authentication_error', code: 'invalid_api_key', retryable: false }, // InvalidSignature
  { status: 403, type: 'permission_error', code: 'permission_denied', retryable: false },
  { status: 404, type: 'not_found_error', code: 'model_not_found', retryable: false },
  { status: 408, type: 'timeout_error', retryable: true },
  { status: 502, type: 'upstream_error', code: 'model_error', retryable: true }, // 424 ModelErrorException
  { status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded', retryable: true },
  { status: 503, type: 'service_unavailable', code: 'model_not_ready', retryable: true },
  { status: 500, type: 'server_error', retryable: true },
  { status: 503, type: 'service_unavailable', code: 'overloaded', retryable: true },
];

/** undici hands headers over with lower-case names. */
const lower = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

describe('classifyError on wire/bedrock_errors.json', () => {
  const cases = readWireJson('bedrock_errors.json') as Array<{
    status: number;
    headers: Record<string, string>;
    body: any;
  }>;

  it('covers every example', () => expect(cases).toHaveLength(EXPECTED.length));

  cases.forEach((c, i) => {
    const name = errorName(c.headers['x-amzn-ErrorType']);
    it(`maps ${c.status} ${name}`, () => {
      const info = classifyError(c.status, lower(c.headers), JSON.stringify(c.body));
      expect(info).toMatchObject(EXPECTED[i]!);
      expect(info.message).toBe(c.body.message);
    });
  });
});

describe('classifyError', () => {
  it('reads the name from the body __type when the header is missing', () => {
    const info = classifyError(
      400,
      {},
      JSON.stringify({ __type: 'com.amazon.coral.validate#ValidationException', message: 'm' }),
    );
    expect(info.type).toBe('invalid_request_error');
  });

  it('marks a too-long prompt as context_length_exceeded', () => {
    const info = classifyError(
      400,
      { 'x-amzn-errortype': 'ValidationException' },
      '{"message":"Input is too long for requested model."}',
    );
    expect(info.code).toBe('context_length_exceeded');
  });

  it('falls back on the status for an unknown name or a non-JSON body', () => {
    expect(classifyError(502, {}, '<html>bad gateway</html>')).toMatchObject({
      status: 502,
      retryable: true,
    });
    expect(classifyError(502, {}, '<html>').message).toMatch(/502/);
    expect(classifyError(429, { 'x-amzn-errortype': 'NewThrottleException' }, '{}')).toMatchObject({
      status: 429,
      retryable: true,
    });
  });

  it('treats a service quota as not worth retrying', () => {
    const info = classifyError(
      400,
      { 'x-amzn-errortype': 'ServiceQuotaExceededException:x' },
      '{"message":"quota"}',
    );
    expect(info).toMatchObject({ status: 429, retryable: false, code: 'insufficient_quota' });
  });

  it('passes a retry-after header on when a proxy sends one', () => {
    const info = classifyError(429, { 'x-amzn-errortype': 'ThrottlingException', 'retry-after': '3' }, '{}');
    expect(info.retryAfterMs).toBe(3000);
  });
});
