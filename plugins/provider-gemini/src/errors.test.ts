import { describe, expect, it } from 'vitest';
import { classifyError, streamError } from './errors.js';
import { wireJson } from './test-helpers.js';

interface Sample {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}
const samples = wireJson<Sample[]>('gemini_errors.json');

/** What each wire/gemini_errors.json sample must become (wire/mapping.md §5), in file order. */
const expected = [
  { status: 401, type: 'authentication_error', code: 'invalid_api_key', retryable: false },
  { status: 400, type: 'invalid_request_error', code: null, retryable: false },
  { status: 400, type: 'invalid_request_error', code: 'failed_precondition', retryable: false },
  { status: 403, type: 'permission_error', code: 'permission_denied', retryable: false },
  { status: 404, type: 'not_found_error', code: 'model_not_found', param: 'model', retryable: false },
  {
    status: 429,
    type: 'rate_limit_error',
    code: 'rate_limit_exceeded',
    retryable: true,
    retryAfterMs: 37_000,
  },
  { status: 502, type: 'server_error', code: 'upstream_error', retryable: true },
  { status: 503, type: 'server_error', code: 'overloaded', retryable: true },
  { status: 504, type: 'timeout_error', code: 'upstream_timeout', retryable: true },
];

describe('classifyError on wire/gemini_errors.json', () => {
  it('covers every sample', () => expect(samples).toHaveLength(expected.length));
  samples.forEach((sample, i) => {
    it(`maps ${sample.status} ${(sample.body as any).error.status}`, () => {
      const info = classifyError(sample.status, sample.headers, JSON.stringify(sample.body));
      expect(info).toMatchObject(expected[i]!);
      expect(info.message).toBe((sample.body as any).error.message.trim());
      if (expected[i]!.retryAfterMs === undefined) expect(info.retryAfterMs).toBeUndefined();
    });
  });
});

describe('classifyError edge cases', () => {
  it('wraps a non-JSON body and reads retry-after headers', () => {
    const info = classifyError(503, { 'retry-after': '2' }, '<html>Service Unavailable</html>');
    expect(info).toMatchObject({ status: 503, retryable: true, retryAfterMs: 2000 });
    expect(info.message).toMatch(/non-JSON/);
  });

  it('reads the array-wrapped error of the non-SSE stream endpoint', () => {
    const info = classifyError(
      400,
      {},
      JSON.stringify([{ error: { code: 400, message: 'bad', status: 'INVALID_ARGUMENT' } }]),
    );
    expect(info).toMatchObject({ status: 400, message: 'bad' });
  });

  it('recognises a context overflow', () => {
    const body = {
      error: {
        code: 400,
        message: 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).',
        status: 'INVALID_ARGUMENT',
      },
    };
    expect(classifyError(400, {}, JSON.stringify(body)).code).toBe('context_length_exceeded');
  });
});

describe('streamError', () => {
  it('classifies the error object of a stream chunk, retry delay in seconds', () => {
    const err = streamError((samples[5]!.body as any).error);
    expect(err).toMatchObject({
      status: 429,
      type: 'rate_limit_error',
      retryable: true,
      retryAfter: 37,
      upstream: true,
    });
    expect(streamError({ message: 'boom' })).toMatchObject({ status: 502, retryable: true });
  });
});
