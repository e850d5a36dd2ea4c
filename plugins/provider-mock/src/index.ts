/**
 * The offline provider: answers locally in OpenAI wire format (echo), for the embedded default config,
 * demos and tests. It can add latency, pace stream chunks and fail on purpose, to show retries and
 * fallbacks without any network.
 */
import {
  type AbortLike,
  duration,
  type ProviderDefinition,
  type Transport,
  type UpstreamHttpResponse,
} from '@switchyard/core';
import { openaiAdapter } from '@switchyard/plugin-provider-openai';
import * as v from 'valibot';
import { chatChunks, chatCompletion, embeddings } from './echo.js';

const schema = v.object({
  latency: v.optional(duration('Wait before answering.'), 0),
  chunk_delay: v.optional(duration('Wait between stream chunks.'), 0),
  fail_rate: v.optional(
    v.pipe(v.number(), v.minValue(0), v.maxValue(1), v.description('Share of requests that fail.')),
    0,
  ),
  fail_status: v.optional(
    v.pipe(v.number(), v.integer(), v.description('Status of a simulated failure.')),
    503,
  ),
  dimensions: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.description('Embedding size.')), 8),
});
type Options = v.InferOutput<typeof schema>;

const sleep = (ms: number, signal: AbortLike) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    const abort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener('abort', abort, { once: true });
  });

function response(status: number, pieces: string[], delay: number, signal: AbortLike): UpstreamHttpResponse {
  const encoder = new TextEncoder();
  async function* body() {
    for (let i = 0; i < pieces.length; i++) {
      if (i > 0 && delay > 0) await sleep(delay, signal);
      if (signal.aborted) return;
      yield encoder.encode(pieces[i]);
    }
  }
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: Object.assign(body(), { text: async () => pieces.join('') }),
  };
}

function mockTransport(options: Options): Transport {
  return async (request, signal) => {
    if (options.latency > 0) await sleep(options.latency, signal);
    const body = JSON.parse(String(request.body ?? '{}'));
    if (options.fail_rate > 0 && Math.random() < options.fail_rate) {
      const error = {
        error: {
          message: 'Simulated failure (mock provider)',
          type: 'api_error',
          param: null,
          code: 'mock_failure',
        },
      };
      return response(options.fail_status, [JSON.stringify(error)], 0, signal);
    }
    const id = Math.random().toString(36).slice(2, 12);
    if (request.path.endsWith('/embeddings'))
      return response(200, [JSON.stringify(embeddings(body, options.dimensions))], 0, signal);
    if (body.stream) return response(200, chatChunks(body, id), options.chunk_delay, signal);
    return response(200, [JSON.stringify(chatCompletion(body, id))], 0, signal);
  };
}

const mock: ProviderDefinition<Options> = {
  type: 'mock',
  defaultBaseUrl: 'http://mock.invalid/v1',
  schema,
  create: (config) => openaiAdapter(config, { transport: mockTransport(config) }),
};

export default mock;
