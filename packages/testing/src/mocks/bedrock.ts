/**
 * A wire-faithful Bedrock Runtime upstream (wire.md §6): `POST /model/{urlencoded id}/converse` answers
 * Converse JSON, `/converse-stream` answers binary AWS event-stream frames (application/vnd.amazon.eventstream,
 * encoded by Smithy's codec, each payload padded with a `p` field like real traffic). Like the service, it
 * refuses requests without a SigV4 Authorization whose credential scope is `…/REGION/bedrock/aws4_request`
 * (or a Bedrock API key as a bearer token), and names every error in `x-amzn-ErrorType`.
 * The signature itself is not verified (wire.md §6.5 allows that); plugins/provider-bedrock tests it
 * against the SigV4 test vector.
 */
import { randomUUID } from 'node:crypto';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';
import type { ErrorKind, ProviderWireKit, TokenUsage } from '../conformance-types.js';
import type { MockHandler, MockReply, MockRequest } from '../mock-server.js';

export const BEDROCK_MOCK_REGION = 'us-east-1';
/** An inference-profile id: its `:` must arrive URL-encoded in the path. */
const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

type Block = { text: string } | { toolUse: { toolUseId: string; name: string; input: unknown } };

const PATH = /^\/model\/([^/]+)\/(converse|converse-stream)$/;
const SIGV4 =
  /^AWS4-HMAC-SHA256 Credential=[^/\s]+\/(\d{8})\/([a-z0-9-]+)\/bedrock\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}$/;

const ERRORS: Record<ErrorKind, { status: number; name: string; message: string }> = {
  bad_request: {
    status: 400,
    name: 'ValidationException',
    message:
      'A conversation must start with a user message. Try again with a conversation that starts with a user message.',
  },
  authentication: {
    status: 403,
    name: 'UnrecognizedClientException',
    message: 'The security token included in the request is invalid.',
  },
  rate_limit: {
    status: 429,
    name: 'ThrottlingException',
    message: 'Too many tokens, please wait before trying again.',
  },
  server: {
    status: 500,
    name: 'InternalServerException',
    message: 'The system encountered an unexpected error during processing. Try your request again.',
  },
  overloaded: {
    status: 503,
    name: 'ServiceUnavailableException',
    message: 'Bedrock is unable to process your request.',
  },
};

const NAMESPACE = 'http://internal.amazon.com/coral/com.amazon.bedrock/';

export function bedrockError(
  status: number,
  name: string,
  message: string,
  extraHeaders: Record<string, string> = {},
): MockReply {
  return {
    status,
    headers: {
      'x-amzn-ErrorType': `${name}:${NAMESPACE}`,
      'x-amzn-RequestId': randomUUID(),
      ...extraHeaders,
    },
    body: { message },
  };
}

function errorReply(kind: ErrorKind, options: { retryAfterS?: number; message?: string } = {}): MockReply {
  const { status, name, message } = ERRORS[kind];
  // Bedrock itself sends no retry-after; the kit's scripted wait is passed on as one (a proxy in front could).
  const extra: Record<string, string> =
    options.retryAfterS === undefined ? {} : { 'retry-after': String(options.retryAfterS) };
  return bedrockError(status, name, options.message ?? message, extra);
}

// ───────────────────────────── event-stream frames ─────────────────────────────

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const PAD = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
let padTurn = 0;
/** A prefix of a-zA-Z0-9 of varying length, as in recorded traffic. */
const padding = () => PAD.slice(0, 1 + ((padTurn++ * 17) % PAD.length));

const text = (value: string) => ({ type: 'string' as const, value });

export function eventFrame(eventType: string, payload: Record<string, unknown>): Uint8Array {
  return codec.encode({
    headers: {
      ':event-type': text(eventType),
      ':content-type': text('application/json'),
      ':message-type': text('event'),
    },
    body: fromUtf8(JSON.stringify({ ...payload, p: padding() })),
  });
}

