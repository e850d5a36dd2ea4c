import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import provider, { schema } from './index.js';
import { makeAdapter, makeCall } from './test-fixtures.js';

const message = makeCall({ messages: [{ role: 'user', content: 'x' }] });

describe('bedrock provider definition', () => {
  it('is the bedrock type with chat only and the AWS event-stream decoder', () => {
    const adapter = makeAdapter();
    expect(provider.type).toBe('bedrock');
    expect(adapter.operations).toEqual(['chat']);
    expect(adapter.decodeStream).toBeTypeOf('function');
  });

  it('derives the regional endpoint when base_url is empty', () => {
    expect(
      makeAdapter({}, { AWS_DEFAULT_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' })
        .baseUrl,
    ).toBe('https://bedrock-runtime.eu-west-1.amazonaws.com');
    expect(makeAdapter({ region: 'ap-south-1' }).baseUrl).toBe(
      'https://bedrock-runtime.ap-south-1.amazonaws.com',
    );
  });

  it('signs with config keys over environment keys, and with the session token', async () => {
    const adapter = makeAdapter({
      access_key_id: 'AKIDCONFIG',
      secret_access_key: 's',
      session_token: 'tok',
    });
    const req = await adapter.buildRequest(message);
    expect(req.headers.authorization).toContain('Credential=AKIDCONFIG/');
    expect(req.headers['x-amz-security-token']).toBe('tok');
  });

  it('takes the session token from AWS_SESSION_TOKEN along with environment keys', async () => {
    const adapter = makeAdapter(
      {},
      {
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'ASIAENV',
        AWS_SECRET_ACCESS_KEY: 's',
        AWS_SESSION_TOKEN: 'env-tok',
      },
    );
    const req = await adapter.buildRequest(message);
    expect(req.headers['x-amz-security-token']).toBe('env-tok');
  });

  it('uses AWS_BEARER_TOKEN_BEDROCK when no keys are configured', async () => {
    const adapter = makeAdapter({}, { AWS_REGION: 'us-east-1', AWS_BEARER_TOKEN_BEDROCK: 'env-bearer' });
    const req = await adapter.buildRequest(message);
    expect(req.headers.authorization).toBe('Bearer env-bearer');
  });

  it('refuses to start without credentials or without a region, with a message naming the keys', () => {
    expect(() => makeAdapter({}, { AWS_REGION: 'us-east-1' })).toThrow(
      /no credentials.*access_key_id.*AWS_ACCESS_KEY_ID/,
    );
    expect(() => makeAdapter({ access_key_id: 'only-id' }, { AWS_REGION: 'us-east-1' })).toThrow(
      /no credentials/,
    );
    expect(() => makeAdapter({}, { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' })).toThrow(/region/);
    expect(() =>
      makeAdapter({ base_url: 'http://127.0.0.1:9' }, { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }),
    ).toThrow(/region/);
  });

  it('treats empty strings (an interpolated variable left empty) as unset', () => {
    expect(() => makeAdapter({ api_key: '', region: '' }, { AWS_REGION: 'us-east-1' })).toThrow(
      /no credentials/,
    );
  });

  it('validates the type-specific keys', () => {
    expect(v.safeParse(schema, { region: 'us-east-1', access_key_id: 'a' }).success).toBe(true);
    expect(v.safeParse(schema, { region: 'us-east-1.evil.example/' }).success).toBe(false);
    expect(v.safeParse(schema, { secret_access_key: 5 }).success).toBe(false);
  });
});
