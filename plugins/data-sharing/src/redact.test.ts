import { describe, expect, it } from 'vitest';
import { configSecrets, createRedactor, REDACTED } from './redact.js';

const none = createRedactor([], []);

describe('redaction', () => {
  it.each([
    ['an OpenAI key', 'use sk-proj-AbCdEf0123456789XyZ please', `use ${REDACTED} please`],
    ['an Anthropic key', 'key sk-ant-api03-AAAABBBBCCCCDDDD-x', `key ${REDACTED}`],
    ['a bearer token', 'Authorization: Bearer abc.def.ghi-123', `Authorization: ${REDACTED}`],
    ['an AWS access key id', 'id AKIAIOSFODNN7EXAMPLE here', `id ${REDACTED} here`],
    ['a Google API key', 'AIzaSyA1234567890abcdefghijklmnopqrstuv', REDACTED],
    ['a GitHub token', 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB', REDACTED],
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N', REDACTED],
    [
      'a private key block',
      'x -----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY----- y',
      `x ${REDACTED} y`,
    ],
    ['a named api_key value', 'api_key=hunter2hunter2 and more', `api_key=${REDACTED} and more`],
    ['a JSON password field', '{"password": "s3cr3t!"}', `{"password": "${REDACTED}"}`],
  ])('always removes %s', (_name, input, output) => {
    expect(none.apply(input)).toBe(output);
  });

  it('leaves ordinary text alone', () => {
    const text = 'The skeleton key to success is a good token economy? No: tokens are words.';
    expect(none.apply(text)).toBe(text);
  });

  it("applies the operator's patterns, the config's secrets and the caller's own key, everywhere in a structure", () => {
    const r = createRedactor(['ACME-\\d{6}', 'patient [A-Z][a-z]+'], ['upstream-secret-value']);
    const messages = [
      { role: 'system', content: 'Ticket ACME-123456 for patient Smith' },
      {
        role: 'user',
        content: [{ type: 'text', text: 'my key is caller-key-0000 and upstream-secret-value' }],
      },
    ];
    expect(r.apply(messages, ['caller-key-0000'])).toEqual([
      { role: 'system', content: `Ticket ${REDACTED} for ${REDACTED}` },
      { role: 'user', content: [{ type: 'text', text: `my key is ${REDACTED} and ${REDACTED}` }] },
    ]);
    expect(messages[0]!.content).toBe('Ticket ACME-123456 for patient Smith'); // a copy, not in place
  });

  it('collects credential-like provider options and headers from the config, not other strings', () => {
    expect(
      configSecrets({
        a: {
          type: 'openai',
          api_key: 'k1',
          base_url: 'https://x',
          headers: { 'x-org-token': 'k2', 'x-team': 't' },
        },
        b: { type: 'bedrock', secret_access_key: 'k3', region: 'us-east-1', session_token: 'k4' },
      }),
    ).toEqual(['k1', 'k2', 'k3', 'k4']);
  });
});
