import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bearerAuth, sigv4Auth } from './sign.js';

const wire = new URL('../../../packages/testing/wire/', import.meta.url);

/** The key = value lines, the request line and the body of wire/bedrock_sigv4_example.txt. */
function readVector() {
  const text = readFileSync(new URL('bedrock_sigv4_example.txt', wire), 'utf8');
  const field = (name: string) => new RegExp(`^${name}\\s*=\\s*(\\S+)`, 'm').exec(text)![1]!;
  const lines = text.split('\n');
  const requestLine = lines.findIndex((l) => l.startsWith('POST '));
  const bodyLine = lines.findIndex((l, i) => i > requestLine && l.startsWith('{'));
  const header = (name: string) =>
    lines.find((l, i) => i > requestLine && l.startsWith(`${name}: `))!.slice(name.length + 2);
  return {
    accessKeyId: field('access_key_id'),
    secretAccessKey: field('secret_access_key'),
    region: field('region'),
    amzDate: field('x-amz-date'),
    path: lines[requestLine]!.split(' ')[1]!,
    host: header('Host'),
    authorization: header('Authorization'),
    // The body is one JSON line whose text holds escaped newlines; the file itself has none inside it.
    body: lines[bodyLine]!,
  };
}

const signingDate = (amzDate: string) =>
  new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );

describe('sigv4Auth', () => {
  const vector = readVector();
  const auth = sigv4Auth({
    region: vector.region,
    credentials: { accessKeyId: vector.accessKeyId, secretAccessKey: vector.secretAccessKey },
    url: new URL(`https://${vector.host}`),
  });

  it('reproduces the Authorization header of the test vector exactly', async () => {
    const headers = await auth(
      {
        method: 'POST',
        path: vector.path,
        headers: { 'content-type': 'application/json' },
        body: vector.body,
      },
      signingDate(vector.amzDate),
    );
    expect(headers.authorization).toBe(vector.authorization);
    expect(headers['x-amz-date']).toBe(vector.amzDate);
    expect(headers).not.toHaveProperty('host');
    expect(headers).not.toHaveProperty('x-amz-content-sha256');
  });

  it('scopes the credential to REGION/bedrock/aws4_request (not bedrock-runtime)', async () => {
    const eu = sigv4Auth({
      region: 'eu-west-3',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      url: new URL('http://127.0.0.1:4010'),
    });
    const headers = await eu({ method: 'POST', path: '/model/m/converse', headers: {}, body: '{}' });
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-3\/bedrock\/aws4_request, SignedHeaders=host;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
  });

  it('signs a changed body differently', async () => {
    const date = signingDate(vector.amzDate);
    const request = { method: 'POST', path: vector.path, headers: { 'content-type': 'application/json' } };
    const a = await auth({ ...request, body: vector.body }, date);
    const b = await auth({ ...request, body: `${vector.body} ` }, date);
    expect(a.authorization).not.toBe(b.authorization);
  });

  it('sends and signs the session token of temporary credentials', async () => {
    const temp = sigv4Auth({
      region: 'us-east-1',
      credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token-1' },
      url: new URL('https://bedrock-runtime.us-east-1.amazonaws.com'),
    });
    const headers = await temp({ method: 'POST', path: '/model/m/converse', headers: {}, body: '{}' });
    expect(headers['x-amz-security-token']).toBe('token-1');
    expect(headers.authorization).toContain('SignedHeaders=host;x-amz-date;x-amz-security-token,');
  });
});

describe('bearerAuth', () => {
  it('sends a Bedrock API key as a bearer token', async () => {
    const headers = await bearerAuth('bedrock-api-key-123')({
      method: 'POST',
      path: '/',
      headers: {},
      body: '',
    });
    expect(headers).toEqual({ authorization: 'Bearer bedrock-api-key-123' });
  });
});