/** An error inside an already started stream, e.g. `throttlingException` (camelCase, as on the wire). */
export function exceptionFrame(exceptionType: string, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ':exception-type': text(exceptionType),
      ':content-type': text('application/json'),
      ':message-type': text('exception'),
    },
    body: fromUtf8(JSON.stringify({ message })),
  });
}

/** Pieces of 1–9 characters (whole code points) that cut words and JSON tokens anywhere. */
function fragments(value: string): string[] {
  const chars = Array.from(value);
  const out: string[] = [];
  for (let i = 0, n = 0; i < chars.length; n++) {
    const size = 1 + ((n * 7 + 3) % 9);
    out.push(chars.slice(i, i + size).join(''));
    i += size;
  }
  return out;
}

/** Bedrock's inputTokens leaves cache reads out; the kit's `input` counts them (OpenAI's prompt_tokens). */
function bedrockUsage(usage: TokenUsage) {
  const cached = usage.cached ?? 0;
  return {
    inputTokens: usage.input - cached,
    outputTokens: usage.output,
    totalTokens: usage.input + usage.output,
    cacheReadInputTokens: cached,
    cacheWriteInputTokens: 0,
  };
}

function streamFrames(content: Block[], stopReason: string, usage: TokenUsage): Uint8Array[] {
  const frames = [eventFrame('messageStart', { role: 'assistant' })];
  content.forEach((block, contentBlockIndex) => {
    if ('text' in block) {
      // Text blocks start with their first delta: there is no contentBlockStart for them.
      for (const piece of fragments(block.text))
        frames.push(eventFrame('contentBlockDelta', { delta: { text: piece }, contentBlockIndex }));
    } else {
      const { toolUseId, name, input } = block.toolUse;
      frames.push(
        eventFrame('contentBlockStart', { start: { toolUse: { toolUseId, name } }, contentBlockIndex }),
      );
      for (const piece of fragments(JSON.stringify(input))) {
        frames.push(
          eventFrame('contentBlockDelta', { delta: { toolUse: { input: piece } }, contentBlockIndex }),
        );
      }
    }
    frames.push(eventFrame('contentBlockStop', { contentBlockIndex }));
  });
  frames.push(eventFrame('messageStop', { stopReason }));
  // Usage comes last, after messageStop.
  frames.push(eventFrame('metadata', { usage: bedrockUsage(usage), metrics: { latencyMs: 412 } }));
  return frames;
}

// ───────────────────────────── requests ─────────────────────────────

/** What the real service refuses before generating anything. */
function refusal(req: MockRequest): MockReply | undefined {
  if (req.method !== 'POST' || !PATH.test(req.url.pathname)) {
    return bedrockError(404, 'UnknownOperationException', 'Unknown operation.');
  }
  const auth = req.headers.authorization ?? '';
  if (!auth) return bedrockError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  if (!/^Bearer \S+$/.test(auth)) {
    const m = SIGV4.exec(auth);
    const date = req.headers['x-amz-date'] ?? '';
    const signed = m?.[3]?.split(';') ?? [];
    if (!m || !date.startsWith(m[1]!) || !signed.includes('host') || !signed.includes('x-amz-date')) {
      return errorReply('authentication', {
        message:
          'Authorization header requires a SigV4 Credential scope of the form AKID/DATE/REGION/bedrock/aws4_request.',
      });
    }
  }
  const json = req.json;
  if (!json || typeof json !== 'object' || !Array.isArray(json.messages) || json.messages.length === 0) {
    return errorReply('bad_request', {
      message: "1 validation error detected: Value at 'messages' failed to satisfy constraint.",
    });
  }
  if (json.messages[0]?.role !== 'user') return errorReply('bad_request');
  return undefined;
}

/** The tool a request forces (`toolChoice.tool`): how the bedrock provider asks for JSON output. */
function forcedTool(json: any): string | undefined {
  const name = json?.toolConfig?.toolChoice?.tool?.name;
  return typeof name === 'string' ? name : undefined;
}

