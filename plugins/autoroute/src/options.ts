/** The `autoroute` YAML block: every key with its default (docs/autoroute.md has the table). */
import * as v from 'valibot';
import { FEATURE_NAMES, type FeatureName } from './features.js';

/** Weights tuned on the train split of eval/set.jsonl (`pnpm --filter @switchyard/plugin-autoroute tune`). */
export const DEFAULT_WEIGHTS: Record<FeatureName, number> = {
  prompt_tokens: 0.655,
  context_tokens: 0.18,
  output_length: 0.07,
  depth: 0.01,
  code: 0,
  stack_trace: 0,
  math: 0,
  formal: 0.67,
  reasoning: 0.405,
  multi_step: 0,
  constraints: 0.275,
  structured_output: 0,
  tools: 0.185,
  tool_choice: 0.175,
  images: 0.385,
  languages: 0.115,
  reasoning_effort: 0.3,
};

export const DEFAULT_TIERS = { low: 0, medium: 0.21, high: 0.6 };

/**
 * Checked in order against the last user message; the first match names the skill, else `default`.
 * A skill's weight is added to the score when it matches.
 */
export const DEFAULT_SKILLS = [
  {
    name: 'code',
    pattern: [
      String.raw`\x60|^\s*(?:Traceback|at \S+\(|File ")|\w::\w|\w\(\)|c\+\+|c#`,
      String.raw`\b(?:code|coding|function|script|regex|sql|python|javascript|typescript|java|golang|rust|kotlin|swift|bash|shell|cuda`,
      String.raw`react|node(?:\.js)?|django|fastapi|flask|rails|sqlalchemy|postgres(?:ql)?|mysql|mongodb|redis|kafka|graphql|ddl`,
      'docker(?:file)?|kubernetes|terraform|ci|git|github|npm|pnpm|vim|vs ?code|api|endpoint|compiler|kernel',
      String.raw`bug|debug\w*|compile\w*|refactor\w*|stack ?trace|exception|segfault|deadlock|race condition|unit tests?`,
      String.raw`regression tests?|pull request|hash ?maps?|data structures?|algorithms?|terminal)\b`,
    ].join('|'),
    weight: 0.135,
  },
  {
    name: 'translate',
    pattern: String.raw`\b(?:translat\w*|how do you say|traduis|traduce|traduzir|übersetze\w*)\b|\b(?:in|into) (?:english|french|spanish|german|italian|portuguese|japanese|chinese|korean|russian|arabic|hindi)\b`,
    weight: 0,
  },
  {
    name: 'summarize',
    pattern: String.raw`\b(?:summari[sz]\w*|summary of|tl;?dr|recap|key takeaways)\b`,
    weight: 0,
  },
  {
    name: 'rewrite',
    pattern: String.raw`\b(?:rewrite|rephrase|paraphrase|proofread|reword|fix the grammar|correct the spelling|make (?:this|it) (?:sound|shorter|friendlier|more)|simpler words)\b`,
    weight: 0,
  },
  {
    name: 'math',
    pattern: String.raw`\\(?:frac|int|sum|sqrt)|\$[^$\n]+\$|[∑∫√∞≤≥≠∀∃]|\b(?:prove|proof|theorem|lemma|equations?|integral|derivative|probability|matrix|eigen\w*|primes?|irrational|solve for|recurrence|converge\w*|series|square root|sum of|decimal|formula|closed form|pde|next number|convert [\d.]+)\b|\d\s*[+*/^×÷]\s*\d|\d\s*%\s*of\b`,
    weight: 0.14,
  },
];

function compiles(pattern: string, flags: string): boolean {
  try {
    new RegExp(pattern, flags);
    return true;
  } catch {
    return false;
  }
}

const weight = (name: FeatureName) =>
  v.optional(
    v.pipe(v.number(), v.minValue(0), v.description(`Weight of the ${name} feature.`)),
    DEFAULT_WEIGHTS[name],
  );

const weights = v.strictObject(
  Object.fromEntries(FEATURE_NAMES.map((name) => [name, weight(name)])) as {
    [K in FeatureName]: ReturnType<typeof weight>;
  },
);

const skill = v.pipe(
  v.strictObject({
    name: v.pipe(v.string(), v.nonEmpty(), v.description('The skill published as facts.auto.skill.')),
    pattern: v.pipe(v.string(), v.nonEmpty(), v.description('A JavaScript regular expression.')),
    flags: v.optional(v.pipe(v.string(), v.regex(/^[imsu]*$/, 'flags may use i, m, s and u')), 'i'),
    weight: v.optional(
      v.pipe(v.number(), v.minValue(0), v.description('Added to the score when this skill matches.')),
      0,
    ),
  }),
  v.forward(
    v.check((s) => compiles(s.pattern, s.flags), 'not a valid regular expression'),
    ['pattern'],
  ),
);

const tiers = v.pipe(
  v.record(v.pipe(v.string(), v.nonEmpty()), v.pipe(v.number(), v.minValue(0))),
  v.check((t) => Object.keys(t).length > 0, 'name at least one tier'),
  v.check(
    (t) => new Set(Object.values(t)).size === Object.keys(t).length,
    'each tier needs its own minimum score',
  ),
  v.description(
    'Tier name → minimum score. A request gets the tier with the highest minimum at or below its score.',
  ),
);

export const optionsSchema = v.strictObject({
  override: v.optional(
    v.pipe(v.boolean(), v.description('Score every chat request, not only model: auto.')),
    false,
  ),
  explain: v.optional(
    v.pipe(v.boolean(), v.description('Honour the x-switchyard-auto-explain request header.')),
    true,
  ),
  tiers: v.optional(tiers, DEFAULT_TIERS),
  weights: v.optional(weights, {}),
  skills: v.optional(v.array(skill), DEFAULT_SKILLS),
  tokens: v.optional(
    v.pipe(
      v.strictObject({
        from: v.optional(v.pipe(v.number(), v.minValue(1)), 8),
        to: v.optional(v.pipe(v.number(), v.minValue(2)), 2048),
      }),
      v.check((t) => t.to > t.from, 'tokens.to must be above tokens.from'),
      v.description(
        'Prompt size (tokens) where the prompt_tokens feature starts to count and where it is full.',
      ),
    ),
    {},
  ),
  sample_chars: v.optional(
    v.pipe(
      v.number(),
      v.integer(),
      v.minValue(256),
      v.description('Characters tokenized; the rest is extrapolated.'),
    ),
    1024,
  ),
  scan_chars: v.optional(
    v.pipe(
      v.number(),
      v.integer(),
      v.minValue(1024),
      v.description('Characters of user text scanned for patterns.'),
    ),
    65536,
  ),
});

export type AutorouteOptions = v.InferOutput<typeof optionsSchema>;
