import { describe, expect, it } from 'vitest';
import { makeAdapter, wireJson } from './test-fixtures.js';

interface Example {
  status: number;
  headers: Record<string, string>;
  body: { error: { type: string; message: string } };
}

const { classifyError } = makeAdapter();
const examples = wireJson<Example[]>('anthropic_errors.json');
const classify = (e: Example) => classifyError(e.status, e.headers, JSON.stringify(e.body));
const byType = (type: string) => examples.find((e) => e.body.error.type === type)!;

describe('classifyError with anthropic_errors.json', () => {
  it('keeps the status and message of every example; retries exactly 429, 5xx and 529 (mapping.md §5)', () => {
    for (const example of examples) {
      const info = classify(example);
      expect(info.status).toBe(example.status);
      expect(info.message).toBe(example.body.error.message);
      expect(info.retryable, example.body.error.type).toBe(example.status === 429 || example.status >= 500);
    }
  });

  it('gives OpenAI types and codes', () => {
    expect(classify(byType('authentication_error'))).toMatchObject({
      type: 'authentication_error',
      code: 'invalid_api_key',
    });
    expect(classify(byType('not_found_error'))).toMatchObject({
      type: 'not_found_error',
      code: 'model_not_found',
    });
    expect(classify(byType('request_too_large'))).toMatchObject({
      type: 'invalid_request_error',
      code: 'request_too_large',
    });
    expect(classify(byType('billing_error'))).toMatchObject({ type: 'insufficient_quota', retryable: false });
    expect(classify(byType('overloaded_error'))).toMatchObject({
      status: 529,
      type: 'server_error',
      code: 'overloaded',
    });
    expect(classify(byType('timeout_error'))).toMatchObject({
      type: 'timeout_error',
      code: 'upstream_timeout',
    });
  });

  it('honours retry-after on the 429', () => {
    const example = byType('rate_limit_error');
    expect(classify(example)).toMatchObject({
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
      retryAfterMs: Number(example.headers['retry-after']) * 1000,
    });
    expect(classify(byType('api_error')).retryAfterMs).toBeUndefined();
  });
});

describe('classifyError beyond the examples', () => {
  it('prefers retry-after-ms and reads HTTP dates', () => {
    expect(classifyError(529, { 'retry-after-ms': '1500', 'retry-after': '9' }, '').retryAfterMs).toBe(1500);
    const date = new Date(Date.now() + 10_000).toUTCString();
    const wait = classifyError(429, { 'retry-after': date }, '').retryAfterMs!;
    expect(wait).toBeGreaterThan(8_000);
    expect(wait).toBeLessThanOrEqual(10_000);
  });

  it('wraps a non-JSON (Cloudflare) body without echoing it', () => {
    const info = classifyError(502, { 'content-type': 'text/html' }, '<html><body>Bad gateway</body></html>');
    expect(info).toMatchObject({ status: 502, type: 'server_error', retryable: true });
    expect(info.message).not.toContain('<html>');
    expect(classifyError(413, {}, 'Request Entity Too Large')).toMatchObject({
      code: 'request_too_large',
      retryable: false,
    });
  });

  it('obeys x-should-retry over the status', () => {
    const body = JSON.stringify(byType('api_error').body);
    expect(classifyError(500, { 'x-should-retry': 'false' }, body).retryable).toBe(false);
    expect(classifyError(409, { 'x-should-retry': 'true' }, '').retryable).toBe(true);
  });

  it('marks a prompt that is too long as context_length_exceeded', () => {
    const body = JSON.stringify({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'prompt is too long: 210000 tokens > 200000 maximum' },
    });
    expect(classifyError(400, {}, body)).toMatchObject({ code: 'context_length_exceeded', retryable: false });
  });
});
