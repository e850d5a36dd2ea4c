/**
 * `pnpm --filter @switchyard/plugin-autoroute bench`: the scorer's cost per call on typical prompts, with
 * the default options. Each prompt is scored WARMUP times, then ITERATIONS timed calls; p50/p99 in µs.
 * "warm" keeps the tokenizer's merge cache (steady traffic repeats most words); "cold" clears it before
 * every call (the worst case: every word seen for the first time).
 */
import { availableParallelism, loadavg } from 'node:os';
import type { ChatRequest } from '@switchyard/protocol';
import { clearMergeCache } from 'gpt-tokenizer/encoding/cl100k_base';
import * as v from 'valibot';
import { loadSet } from '../eval/dataset.js';
import { compileScorer, loadTokenCounter, optionsSchema } from '../src/index.js';

const WARMUP = 500;
const ITERATIONS = 5000;

const user = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'auto',
  messages: [{ role: 'user', content }],
  ...extra,
});
const byId = new Map(loadSet().map((item) => [item.id, item.request]));
const fromSet = (id: string) => {
  const request = byId.get(id);
  if (!request) throw new Error(`eval/set.jsonl has no ${id}`);
  return request;
};

const prompts: Array<[string, ChatRequest]> = [
  ['greeting', user('Hey! Where are you from? Let me know your plans for the weekend.')],
  ['factual question', user('How do mRNA vaccines work, step by step, from injection to immune memory?')],
  ['code question (typical)', fromSet('code-med-7')],
  ['tool call', fromSet('tool-med-3')],
  ['json extraction', fromSet('json-med-1')],
  ['long review (~2k tokens)', fromSet('code-high-10')],
  ['200-line stack trace', fromSet('debug-high-1')],
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

const score = compileScorer(v.parse(optionsSchema, {}), await loadTokenCounter());

function measure(request: ChatRequest, cold: boolean): { p50: number; p99: number } {
  for (let i = 0; i < WARMUP; i++) score(request);
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    if (cold) clearMergeCache();
    const start = process.hrtime.bigint();
    score(request);
    times.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}

console.log(
  `autoroute scorer, ${ITERATIONS} calls per prompt after ${WARMUP} warm-up calls, Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} CPUs (p99 suffers first when the machine is busy)`,
);
console.log(
  `${'prompt'.padEnd(26)}${'chars'.padStart(8)}  ${'warm p50'.padStart(9)}${'p99'.padStart(8)}  ${'cold p50'.padStart(9)}${'p99'.padStart(8)}  (µs)`,
);
for (const [name, request] of prompts) {
  const chars = request.messages.reduce(
    (n, m) => n + (typeof m.content === 'string' ? m.content.length : 0),
    0,
  );
  const warm = measure(request, false);
  const cold = measure(request, true);
  const f = (n: number) => n.toFixed(1);
  console.log(
    `${name.padEnd(26)}${String(chars).padStart(8)}  ${f(warm.p50).padStart(9)}${f(warm.p99).padStart(8)}  ${f(cold.p50).padStart(9)}${f(cold.p99).padStart(8)}`,
  );
}
