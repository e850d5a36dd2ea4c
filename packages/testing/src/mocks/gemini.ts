/**
 * A Gemini (Generative Language API) upstream in its own wire format, after wire/gemini_*.json|sse:
 * `:generateContent` answers one JSON GenerateContentResponse; `:streamGenerateContent?alt=sse` answers
 * `data: <chunk>\r\n\r\n` events (CRLF, no terminator) carrying only the new parts and the running usage;
 * without `alt=sse` the stream is one JSON array. Function calls carry no id, finish with `STOP`, and the
 * first one carries a `thoughtSignature`. Errors use Google's `{error:{code,message,status,details}}`;
 * a bad key is a 400 and a 429 says when to retry only in its RetryInfo detail.
 */
import { randomBytes } from 'node:crypto';
import type { ErrorKind, ProviderWireKit, TokenUsage, UpstreamView } from '../conformance-types.js';
import type { MockHandler, MockReply, MockRequest } from '../mock-server.js';

export const GEMINI_MOCK_KEY = 'mock-gemini-key';
const MODEL = 'gemini-2.5-flash';
const JSON_TYPE = 'application/json; charset=UTF-8';
/** `{prefix}/v1beta/models/{model}:{method}`: the model and the method. */
const ROUTE = /\/v1beta\/models\/([^/:?]+):(generateContent|streamGenerateContent)$/;

type Json = Record<string, any>;

/** Gemini accepts camelCase and snake_case field names (proto3 JSON), so the mock reads both. */
const field = (obj: Json | undefined, camel: string): any =>
  obj?.[camel] ?? obj?.[camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)];

const responseId = () => randomBytes(16).toString('base64url').slice(0, 22);

function usageMetadata(u: TokenUsage, output = u.output): Json {
  const m: Json = {
    promptTokenCount: u.input,
    candidatesTokenCount: output,
    totalTokenCount: u.input + output,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: u.input }],
  };
  if (u.cached) m.cachedContentTokenCount = u.cached;
  return m;
}

/** One GenerateContentResponse (a whole answer, or one stream chunk). */
function chunk(id: string, parts: Json[], usage: Json, finish?: Json): Json {
  return {
    candidates: [{ content: { parts, role: 'model' }, index: 0, ...finish }],
    usageMetadata: usage,
    modelVersion: MODEL,
    responseId: id,
  };
}

function errorReply(status: number, googleStatus: string, message: string, details?: Json[]): MockReply {
  const error: Json = { code: status, message, status: googleStatus };
  if (details) error.details = details;
  return { status, headers: { 'content-type': JSON_TYPE }, body: { error } };
}

/** The checks the real API makes before it looks at the body: the route, then the key. */
function refuse(req: MockRequest): MockReply | undefined {
  const route = ROUTE.exec(req.url.pathname);
  if (req.method !== 'POST' || !route) {
    return errorReply(404, 'NOT_FOUND', `${req.url.pathname} is not found for API version v1beta.`);
  }
  const key = req.headers['x-goog-api-key'] ?? req.url.searchParams.get('key');
  if (!key) {
    return errorReply(
      403,
      'PERMISSION_DENIED',
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    );
  }
  if (key !== GEMINI_MOCK_KEY) return ERRORS.authentication();
  return undefined;
}

/** Serve `whole` to a generateContent call, `pieces` to a stream call. */
function answer(whole: Json, pieces: Json[]): MockHandler {
  return (req) => {
    const refused = refuse(req);
    if (refused) return refused;
    if (!isStream(req)) return { status: 200, headers: { 'content-type': JSON_TYPE }, body: whole };
    if (req.url.searchParams.get('alt') !== 'sse')
      return { status: 200, headers: { 'content-type': JSON_TYPE }, body: pieces };
    return {
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      chunks: pieces.map((p) => `data: ${JSON.stringify(p)}\r\n\r\n`),
    };
  };
}

const isStream = (req: MockRequest) => ROUTE.exec(req.url.pathname)?.[2] === 'streamGenerateContent';

/** Text split into up to three pieces at word boundaries, as Gemini streams it. */
function split(text: string): string[] {
  const words = text.split(/(?<= )/);
  const size = Math.max(1, Math.ceil(words.length / 3));
  const out: string[] = [];
  for (let i = 0; i < words.length; i += size) out.push(words.slice(i, i + size).join(''));
  return out.length > 0 ? out : [''];
}

