/**
 * The scorer, compiled once per config load: weights, tier table and skill regexes are fixed here;
 * a call only scans the request. The score is the sum of the feature contributions, each rounded to
 * 1e-4 first, so the contributions the explain header shows add up to the score exactly.
 */
import type { ChatRequest } from '@switchyard/protocol';
import { extractShape } from './extract.js';
import { FEATURE_NAMES, FEATURES, type FeatureName } from './features.js';
import type { AutorouteOptions } from './options.js';
import { estimateTokens, type TokenCounter } from './tokens.js';

export type Need = 'tools' | 'vision' | 'json';

export interface AutoFacts {
  tier: string;
  score: number;
  skill: string;
  needs: Need[];
  /** The prompt-size estimate (all messages), for routes that send long prompts to long-context models. */
  tokens: number;
  [key: string]: unknown;
}

export interface AutoResult extends AutoFacts {
  /** Non-zero contributions (weight × value, rounded to 1e-4) by feature, and `skill`; they add up to `score`. */
  contributions: Partial<Record<FeatureName | 'skill', number>>;
}

const UNITS = 10_000;

export type Scorer = (body: ChatRequest) => AutoResult;

export function compileScorer(options: AutorouteOptions, countTokens: TokenCounter): Scorer {
  // Features with weight 0 are never computed.
  const weighted = FEATURE_NAMES.filter((name) => options.weights[name] > 0).map((name) => ({
    name,
    compute: FEATURES[name],
    weight: options.weights[name],
  }));
  // Highest minimum first: the first tier at or below the score wins.
  const tiers = Object.entries(options.tiers).sort((a, b) => b[1] - a[1]);
  const lowest = tiers[tiers.length - 1]![0];
  const skills = options.skills.map((s) => ({
    name: s.name,
    re: new RegExp(s.pattern, s.flags),
    units: Math.round(s.weight * UNITS),
  }));
  const limits = { scanChars: options.scan_chars, sampleChars: options.sample_chars };
  const scale = options.tokens;

  return (body) => {
    const shape = extractShape(body, limits);
    const tokens = estimateTokens(shape, countTokens);
    const input = { shape, tokens, scale };
    const contributions: AutoResult['contributions'] = {};
    let units = 0;
    for (const feature of weighted) {
      const u = Math.round(feature.weight * feature.compute(input) * UNITS);
      if (u === 0) continue;
      contributions[feature.name] = u / UNITS;
      units += u;
    }
    const skill = skills.find((s) => s.re.test(shape.lastUser));
    if (skill?.units) {
      contributions.skill = skill.units / UNITS;
      units += skill.units;
    }
    const score = units / UNITS;
    const tier = tiers.find(([, min]) => score >= min)?.[0] ?? lowest;
    const needs: Need[] = [];
    if ((shape.tools > 0 && !shape.toolNone) || shape.toolTurns > 0) needs.push('tools');
    if (shape.images > 0) needs.push('vision');
    if (shape.responseFormat !== 'text') needs.push('json');
    return {
      tier,
      score,
      skill: skill?.name ?? 'default',
      needs,
      tokens: tokens.ask + tokens.context,
      contributions,
    };
  };
}
