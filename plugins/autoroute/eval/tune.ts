/**
 * `pnpm --filter @switchyard/plugin-autoroute tune`: fits the default weights, skill weights, tier thresholds
 * and token scale on the **train** split of eval/set.jsonl only, and prints them for src/options.ts. The
 * test split is never read here, so `eval` reports held-out accuracy honestly.
 *
 * Method: an ordinal logistic regression (P(tier > k) = σ(w·x − θk)) with non-negative weights and an L2
 * penalty, fitted by projected Adam. The penalty and the token scale are chosen by 5-fold cross-validation
 * inside train. The fitted weights are rescaled so the top threshold sits at 0.6 (decisions only depend on
 * ratios), and the thresholds are then set for accuracy on train under the plugin's rule (score ≥ minimum).
 */
import * as v from 'valibot';
import { extractShape } from '../src/extract.js';
import { FEATURE_NAMES, featureValues } from '../src/features.js';
import {
  DEFAULT_SKILLS,
  DEFAULT_TIERS,
  DEFAULT_WEIGHTS,
  loadTokenCounter,
  optionsSchema,
} from '../src/index.js';
import { estimateTokens } from '../src/tokens.js';
import { loadSet } from './dataset.js';

const defaults = v.parse(optionsSchema, {});
const count = await loadTokenCounter();
const train = loadSet().filter((item) => item.split === 'train');
const tierNames = Object.entries(DEFAULT_TIERS)
  .sort((a, b) => a[1] - b[1])
  .map(([name]) => name);
const K = tierNames.length;
if (K !== 3) throw new Error('the threshold search assumes the three default tiers');
const labels = train.map((item) => tierNames.indexOf(item.tier));
const limits = { scanChars: defaults.scan_chars, sampleChars: defaults.sample_chars };
const shapes = train.map((item) => extractShape(item.request, limits));
const tokens = shapes.map((shape) => estimateTokens(shape, count));
// Which skill matched does not depend on any weight: a one-hot input per skill.
const skillRes = defaults.skills.map((s) => new RegExp(s.pattern, s.flags));
const skillHot = shapes.map((shape) => {
  const matched = skillRes.findIndex((re) => re.test(shape.lastUser));
  return skillRes.map((_, i) => (i === matched ? 1 : 0));
});
const D = FEATURE_NAMES.length + skillRes.length;

const SCALES = [
  { from: 8, to: 2048 },
  { from: 12, to: 4096 },
  { from: 16, to: 4096 },
  { from: 16, to: 8192 },
];
const PENALTIES = [0, 0.0003, 0.001, 0.003, 0.01, 0.03];
const FOLDS = 5;
const TOP_THRESHOLD = 0.6;

type Rows = number[][];

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const dot = (w: number[], x: number[]) => w.reduce((s, wi, i) => s + wi * x[i]!, 0);

/** Projected Adam on the mean negative log-likelihood + λ‖w‖². */
function fitLogistic(xs: Rows, ys: number[], lambda: number): { w: number[]; theta: number[] } {
  const w = new Array<number>(D).fill(0.1);
  const theta = Array.from({ length: K - 1 }, (_, k) => k + 1);
  const params = D + K - 1;
  const m = new Array<number>(params).fill(0);
  const s2 = new Array<number>(params).fill(0);
  const lr = 0.05;
  for (let step = 1; step <= 3000; step++) {
    const g = new Array<number>(params).fill(0);
    for (let i = 0; i < xs.length; i++) {
      const s = dot(w, xs[i]!);
      const y = ys[i]!;
      const a = (k: number) => (k === 0 ? 1 : k === K ? 0 : sigmoid(s - theta[k - 1]!));
      const da = (k: number) => (k === 0 || k === K ? 0 : a(k) * (1 - a(k)));
      const p = Math.max(1e-12, a(y) - a(y + 1));
      const ds = -(da(y) - da(y + 1)) / p;
      for (let d = 0; d < D; d++) g[d]! += (ds * xs[i]![d]!) / xs.length;
      if (y >= 1) g[D + y - 1]! += da(y) / p / xs.length;
      if (y + 1 <= K - 1) g[D + y]! -= da(y + 1) / p / xs.length;
    }
    for (let d = 0; d < D; d++) g[d]! += 2 * lambda * w[d]!;
    for (let j = 0; j < params; j++) {
      m[j] = 0.9 * m[j]! + 0.1 * g[j]!;
      s2[j] = 0.999 * s2[j]! + 0.001 * g[j]! * g[j]!;
      const update = (lr * (m[j]! / (1 - 0.9 ** step))) / (Math.sqrt(s2[j]! / (1 - 0.999 ** step)) + 1e-8);
      if (j < D) w[j] = Math.max(0, w[j]! - update);
      else theta[j - D] = theta[j - D]! - update;
    }
    for (let k = 1; k < theta.length; k++) theta[k] = Math.max(theta[k]!, theta[k - 1]! + 1e-3);
  }
  return { w, theta };
}