const ERRORS: Record<ErrorKind, (o?: { retryAfterS?: number; message?: string }) => MockReply> = {
  bad_request: (o) =>
    errorReply(
      400,
      'INVALID_ARGUMENT',
      o?.message ?? '* GenerateContentRequest.contents: contents is not specified\n',
    ),
  authentication: (o) =>
    errorReply(400, 'INVALID_ARGUMENT', o?.message ?? 'API key not valid. Please pass a valid API key.', [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'API_KEY_INVALID',
        domain: 'googleapis.com',
        metadata: { service: 'generativelanguage.googleapis.com' },
      },
    ]),
  rate_limit: (o) =>
    errorReply(
      429,
      'RESOURCE_EXHAUSTED',
      o?.message ?? 'You exceeded your current quota, please check your plan and billing details.',
      [
        {
          '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
          violations: [
            {
              quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
              quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
              quotaValue: '10',
            },
          ],
        },
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${o?.retryAfterS ?? 37}s` },
      ],
    ),
  server: (o) =>
    errorReply(
      500,
      'INTERNAL',
      o?.message ??
        'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
    ),
  overloaded: (o) =>
    errorReply(503, 'UNAVAILABLE', o?.message ?? 'The model is overloaded. Please try again later.'),
};

function inspect(call: MockRequest): UpstreamView {
  const body: Json = call.json ?? {};
  const contents: Json[] = field(body, 'contents') ?? [];
  const systemParts: Json[] = field(field(body, 'systemInstruction'), 'parts') ?? [];
  const tools: Json[] = field(body, 'tools') ?? [];
  const generation = field(body, 'generationConfig');
  const parts = contents.flatMap((c) => (c.parts ?? []) as Json[]);
  const view: UpstreamView = {
    model: decodeURIComponent(ROUTE.exec(call.url.pathname)?.[1] ?? ''),
    stream: isStream(call),
    messages: contents.length,
    tools: tools.flatMap((t) => (field(t, 'functionDeclarations') ?? []).map((d: Json) => d.name)),
    hasImage: parts.some((p) =>
      String(field(field(p, 'inlineData') ?? field(p, 'fileData'), 'mimeType') ?? '').startsWith('image/'),
    ),
    jsonSchema:
      field(generation, 'responseJsonSchema') !== undefined ||
      field(generation, 'responseSchema') !== undefined,
  };
  if (systemParts.length > 0) view.system = systemParts.map((p) => p.text ?? '').join('\n');
  return view;
}

export const geminiKit: ProviderWireKit = {
  type: 'gemini',
  providerConfig: (mockUrl) => ({ base_url: mockUrl, api_key: GEMINI_MOCK_KEY }),
  model: MODEL,

  text(text, usage, finish = 'stop') {
    const id = responseId();
    const finishReason = { finishReason: finish === 'length' ? 'MAX_TOKENS' : 'STOP' };
    const pieces = split(text);
    let sent = 0;
    const streamed = pieces.map((piece, i) => {
      sent += piece.length;
      const last = i === pieces.length - 1;
      // Usage is cumulative; the output count grows with the text sent so far.
      const output = last ? usage.output : Math.floor((usage.output * sent) / Math.max(1, text.length));
      return chunk(id, [{ text: piece }], usageMetadata(usage, output), last ? finishReason : undefined);
    });
    return answer(chunk(id, [{ text }], usageMetadata(usage), finishReason), streamed);
  },

  toolCalls(calls, usage) {
    const id = responseId();
    const parts = calls.map((c, i) => {
      const part: Json = { functionCall: { name: c.name, args: c.arguments } };
      // Gemini signs the first call of a turn; the signature must come back on it next turn.
      if (i === 0) part.thoughtSignature = randomBytes(48).toString('base64');
      return part;
    });
    const whole = chunk(id, parts, usageMetadata(usage), {
      finishReason: 'STOP',
      finishMessage: 'Model generated function call(s).',
    });
    // Function calls arrive whole, all in one stream chunk.
    return answer(whole, [whole]);
  },

  error: (kind, options) => () => ERRORS[kind](options),
  inspect,
  isStream,
};