function answer(
  content: (req: MockRequest) => Block[],
  stopReason: (req: MockRequest) => string,
  usage: TokenUsage,
): MockHandler {
  return (req) => {
    const refused = refusal(req);
    if (refused) return refused;
    const blocks = content(req);
    const reason = stopReason(req);
    const headers = { 'x-amzn-RequestId': randomUUID() };
    if (bedrockKit.isStream(req)) {
      return {
        headers: { ...headers, 'content-type': 'application/vnd.amazon.eventstream' },
        chunks: streamFrames(blocks, reason, usage),
      };
    }
    return {
      headers,
      body: {
        output: { message: { role: 'assistant', content: blocks } },
        stopReason: reason,
        usage: bedrockUsage(usage),
        metrics: { latencyMs: 412 },
      },
    };
  };
}

const toolUseId = () => `tooluse_${randomUUID().replace(/-/g, '').slice(0, 22)}`;

/** A forced tool gets the text as its input, as a model answering through it would. */
function textBlocks(req: MockRequest, value: string): Block[] {
  const forced = forcedTool(req.json);
  if (!forced) return [{ text: value }];
  let input: unknown;
  try {
    input = JSON.parse(value);
  } catch {
    input = { text: value };
  }
  return [{ toolUse: { toolUseId: toolUseId(), name: forced, input } }];
}

function hasImage(blocks: unknown): boolean {
  return (
    Array.isArray(blocks) && blocks.some((b) => b?.image || (b?.toolResult && hasImage(b.toolResult.content)))
  );
}

/** A stream that sends some text, then an exception frame (a failure after the first byte). */
export function bedrockMidStreamException(
  before: string,
  exceptionType: string,
  message: string,
): MockHandler {
  return (req) => {
    const refused = refusal(req);
    if (refused) return refused;
    return {
      headers: { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-RequestId': randomUUID() },
      chunks: [
        eventFrame('messageStart', { role: 'assistant' }),
        eventFrame('contentBlockDelta', { delta: { text: before }, contentBlockIndex: 0 }),
        exceptionFrame(exceptionType, message),
      ],
    };
  };
}

export const bedrockKit: ProviderWireKit = {
  type: 'bedrock',
  model: MODEL,
  providerConfig: (mockUrl) => ({
    base_url: mockUrl,
    region: BEDROCK_MOCK_REGION,
    access_key_id: 'AKIAMOCKBEDROCKKEY01',
    secret_access_key: 'mock-secret-access-key',
    models: [MODEL],
  }),
  text: (value, usage, finish = 'stop') =>
    answer(
      (req) => textBlocks(req, value),
      (req) => (forcedTool(req.json) ? 'tool_use' : finish === 'length' ? 'max_tokens' : 'end_turn'),
      usage,
    ),
  toolCalls: (calls, usage) =>
    answer(
      () => calls.map((c) => ({ toolUse: { toolUseId: toolUseId(), name: c.name, input: c.arguments } })),
      () => 'tool_use',
      usage,
    ),
  error: (kind, options) => () => errorReply(kind, options),
  inspect: (call) => {
    const json = call.json ?? {};
    const match = PATH.exec(call.url.pathname);
    const messages: Array<{ content: unknown }> = Array.isArray(json.messages) ? json.messages : [];
    const system: string[] = Array.isArray(json.system)
      ? json.system.flatMap((b: any) => (typeof b?.text === 'string' ? [b.text] : []))
      : [];
    const jsonTool = forcedTool(json);
    const tools: string[] = (json.toolConfig?.tools ?? [])
      .map((t: any) => t.toolSpec?.name)
      .filter((n: unknown) => typeof n === 'string');
    return {
      model: match ? decodeURIComponent(match[1]!) : '',
      stream: match?.[2] === 'converse-stream',
      ...(system.length > 0 ? { system: system.join('\n\n') } : {}),
      messages: messages.length,
      // The forced tool carries the JSON answer; it is not one of the client's tools.
      tools: tools.filter((n) => n !== jsonTool),
      hasImage: messages.some((m) => hasImage(m.content)),
      jsonSchema: json.outputConfig?.textFormat?.type === 'json_schema' || jsonTool !== undefined,
    };
  },
  isStream: (call) => call.url.pathname.endsWith('/converse-stream'),
};
