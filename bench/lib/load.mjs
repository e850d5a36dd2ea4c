/**
 * Load generation with autocannon: POST /v1/chat/completions with a small chat body, a fixed number of
 * connections, for a fixed time. Latencies are taken from autocannon's per-response callback (float
 * milliseconds) instead of its histogram, which rounds to whole milliseconds — too coarse for the
 * sub-millisecond differences the one-connection run measures.
 */
import autocannon from 'autocannon';
import { percentile } from './stats.mjs';

const PATH = '/v1/chat/completions';

/** The client's chat request; `n` makes the body unique (cache-miss workloads). */
export function chatBody({ stream = false, n } = {}) {
  const question =
    n === undefined
      ? 'In one sentence, what does an AI gateway do?'
      : `Request ${n}: what does an AI gateway do?`;
  return JSON.stringify({
    model: 'bench-model',
    messages: [
      { role: 'system', content: 'You are a concise assistant.' },
      { role: 'user', content: question },
    ],
    temperature: 0.2,
    max_tokens: 64,
    ...(stream ? { stream: true } : {}),
  });
}

/**
 * The number of the next unique body. One count for the whole runner: a count per run would send the
 * warm-up's bodies again in the measured run (and one round's in the next), and a cache holding them
 * would answer those as hits.
 */
let nextUnique = 0;

/** autocannon options for one workload (a scenario's `request` block). */
export function requestOptions(request = {}) {
  const headers = { 'content-type': 'application/json', ...request.headers };
  if (!request.uniqueBodies) return { method: 'POST', headers, body: chatBody(request) };
  const setupRequest = (req) => ({ ...req, body: chatBody({ stream: request.stream, n: nextUnique++ }) });
  return { method: 'POST', headers, requests: [{ setupRequest }] };
}

/**
 * Runs autocannon against `origin` for `seconds` and summarises it. Non-2xx answers, errors and
 * timeouts are counted, never hidden: a fast error is not throughput.
 */
export async function runLoad({ origin, connections, seconds, request }) {
  const latencies = [];
  const started = process.hrtime.bigint();
  const instance = autocannon({
    url: `${origin}${PATH}`,
    connections,
    duration: seconds,
    pipelining: 1,
    ...requestOptions(request),
  });
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  const result = await instance;
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / elapsed,
    ok: latencies.length,
    p50_ms: percentile(latencies, 50),
    p99_ms: percentile(latencies, 99),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: elapsed,
  };
}

/** One request, checked, so a misconfigured target fails before minutes of load are spent on errors. */
export async function probe(origin, request) {
  const { headers, body = chatBody({ stream: request?.stream }) } = requestOptions(request);
  const res = await fetch(`${origin}${PATH}`, {
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(5_000),
  });
  const text = await res.text();
  const complete = request?.stream ? text.includes('data: [DONE]') : text.includes('"choices"');
  if (res.status !== 200 || !complete) {
    throw new Error(`probe of ${origin}${PATH} answered ${res.status}: ${text.slice(0, 300)}`);
  }
}
