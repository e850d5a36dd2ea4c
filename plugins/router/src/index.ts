/**
 * The router: the first route whose match fits wins (or the one named by x-switchyard-route);
 * otherwise `provider/model` addresses a configured provider directly. Targets are resolved to
 * providers and every matcher is compiled once per config load.
 */
import {
  errors,
  type GatewayConfig,
  type PluginDefinition,
  type PluginInstance,
  type ProviderInstance,
  type RequestContext,
  type RouteConfig,
  type RouteMatch,
  type Target,
} from '@switchyard/core';
import * as v from 'valibot';
import { type Feedback, feedbackHooks } from './feedback.js';
import { compileMatch, type RoutePredicate } from './match.js';
import { TargetStats } from './stats.js';
import { type Strategy, type StrategyContext, strategies } from './strategies.js';

export { EXPLORATION } from './least-latency.js';
export { compileMatch } from './match.js';
export { TargetStats } from './stats.js';
export { type Strategy, type StrategyContext, type StrategyFactory, strategies } from './strategies.js';

interface CompiledRoute {
  match: RouteMatch;
  test: RoutePredicate;
  pick: Strategy;
}

function target(
  spec: { provider: string; model?: string; weight?: number },
  providers: ReadonlyMap<string, ProviderInstance>,
): Target {
  const provider_ref = providers.get(spec.provider);
  if (!provider_ref) throw new Error(`unknown provider '${spec.provider}'`); // config validation reports it first
  return {
    key: `${spec.provider}/${spec.model ?? '*'}`,
    provider: spec.provider,
    model: spec.model,
    weight: spec.weight ?? 1,
    provider_ref,
  };
}

function compileRoute(
  route: RouteConfig,
  providers: ReadonlyMap<string, ProviderInstance>,
  context: StrategyContext,
): CompiledRoute {
  const factory = strategies[route.strategy];
  if (!factory) throw new Error(`route '${route.name}': unknown strategy '${route.strategy}'`);
  return {
    test: compileMatch(route.match),
    pick: factory(context),
    match: {
      name: route.name,
      strategy: route.strategy,
      targets: route.targets.map((t) => target(t, providers)),
      fallback: (route.fallback ?? []).map((t) => target(t, providers)),
      timeoutMs: route.timeout,
    },
  };
}

/** `provider/model` when no route matches: split at the first `/`, only for a configured provider id. */
function direct(
  ctx: RequestContext,
  providers: ReadonlyMap<string, ProviderInstance>,
): RouteMatch | undefined {
  const slash = ctx.model.indexOf('/');
  if (slash <= 0) return undefined;
  const id = ctx.model.slice(0, slash);
  const provider_ref = providers.get(id);
  if (!provider_ref) return undefined;
  const model = ctx.model.slice(slash + 1);
  if (!model) return undefined;
  return {
    name: 'direct',
    strategy: 'priority',
    targets: [{ key: `${id}/${model}`, provider: id, model, weight: 1, provider_ref }],
    fallback: [],
  };
}

/** What the routes' strategies need measured. */
export function feedbackNeeds(config: GatewayConfig): Set<Feedback> {
  const needs = new Set<Feedback>();
  for (const route of config.routes) {
    const feedback = strategies[route.strategy]?.feedback;
    if (feedback) needs.add(feedback);
  }
  return needs;
}

export function createRouter(
  config: GatewayConfig,
  providers: ReadonlyMap<string, ProviderInstance>,
  context: StrategyContext = { stats: new TargetStats(), random: Math.random },
) {
  const routes = config.routes.map((r) => compileRoute(r, providers, context));
  const byName = new Map(routes.map((r) => [r.match.name, r]));
  const byMatch = new Map(routes.map((r) => [r.match, r]));
  return {
    matchRoute(ctx: RequestContext): RouteMatch | undefined {
      const forced = ctx.headers.get('x-switchyard-route');
      if (forced) {
        const route = byName.get(forced);
        if (!route) throw errors.notFound(`Unknown route '${forced}' (x-switchyard-route).`);
        return route.match;
      }
      for (const route of routes) if (route.test(ctx)) return route.match;
      return direct(ctx, providers);
    },
    selectTarget(candidates: readonly Target[], ctx: RequestContext): Target | undefined {
      const route = byMatch.get(ctx.route!);
      return route ? route.pick(candidates) : candidates[0];
    },
  };
}

interface RouterInstance extends PluginInstance {
  stats: TargetStats;
}

const router: PluginDefinition<Record<string, never>> = {
  name: 'router',
  schema: v.object({}),
  setup(_options, host): RouterInstance {
    const stats = (host.previous as RouterInstance | undefined)?.stats ?? new TargetStats();
    const { matchRoute, selectTarget } = createRouter(host.config, host.providers, {
      stats,
      random: Math.random,
    });
    const { hooks, occupy } = feedbackHooks(stats, feedbackNeeds(host.config));
    const select = occupy
      ? (candidates: readonly Target[], ctx: RequestContext) => {
          const chosen = selectTarget(candidates, ctx);
          if (chosen) occupy(ctx, chosen.key);
          return chosen;
        }
      : selectTarget;
    return { stats, hooks: { matchRoute, selectTarget: select, ...hooks } };
  },
};

export default router;
