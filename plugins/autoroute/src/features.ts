/**
 * Features: each turns the request shape into a value in [0, 1]; the scorer multiplies it by the
 * feature's weight. Counts are squashed on a log scale, so the first stack frame or code line tells more
 * than the hundredth.
 */
import type { RequestShape } from './extract.js';
import {
  CLAUSE,
  CODE_LINE,
  countMatches,
  FENCE,
  FORMAL,
  INLINE_CODE,
  MATH,
  NON_ASCII,
  NON_ASCII_LETTER,
  OUTPUT_LENGTH,
  REASONING,
  STEPS,
  TRACE_LINE,
} from './patterns.js';
import type { TokenEstimate } from './tokens.js';

export const FEATURE_NAMES = [
  'prompt_tokens',
  'context_tokens',
  'output_length',
  'depth',
  'code',
  'stack_trace',
  'math',
  'formal',
  'reasoning',
  'multi_step',
  'constraints',
  'structured_output',
  'tools',
  'tool_choice',
  'images',
  'languages',
  'reasoning_effort',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

/** Bounds the regex work on huge prompts: past this many matches a count is saturated anyway. */
const MATCH_CAP = 400;

/** 0 at `from`, 1 at `to`, logarithmic in between. */
export function logScale(n: number, from: number, to: number): number {
  if (n <= from) return 0;
  if (n >= to) return 1;
  return Math.log(n / from) / Math.log(to / from);
}

/** 0 at none, 1 at `full` items, logarithmic (log(1 + n)) in between. */
function saturate(n: number, full: number): number {
  return n <= 0 ? 0 : Math.min(1, Math.log1p(n) / Math.log1p(full));
}

export interface TokenScale {
  /** Prompt size (tokens) at which the feature starts to count. */
  from: number;
  /** Prompt size (tokens) at which it is full. */
  to: number;
}

/** Words an answer of each unit holds, to compare "3 pages" with "700 words". */
const WORDS_PER: Record<string, number> = { word: 1, page: 500, paragraph: 120, minute: 150 };

/** The longest answer asked for, in words, from the instruction or max_tokens (~0.75 words per token). */
function requestedWords(shape: RequestShape): number {
  let words = shape.maxTokens ? shape.maxTokens * 0.75 : 0;
  OUTPUT_LENGTH.lastIndex = 0;
  for (let i = 0; i < 8; i++) {
    const m = OUTPUT_LENGTH.exec(shape.instruction);
    if (m === null) break;
    const unit = m[2]!.toLowerCase().replace(/s$/, '');
    words = Math.max(words, Number(m[1]!.replace(/,/g, '')) * (WORDS_PER[unit] ?? 1));
  }
  OUTPUT_LENGTH.lastIndex = 0;
  return words;
}

const EFFORT: Record<string, number> = {
  minimal: 0,
  none: 0,
  low: 0,
  medium: 0.5,
  high: 1,
  xhigh: 1,
  max: 1,
};

export interface FeatureInput {
  shape: RequestShape;
  tokens: TokenEstimate;
  scale: TokenScale;
}

const jsonFormat = ({ shape }: FeatureInput) =>
  shape.responseFormat === 'json_schema'
    ? 0.5 + 0.5 * saturate(shape.schemaProperties, 24)
    : shape.responseFormat === 'json_object'
      ? 0.5
      : 0;

function codeEvidence(user: string): number {
  const fences = countMatches(FENCE, user, MATCH_CAP);
  const inline = Math.min(3, countMatches(INLINE_CODE, user, 8));
  return countMatches(CODE_LINE, user, MATCH_CAP) + 2 * fences + inline / 2;
}

/**
 * How each feature is computed. Content features scan all user text (the material in play); ask features
 * scan only the instruction of the last user message (what is wanted now).
 */
export const FEATURES: { readonly [K in FeatureName]: (input: FeatureInput) => number } = {
  prompt_tokens: ({ tokens, scale }) => logScale(tokens.ask, scale.from, scale.to),
  context_tokens: ({ tokens, scale }) => logScale(tokens.context, scale.from, scale.to),
  output_length: ({ shape }) => logScale(requestedWords(shape), 150, 3000),
  depth: ({ shape }) => saturate(shape.messages - 1, 12),
  code: ({ shape }) => saturate(codeEvidence(shape.userText), 60),
  stack_trace: ({ shape }) => saturate(countMatches(TRACE_LINE, shape.userText, MATCH_CAP), 80),
  math: ({ shape }) => saturate(countMatches(MATH, shape.userText, MATCH_CAP), 16),
  formal: ({ shape }) => Math.min(1, countMatches(FORMAL, shape.instruction, 4) / 2),
  reasoning: ({ shape }) => Math.min(1, countMatches(REASONING, shape.instruction, 8) / 3),
  multi_step: ({ shape }) => Math.min(1, countMatches(STEPS, shape.instruction, 12) / 5),
  constraints: ({ shape }) => Math.min(1, countMatches(CLAUSE, shape.instruction, 12) / 6),
  structured_output: jsonFormat,
  tools: ({ shape }) => (shape.tools > 0 ? saturate(shape.tools, 10) : 0),
  tool_choice: ({ shape }) => (shape.tools > 0 && shape.toolForced ? 1 : 0),
  images: ({ shape }) => saturate(shape.images, 4),
  languages: ({ shape }) =>
    NON_ASCII.test(shape.userText) ? saturate(countMatches(NON_ASCII_LETTER, shape.userText, 64), 24) : 0,
  reasoning_effort: ({ shape }) => (shape.reasoningEffort ? (EFFORT[shape.reasoningEffort] ?? 0) : 0),
};

/** Every feature's value (the tuner and tests use this; the scorer computes only weighted features). */
export function featureValues(input: FeatureInput): Record<FeatureName, number> {
  const values = {} as Record<FeatureName, number>;
  for (const name of FEATURE_NAMES) values[name] = FEATURES[name](input);
  return values;
}
