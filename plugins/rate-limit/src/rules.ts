/**
 * Rules compiled once per config load: which requests a rule counts, the key it counts them under
 * (scope), and its windows. `burst` caps how many of a minute's requests may arrive at once: the rule then
 * also holds `burst` requests per burst/rpm of a minute (at least one second), so the minute's allowance
 * is spread out instead of spent in the first second.
 */
import { compileGlobs, type Matcher, type RequestContext } from '@switchyard/core';
import { type StoreSetup, Window } from './windows.js';

export type Scope = 'key' | 'ip' | 'route' | 'model' | 'global';

export interface RuleConfig {
  name?: string;
  scope: Scope;
  requests_per_minute?: number;
  tokens_per_minute?: number;
  burst?: number;
  enforce?: boolean;
  models?: string[];
  routes?: string[];
}

export interface Rule {
  readonly name: string;
  readonly enforce: boolean;
  /** The key this request counts under, or undefined when the rule does not apply to it. */
  keyOf(ctx: RequestContext): string | undefined;
  readonly requests?: Window;
  readonly burst?: Window;
  /** The request windows in the order they are checked: burst first, then the minute. */
  readonly requestWindows: readonly Window[];
  readonly tokens?: Window;
  /** The config this rule was built from (a reload reuses the windows of an unchanged rule). */
  readonly signature: string;
}

const SCOPE_KEY: Record<Scope, (ctx: RequestContext) => string | undefined> = {
  key: (ctx) => ctx.principal?.name,
  ip: (ctx) => ctx.clientIp || undefined,
  route: (ctx) => ctx.route?.name,
  model: (ctx) => ctx.model || undefined,
  global: () => 'all',
};

/** Default names: the scope, or scope-index when several rules share a scope. */
export function ruleNames(rules: readonly RuleConfig[]): string[] {
  return rules.map((r, i) => {
    if (r.name) return r.name;
    const shared = rules.filter((o) => !o.name && o.scope === r.scope).length > 1;
    return shared ? `${r.scope}-${i}` : r.scope;
  });
}

export function compileRule(
  config: RuleConfig,
  name: string,
  enforceDefault: boolean,
  store: StoreSetup,
  reuse: (signature: string) => Rule | undefined,
): Rule {
  const signature = JSON.stringify({
    name,
    ...config,
    enforceDefault,
    store: store.redis ? 'redis' : 'memory',
    prefix: store.prefix,
  });
  const kept = reuse(signature);
  if (kept) return kept;
  const rpm = config.requests_per_minute;
  const burstWindow =
    rpm !== undefined && config.burst !== undefined && config.burst < rpm
      ? new Window(config.burst, Math.max(1, Math.round((60 * config.burst) / rpm)), `${name}:burst`, store)
      : undefined;
  const models: Matcher | undefined = config.models ? compileGlobs(config.models) : undefined;
  const routes = config.routes ? new Set(config.routes) : undefined;
  const scopeKey = SCOPE_KEY[config.scope];
  const requests = rpm === undefined ? undefined : new Window(rpm, 60, `${name}:requests`, store);
  return {
    name,
    signature,
    enforce: config.enforce ?? enforceDefault,
    requests,
    burst: burstWindow,
    requestWindows: [burstWindow, requests].filter((w): w is Window => w !== undefined),
    tokens:
      config.tokens_per_minute === undefined
        ? undefined
        : new Window(config.tokens_per_minute, 60, `${name}:tokens`, store),
    keyOf(ctx) {
      if (models && !models(ctx.model)) return undefined;
      if (routes && !(ctx.route && routes.has(ctx.route.name))) return undefined;
      return scopeKey(ctx);
    },
  };
}
