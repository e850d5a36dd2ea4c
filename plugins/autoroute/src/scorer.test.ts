import * as v from 'valibot';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AutorouteOptions, optionsSchema } from './options.js';
import { compileScorer, type Scorer } from './scorer.js';
import { javaTrace, user } from './test/requests.js';
import { loadTokenCounter, type TokenCounter } from './tokens.js';

let count: TokenCounter;
let score: Scorer;
const compile = (options: unknown) =>
  compileScorer(v.parse(optionsSchema, options) as AutorouteOptions, count);

beforeAll(async () => {
  count = await loadTokenCounter();
  score = compile({});
});

const sumOf = (contributions: Record<string, number | undefined>) =>
  Object.values(contributions).reduce<number>((s, c) => s + (c ?? 0), 0);

describe('tiers with the default options', () => {
  it.each(['hi', 'Hello!', 'Good morning, how are you today?', 'thanks, bye'])(
    'a greeting (%s) is low',
    (text) => {
      expect(score(user(text)).tier).toBe('low');
    },
  );

  it.each([
    'Hi! Where are you from?',
    "Hello, let me know when you're free.",
    "Hey, what's the plan for this weekend? Let's do something fun.",
    'Good morning! Where do you get your news from? Let me guess, the radio?',
    "Hi there, I'm from Lisbon. Let's plan a call, let me know where and when.",
  ])('ordinary words such as where/from/let/plan do not lift a greeting: %s', (text) => {
    const result = score(user(text));
    expect(result.tier).toBe('low');
    expect(result.contributions.reasoning).toBeUndefined();
    expect(result.contributions.formal).toBeUndefined();
  });

  it('a 200-line stack trace with "find the race condition" is high', () => {
    const trace = javaTrace(200);
    expect(trace.split('\n')).toHaveLength(200);
    const result = score(user(`${trace}\n\nThis happens under load. Find the race condition.`));
    expect(result.tier).toBe('high');
    expect(result.skill).toBe('code');
  });

  it('a request for a proof is scored above the same length of small talk', () => {
    const proof = score(user('Prove that every group of order p^2 is abelian, rigorously.'));
    const chat = score(user('My cat sat on the keyboard again today, it was funny.'));
    expect(proof.score).toBeGreaterThan(chat.score);
    expect(proof.contributions.formal).toBeGreaterThan(0);
  });

  it('a much longer prompt scores higher on prompt_tokens', () => {
    const short = score(user('Summarize: the meeting moved to Friday.'));
    const long = score(
      user(`Summarize: ${'The quarterly review covered revenue, hiring and churn in detail. '.repeat(80)}`),
    );
    expect(long.contributions.prompt_tokens!).toBeGreaterThan(short.contributions.prompt_tokens ?? 0);
    expect(long.tokens).toBeGreaterThan(800);
  });
});

describe('needs', () => {
  const weather = {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
    },
  };

  it('tools in the request need tools', () => {
    expect(score(user('Weather in Oslo?', { tools: [weather] })).needs).toEqual(['tools']);
  });

  it('tool_choice none does not need tools, but tool turns in the conversation do', () => {
    expect(score(user('Weather in Oslo?', { tools: [weather], tool_choice: 'none' })).needs).toEqual([]);
    const conversation = score({
      model: 'auto',
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: '{"temp_c":3}' },
      ],
    });
    expect(conversation.needs).toEqual(['tools']);
  });

  it('an image needs vision', () => {
    const result = score({
      model: 'auto',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture?' },
            { type: 'image_url', image_url: { url: 'https://images.example.com/a.png' } },
          ],
        },
      ],
    });
    expect(result.needs).toEqual(['vision']);
    expect(result.contributions.images).toBeGreaterThan(0);
  });

  it('response_format json_schema and json_object need json', () => {
    const schema = {
      type: 'json_schema' as const,
      json_schema: { name: 'x', schema: { type: 'object', properties: { a: { type: 'string' } } } },
    };
    expect(score(user('Extract it.', { response_format: schema })).needs).toEqual(['json']);
    expect(score(user('Extract it.', { response_format: { type: 'json_object' } })).needs).toEqual(['json']);
    expect(score(user('Extract it.', { response_format: { type: 'text' } })).needs).toEqual([]);
  });
});

describe('contributions', () => {
  it.each([
    ['a greeting', user('hi')],
    ['a stack trace', user(`${javaTrace(60)}\nWhy does this deadlock? Compare two fixes.`)],
    [
      'a long plan',
      user('Plan a migration: 1) boundaries, 2) data, 3) rollback, 4) risks. Budget $40,000, 6 weeks.'),
    ],
    ['a reasoning_effort hint', user('Think hard about this.', { reasoning_effort: 'high' })],
  ])('add up to the score exactly (%s)', (_, request) => {
    const result = score(request);
    expect(Math.round(sumOf(result.contributions) * 1e4)).toBe(Math.round(result.score * 1e4));
    expect(Math.abs(sumOf(result.contributions) - result.score)).toBeLessThan(1e-9);
  });

  it('leave out features whose weight is 0, and a skill without weight', () => {
    const onlyImages = compile({
      weights: Object.fromEntries(['prompt_tokens', 'context_tokens', 'constraints'].map((k) => [k, 0])),
      skills: [{ name: 'code', pattern: 'python' }],
    });
    const result = onlyImages(user('Write Python, please, now, quickly, today, with tests'));
    expect(result.skill).toBe('code');
    expect(result.contributions.prompt_tokens).toBeUndefined();
    expect(result.contributions.constraints).toBeUndefined();
    expect(result.contributions.skill).toBeUndefined();
  });
});

describe('configured tiers and skills', () => {
  it('maps the score to the tier with the highest minimum at or below it', () => {
    const scorer = compile({
      tiers: { tiny: 0, big: 0.3, huge: 5 },
      weights: { reasoning_effort: 0.4 },
      skills: [],
    });
    expect(scorer(user('hi', { reasoning_effort: 'high' })).tier).toBe('big');
    expect(scorer(user('hi')).tier).toBe('tiny');
  });

  it('gives the first matching skill, its weight, else default', () => {
    const scorer = compile({
      skills: [
        { name: 'sql', pattern: '\\bselect\\b', weight: 0.25 },
        { name: 'db', pattern: 'select|postgres' },
      ],
    });
    const sql = scorer(user('SELECT id FROM users'));
    expect(sql.skill).toBe('sql');
    expect(sql.contributions.skill).toBe(0.25);
    expect(scorer(user('Which postgres version?')).skill).toBe('db');
    expect(scorer(user('hello')).skill).toBe('default');
  });

  it('names skills from the last user message only', () => {
    const result = score({
      model: 'auto',
      messages: [
        { role: 'user', content: 'Translate this into French: good night' },
        { role: 'assistant', content: 'Bonne nuit' },
        { role: 'user', content: 'Prove that the square root of 2 is irrational.' },
      ],
    });
    expect(result.skill).toBe('math');
  });
});
