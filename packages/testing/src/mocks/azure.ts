/**
 * An Azure OpenAI deployment in Azure's wire format (wire/azure_*): the dated data-plane API
 * `/openai/deployments/{deployment}/chat/completions?api-version=…` with the `api-key` header. Answers
 * are OpenAI's plus Azure's additions: `prompt_filter_results`, `content_filter_results` on every choice,
 * the real model name instead of the deployment, and streams that open with a `choices: []` prelude
 * chunk with an empty id and model. Azure's gateway errors use string codes (`"401"`, `"429"`).
 */
import type { ErrorKind, ProviderWireKit } from '../conformance-types.js';
import type { MockHandler, MockReply, MockRequest } from '../mock-server.js';
import { openaiError, openaiKit } from './openai.js';

export const AZURE_MOCK_KEY = '0123456789abcdef0123456789abcdef';
export const AZURE_MOCK_DEPLOYMENT = 'my-gpt4o-deployment';
const MODEL = 'gpt-4o-2024-08-06';
const DEPLOYMENT_PATH = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/;

const safe = { filtered: false, severity: 'safe' };
const OUTPUT_FILTER = { hate: safe, self_harm: safe, sexual: safe, violence: safe };
const PROMPT_FILTER = [
  {
    prompt_index: 0,
    content_filter_results: { ...OUTPUT_FILTER, jailbreak: { filtered: false, detected: false } },
  },
];

/** The deployment a request addresses, when its path and api-version are Azure's. */
export function azureDeployment(req: MockRequest): string | undefined {
  const match = DEPLOYMENT_PATH.exec(req.url.pathname);
  return match && req.url.searchParams.get('api-version') ? decodeURIComponent(match[1]!) : undefined;
}

const ACCESS_DENIED: MockReply = {
  status: 401,
  body: {
    error: {
      code: '401',
      message:
        'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
    },
  },
};

/** Azure answers a wrong key or an unknown path itself, before any deployment sees the request. */
function azureGate(handler: MockHandler): MockHandler {
  return (req) => {
    if (req.headers['api-key'] !== AZURE_MOCK_KEY) return ACCESS_DENIED;
    if (!azureDeployment(req))
      return { status: 404, body: { error: { code: '404', message: 'Resource not found' } } };
    return handler(req);
  };
}

type Choice = { delta?: object; message?: object; [key: string]: unknown };

/** An OpenAI answer object dressed as Azure's. */
function dress(answer: Record<string, any>): Record<string, unknown> {
  const choices = answer.choices as Choice[];
  return {
    ...answer,
    model: MODEL,
    choices: choices.map((c) => ({
      ...c,
      content_filter_results: c.delta && !Object.keys(c.delta).length ? {} : OUTPUT_FILTER,
    })),
    ...(answer.object === 'chat.completion' && { prompt_filter_results: PROMPT_FILTER }),
  };
}

const PRELUDE = `data: ${JSON.stringify({ choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: PROMPT_FILTER })}\n\n`;

/** Turns an OpenAI mock answer (JSON or SSE) into Azure's. */
export function azureAnswer(openaiHandler: MockHandler): MockHandler {
  return azureGate(async (req) => {
    const reply: MockReply = await openaiHandler(req);
    if (!reply.chunks) return { ...reply, body: dress(reply.body as Record<string, unknown>) };
    const chunks = reply.chunks.map((frame) => {
      const data = String(frame)
        .replace(/^data: /, '')
        .trim();
      return data === '[DONE]' ? frame : `data: ${JSON.stringify(dress(JSON.parse(data)))}\n\n`;
    });
    return { ...reply, chunks: [PRELUDE, ...chunks] };
  });
}

/** A prompt refused by Azure's content filter (wire/azure_errors.json). */
export function azureContentFilterError(): MockHandler {
  return azureGate(() => ({
    status: 400,
    body: {
      error: {
        message:
          "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
        type: null,
        param: 'prompt',
        code: 'content_filter',
        status: 400,
        innererror: {
          code: 'ResponsibleAIPolicyViolation',
          content_filter_result: { ...OUTPUT_FILTER, jailbreak: { filtered: true, detected: true } },
        },
      },
    },
  }));
}

/** An embeddings answer with one vector per input. */
export function azureEmbeddings(vectors: number[][]): MockHandler {
  return azureGate(() => ({
    body: {
      object: 'list',
      data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 2 * vectors.length, total_tokens: 2 * vectors.length },
    },
  }));
}

export function azureError(
  kind: ErrorKind,
  options: { retryAfterS?: number; message?: string } = {},
): MockHandler {
  const after = options.retryAfterS ?? 37;
  switch (kind) {
    case 'authentication':
      return () => ACCESS_DENIED;
    case 'rate_limit':
      return azureGate(() => ({
        status: 429,
        headers: {
          'retry-after': String(after),
          'retry-after-ms': String(after * 1000),
          'x-ratelimit-remaining-tokens': '0',
        },
        body: {
          error: {
            code: '429',
            message:
              options.message ??
              `Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after ${after} seconds.`,
          },
        },
      }));
    case 'overloaded':
      return azureGate(() => ({
        status: 503,
        body: {
          error: {
            code: 'ServiceUnavailable',
            message: options.message ?? 'The service is temporarily unable to process your request.',
          },
        },
      }));
    default:
      // Validation and server errors come from the model service in OpenAI's own shape.
      return azureGate(openaiError(kind, options));
  }
}

export const azureKit: ProviderWireKit = {
  type: 'azure-openai',
  model: AZURE_MOCK_DEPLOYMENT,
  providerConfig: (url) => ({ base_url: url, api_key: AZURE_MOCK_KEY, api_version: '2024-10-21' }),
  text: (text, usage, finish) => azureAnswer(openaiKit.text(text, usage, finish)),
  toolCalls: (calls, usage) => azureAnswer(openaiKit.toolCalls(calls, usage)),
  error: azureError,
  isStream: openaiKit.isStream,
  inspect: (call) => ({ ...openaiKit.inspect(call), model: azureDeployment(call) ?? '' }),
};
