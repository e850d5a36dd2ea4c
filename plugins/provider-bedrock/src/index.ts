/**
 * The `bedrock` provider: OpenAI chat → Bedrock Converse / ConverseStream (AWS event-stream), signed with
 * SigV4 or sent with a Bedrock API key. docs/providers/bedrock.md lists the keys and what is translated.
 */
import type { ProviderAdapter, ProviderConfig, ProviderDefinition, UpstreamCall } from '@switchyard/core';
import * as v from 'valibot';
import { classifyError } from './errors.js';
import { decodeEventStream } from './eventstream.js';
import { conversePath, toConverseRequest } from './request.js';
import { toChatCompletion } from './response.js';
import { type Authenticate, bearerAuth, sigv4Auth } from './sign.js';
import { ConverseStreamTranslator } from './stream.js';

export const schema = v.object({
  /** AWS region, e.g. us-east-1. Default: AWS_REGION, then AWS_DEFAULT_REGION. */
  region: v.optional(v.pipe(v.string(), v.regex(/^[a-z0-9-]*$/, 'must be an AWS region such as us-east-1'))),
  /** Default: AWS_ACCESS_KEY_ID. */
  access_key_id: v.optional(v.string()),
  /** Default: AWS_SECRET_ACCESS_KEY. */
  secret_access_key: v.optional(v.string()),
  /** For temporary credentials. Default: AWS_SESSION_TOKEN (only when the keys also come from the environment). */
  session_token: v.optional(v.string()),
});

export type BedrockOptions = v.InferOutput<typeof schema>;

/** Empty strings (an `${VAR:-}` left empty) count as unset. */
const set = (...values: Array<string | undefined>) => values.find((x) => x !== undefined && x !== '');

function authFor(
  config: ProviderConfig & BedrockOptions,
  env: NodeJS.ProcessEnv,
  region: string | undefined,
  url: URL,
): Authenticate {
  if (set(config.api_key)) return bearerAuth(config.api_key!);
  const configured = set(config.access_key_id, config.secret_access_key) !== undefined;
  // Keys from the config win over the environment, and are never mixed with environment keys.
  const accessKeyId = configured ? set(config.access_key_id) : set(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = configured ? set(config.secret_access_key) : set(env.AWS_SECRET_ACCESS_KEY);
  const sessionToken = configured
    ? set(config.session_token)
    : set(config.session_token, env.AWS_SESSION_TOKEN);
  if (!configured && !accessKeyId && set(env.AWS_BEARER_TOKEN_BEDROCK))
    return bearerAuth(env.AWS_BEARER_TOKEN_BEDROCK!);
  if (!accessKeyId || !secretAccessKey) {
    throw new Error(
      'bedrock: no credentials. Set api_key (a Bedrock API key), or access_key_id and secret_access_key ' +
        '(default: the AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY environment variables).',
    );
  }
  if (!region)
    throw new Error(
      'bedrock: SigV4 signing needs a region. Set region (default: AWS_REGION / AWS_DEFAULT_REGION).',
    );
  return sigv4Auth({
    region,
    url,
    credentials: sessionToken
      ? { accessKeyId, secretAccessKey, sessionToken }
      : { accessKeyId, secretAccessKey },
  });
}

const provider: ProviderDefinition<BedrockOptions> = {
  type: 'bedrock',
  defaultBaseUrl: '',
  schema,
  create(config, host): ProviderAdapter {
    const region = set(config.region, host.env.AWS_REGION, host.env.AWS_DEFAULT_REGION);
    if (!set(config.base_url) && !region) {
      throw new Error('bedrock: set region (or AWS_REGION / AWS_DEFAULT_REGION), or base_url.');
    }
    const baseUrl = set(config.base_url) ?? `https://bedrock-runtime.${region}.amazonaws.com`;
    const url = new URL(baseUrl);
    const basePath = url.pathname.replace(/\/+$/, '');
    const authenticate = authFor(config, host.env, region, url);
    const extraHeaders = Object.fromEntries(
      Object.entries(config.headers ?? {}).map(([k, x]) => [k.toLowerCase(), x]),
    );

    return {
      operations: ['chat'],
      baseUrl,
      decodeStream: decodeEventStream,
      async buildRequest(call: UpstreamCall) {
        const body = JSON.stringify(toConverseRequest(call.body, call.model));
        const path = conversePath(basePath, call.model, call.stream);
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        Object.assign(headers, await authenticate({ method: 'POST', path, headers, body }));
        // Extra headers are not signed (SigV4 allows unsigned headers), so they can never break a signature.
        return { method: 'POST', path, headers: { ...extraHeaders, ...headers }, body };
      },
      parseResponse: (text, call) => toChatCompletion(text, call),
      createStreamTranslator: (call) => new ConverseStreamTranslator(call),
      classifyError,
    };
  },
};

export default provider;
