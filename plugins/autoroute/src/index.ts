/**
 * `auto` model routing. For `model: "auto"` (or every chat request with `override: true`) the request
 * is scored before route matching; the result is published as `ctx.facts.auto` for `match.auto` blocks
 * and returned to the client in x-switchyard-auto-* headers. See docs/autoroute.md.
 */
import type { PluginDefinition, RequestContext } from '@switchyard/core';
import { type AutorouteOptions, optionsSchema } from './options.js';
import { type AutoResult, compileScorer } from './scorer.js';
import { loadTokenCounter } from './tokens.js';

export { FEATURE_NAMES, type FeatureName } from './features.js';
export {
  type AutorouteOptions,
  DEFAULT_SKILLS,
  DEFAULT_TIERS,
  DEFAULT_WEIGHTS,
  optionsSchema,
} from './options.js';
export { type AutoFacts, type AutoResult, compileScorer, type Need, type Scorer } from './scorer.js';
export { loadTokenCounter } from './tokens.js';

export const AUTO_MODEL = 'auto';

/** The contributions as compact JSON, e.g. {"prompt_tokens":0.1204,"skill":0.135}. */
export function explainJson(result: AutoResult): string {
  return JSON.stringify(result.contributions);
}

function wantsExplain(ctx: RequestContext): boolean {
  const value = ctx.headers.get('x-switchyard-auto-explain')?.trim().toLowerCase();
  return value === 'true' || value === '1';
}

const autoroute: PluginDefinition<AutorouteOptions> = {
  name: 'autoroute',
  schema: optionsSchema,
  async setup(options) {
    const score = compileScorer(options, await loadTokenCounter());
    return {
      hooks: {
        onRequest(ctx) {
          if (ctx.operation !== 'chat' || (ctx.model !== AUTO_MODEL && !options.override)) return;
          const result = score(ctx.body);
          const { contributions: _, ...facts } = result;
          ctx.facts.auto = facts;
          ctx.responseHeaders['x-switchyard-auto-tier'] = result.tier;
          ctx.responseHeaders['x-switchyard-auto-score'] = String(result.score);
          ctx.responseHeaders['x-switchyard-auto-skill'] = result.skill;
          if (options.explain && wantsExplain(ctx))
            ctx.responseHeaders['x-switchyard-auto-explain'] = explainJson(result);
        },
      },
    };
  },
};

export default autoroute;
