/**
 * Request authentication: AWS SigV4 (service `bedrock`, not `bedrock-runtime`) with Smithy's signer, or a
 * Bedrock API key as `Authorization: Bearer`.
 */
import { HttpRequest } from '@smithy/core/protocols';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface RequestToSign {
  method: string;
  /** The path exactly as sent (already URL-encoded once). */
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** Returns the headers to add to the request (authorization and its companions). */
export type Authenticate = (request: RequestToSign, signingDate?: Date) => Promise<Record<string, string>>;

export function bearerAuth(apiKey: string): Authenticate {
  const headers = { authorization: `Bearer ${apiKey}` };
  return async () => headers;
}

/**
 * `url` is the upstream the request goes to: its host (with a non-default port) is the signed `host`,
 * which is what the HTTP client sends.
 */
export function sigv4Auth(options: { region: string; credentials: AwsCredentials; url: URL }): Authenticate {
  const signer = new SignatureV4({
    service: 'bedrock',
    region: options.region,
    credentials: options.credentials,
    sha256: Hash.bind(null, 'sha256'),
    // Bedrock does not need x-amz-content-sha256 (the payload hash is still part of the signature).
    applyChecksum: false,
  });
  const { protocol, hostname, port, host } = options.url;
  return async (request, signingDate) => {
    const signed = await signer.sign(
      new HttpRequest({
        method: request.method,
        protocol,
        hostname,
        port: port ? Number(port) : undefined,
        path: request.path,
        headers: { ...request.headers, host },
        body: request.body,
      }),
      signingDate ? { signingDate } : {},
    );
    const added: Record<string, string> = {};
    for (const [name, value] of Object.entries(signed.headers)) {
      const lower = name.toLowerCase();
      if (lower !== 'host' && !(lower in request.headers)) added[lower] = value;
    }
    return added;
  };
}