/** The plugin's rule: integer units of 1e-4, then the highest threshold at or below the score. */
function scoreOf(w: number[], x: number[]): number {
  let units = 0;
  for (let d = 0; d < D; d++) units += Math.round(w[d]! * x[d]! * 1e4);
  return units / 1e4;
}
const tierOf = (score: number, thresholds: number[]) => thresholds.filter((t) => score >= t).length;

/** Thresholds (rounded to 0.01) that maximize accuracy on the given rows. */
function bestThresholds(scores: number[], ys: number[]): number[] {
  const grid = Array.from({ length: 150 }, (_, i) => (i + 1) / 100);
  let best = { correct: -1, t: [0.2, 0.6] };
  for (const t1 of grid) {
    for (const t2 of grid) {
      if (t2 <= t1) continue;
      const correct = scores.filter((s, i) => tierOf(s, [t1, t2]) === ys[i]).length;
      if (correct > best.correct) best = { correct, t: [t1, t2] };
    }
  }
  return best.t;
}

/** Fit, rescale so the top threshold is TOP_THRESHOLD, round, restore untrained priors, set thresholds. */
function train_(xs: Rows, ys: number[], lambda: number) {
  const { w, theta } = fitLogistic(xs, ys, lambda);
  const c = TOP_THRESHOLD / theta[K - 2]!;
  const weights = w.map((wi, d) => {
    const unexercised = xs.every((x) => x[d] === 0);
    const prior = d < FEATURE_NAMES.length ? DEFAULT_WEIGHTS[FEATURE_NAMES[d]!] : 0;
    return unexercised ? prior : Math.round(wi * c * 200) / 200;
  });
  const thresholds = bestThresholds(
    xs.map((x) => scoreOf(weights, x)),
    ys,
  );
  return { weights, thresholds };
}

function rowsFor(scale: { from: number; to: number }): Rows {
  return shapes.map((shape, i) => {
    const byName = featureValues({ shape, tokens: tokens[i]!, scale });
    return [...FEATURE_NAMES.map((name) => byName[name]), ...skillHot[i]!];
  });
}

// Deterministic folds: item i goes to fold i mod 5 (the file order mixes categories).
let chosen = { scale: SCALES[0]!, lambda: PENALTIES[0]!, cv: -1 };
for (const scale of SCALES) {
  const xs = rowsFor(scale);
  for (const lambda of PENALTIES) {
    let correct = 0;
    for (let fold = 0; fold < FOLDS; fold++) {
      const inFit = xs.map((_, i) => i % FOLDS !== fold);
      const model = train_(
        xs.filter((_, i) => inFit[i]),
        labels.filter((_, i) => inFit[i]),
        lambda,
      );
      correct += xs.filter(
        (x, i) => !inFit[i] && tierOf(scoreOf(model.weights, x), model.thresholds) === labels[i],
      ).length;
    }
    const cv = correct / xs.length;
    console.log(
      `tokens ${scale.from}..${scale.to} λ=${lambda}: cross-validated accuracy ${(100 * cv).toFixed(1)}%`,
    );
    if (cv > chosen.cv) chosen = { scale, lambda, cv };
  }
}

const xs = rowsFor(chosen.scale);
const final = train_(xs, labels, chosen.lambda);
const trainCorrect = xs.filter(
  (x, i) => tierOf(scoreOf(final.weights, x), final.thresholds) === labels[i],
).length;
console.log(
  `\nchosen: tokens ${JSON.stringify(chosen.scale)}, λ=${chosen.lambda} (cv ${(100 * chosen.cv).toFixed(1)}%)`,
);
console.log(`train accuracy with the fitted values: ${trainCorrect}/${train.length}`);
console.log(
  'weights:',
  JSON.stringify(Object.fromEntries(FEATURE_NAMES.map((name, d) => [name, final.weights[d]]))),
);
console.log(
  'skill weights:',
  JSON.stringify(
    Object.fromEntries(DEFAULT_SKILLS.map((s, i) => [s.name, final.weights[FEATURE_NAMES.length + i]])),
  ),
);
console.log(
  'tiers:',
  JSON.stringify(
    Object.fromEntries(tierNames.map((name, k) => [name, k === 0 ? 0 : final.thresholds[k - 1]])),
  ),
);
