import type { ChatRequest } from '@switchyard/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractShape } from './extract.js';
import { type FeatureName, featureValues, logScale } from './features.js';
import { javaTrace, user } from './test/requests.js';
import { estimateTokens, loadTokenCounter, type TokenCounter } from './tokens.js';

const limits = { scanChars: 65536, sampleChars: 2048 };
const scale = { from: 8, to: 2048 };
let count: TokenCounter;
beforeAll(async () => {
  count = await loadTokenCounter();
});

function values(request: ChatRequest): Record<FeatureName, number> {
  const shape = extractShape(request, limits);
  return featureValues({ shape, tokens: estimateTokens(shape, count), scale });
}
const of = (text: string) => values(user(text));

describe('code', () => {
  it('counts fenced code and code-like lines, not prose', () => {
    const code = of(
      'Why does this fail?\n```ts\nexport function add(a: number, b: number) {\n  return a + b;\n}\n```',
    );
    expect(code.code).toBeGreaterThan(0.3);
    expect(of('I went to the market and bought apples, pears and bread.').code).toBe(0);
  });

  it('recognises Python without braces', () => {
    expect(
      of('from collections import Counter\ndef top(xs):\n    return Counter(xs).most_common(3)').code,
    ).toBeGreaterThan(0);
  });
});

describe('stack traces', () => {
  it.each([
    ['Java', javaTrace(12)],
    [
      'Python',
      'Traceback (most recent call last):\n  File "app.py", line 3, in <module>\n    main()\nKeyError: \'id\'',
    ],
    ['Go', 'goroutine 7 [chan receive]:\nmain.worker(0xc000010000)\n\t/app/main.go:41 +0x5e'],
    [
      'Node',
      'TypeError: x is not a function\n    at run (/srv/app/index.js:10:5)\n    at main (/srv/app/index.js:20:3)',
    ],
    ['Rust', 'error[E0515]: cannot return reference to local variable\n --> src/main.rs:6:5'],
  ])('counts %s frames', (_, trace) => {
    expect(of(trace).stack_trace).toBeGreaterThan(0);
  });

  it('grows with the trace and saturates', () => {
    expect(of(javaTrace(200)).stack_trace).toBe(1);
    expect(of(javaTrace(10)).stack_trace).toBeLessThan(of(javaTrace(40)).stack_trace);
    expect(of('We met at the station at noon.').stack_trace).toBe(0);
  });
});

describe('math and formal reasoning', () => {
  it('counts notation', () => {
    expect(of('Compute $\\int_0^1 x^2 \\, dx$ and $\\sum_{n} \\frac{1}{n^2}$').math).toBeGreaterThan(0.3);
    expect(of('Nice to meet you').math).toBe(0);
  });

  it('formal counts proof demands in the instruction', () => {
    expect(of('Prove that there are infinitely many primes.').formal).toBe(0.5);
    expect(of('Prove it rigorously, and derive the bound.').formal).toBe(1);
    expect(of('Where are you from? Let me know your plan.').formal).toBe(0);
  });
});

describe('the instruction', () => {
  it('leaves pasted fenced code out of the ask features', () => {
    const pasted = of('Fix it.\n```\nif (a, b, c, d, e, f, g) { compare(x); analyze(y); }\n```');
    expect(pasted.reasoning).toBe(0);
    expect(pasted.constraints).toBe(0);
  });

  it('takes only the first paragraph when it announces material with a colon', () => {
    const doc = 'Alpha, beta, gamma, delta, epsilon, zeta, eta, theta. '.repeat(30);
    expect(of(`Summarize this memo:\n\n${doc}\n\n${doc}`).constraints).toBe(0);
    expect(of(`${doc}\n\nCompare the options, weigh the risks, and pick one.`).constraints).toBeGreaterThan(
      0,
    );
  });
});

describe('the ask', () => {
  it('counts numbered steps and clauses', () => {
    const plan = of('Plan it:\n1. inventory\n2. migrate data\n3. switch traffic\n4. roll back if needed');
    expect(plan.multi_step).toBeGreaterThan(0.5);
    expect(of('Cover alliances, economics, nationalism, and the treaty.').constraints).toBeGreaterThan(0.4);
  });

  it('reads the requested answer length from words, pages and max_tokens', () => {
    expect(of('Write a 1,500-word short story.').output_length).toBeGreaterThan(0.7);
    expect(of('Write a short story.').output_length).toBe(0);
    expect(values(user('Write a story.', { max_completion_tokens: 8000 })).output_length).toBe(1);
  });

  it('sees other scripts and accented letters', () => {
    expect(of('日本の少子化の原因と対策について詳しく論じてください。').languages).toBe(1);
    expect(of('Plain English only here.').languages).toBe(0);
  });
});

describe('tokens', () => {
  it('separates the last user message from the context', () => {
    const shape = extractShape(
      {
        model: 'auto',
        messages: [
          { role: 'system', content: 'You answer from this handbook. '.repeat(50) },
          { role: 'user', content: 'What are the core hours?' },
        ],
      },
      limits,
    );
    const tokens = estimateTokens(shape, count);
    expect(tokens.ask).toBeLessThan(10);
    expect(tokens.context).toBeGreaterThan(250);
  });

  it('extrapolates past the sample and stays close to the full count', () => {
    const text = javaTrace(400);
    const sampled = estimateTokens(extractShape(user(text), limits), count).ask;
    const full = count(text);
    expect(text.length).toBeGreaterThan(4 * limits.sampleChars);
    expect(Math.abs(sampled - full) / full).toBeLessThan(0.15);
  });

  it('treats special-token text as text', () => {
    expect(count('<|endoftext|> hello')).toBeGreaterThan(1);
  });

  it('log-scales between the bounds', () => {
    expect(logScale(4, 8, 2048)).toBe(0);
    expect(logScale(128, 8, 2048)).toBeCloseTo(0.5, 5);
    expect(logScale(9000, 8, 2048)).toBe(1);
  });
});

describe('structure', () => {
  it('scales structured output with the schema size, and forced tools count once tools exist', () => {
    const small = values(user('x', { response_format: { type: 'json_object' } }));
    const schema = {
      type: 'object',
      properties: Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}`, { type: 'string' }])),
    };
    const big = values(
      user('x', { response_format: { type: 'json_schema', json_schema: { name: 's', schema } } }),
    );
    expect(small.structured_output).toBe(0.5);
    expect(big.structured_output).toBeGreaterThan(0.8);
    expect(values(user('x', { tool_choice: 'required' })).tool_choice).toBe(0);
  });

  it('ignores malformed message lists instead of throwing', () => {
    const odd = { model: 'auto', messages: 'hello' } as unknown as ChatRequest;
    expect(values(odd).prompt_tokens).toBe(0);
  });
});
