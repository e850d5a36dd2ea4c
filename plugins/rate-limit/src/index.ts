/**
 * Inbound rate limits: requests and tokens per minute, per key / ip / route / model / globally; 429
 * rate_limit_error with retry-after and the x-ratelimit-* headers (allowed answers carry the counts of
 * the tightest rule); shadow rules (`enforce: false`) only count. Memory by default, Redis for limits
 * shared exactly by every replica. docs/edge.md explains the engine choice (rate-limiter-flexible).
 *
 * Tokens are held before the call (prompt estimate + max output) and settled with the real usage when
 * the answer is complete; a request answered without an upstream call (cache hit) gives its tokens back.
 */
import {
  duration,
  errors,
  type GatewayError,
  type PluginDefinition,
  type PluginInstance,
  type RequestContext,
} from '@switchyard/core';
import * as v from 'valibot';
import { type Count, tighter, writeCount } from './headers.js';
import { compileRule, type Rule, type RuleConfig, ruleNames } from './rules.js';
import { estimateTokens } from './tokens.js';
import type { Hold } from './windows.js';

export { resetText } from './headers.js';
export { estimateTokens } from './tokens.js';

declare module '@switchyard/core' {
  interface RequestState {
    /** Token holds to settle once the usage is known. */
    rateLimitHolds?: Hold[];
  }
}

const positive = (what: string) =>
  v.pipe(v.number(), v.integer(), v.minValue(1, `${what} must be at least 1`));

const ruleSchema = v.pipe(
  v.strictObject({
    name: v.optional(
      v.pipe(v.string(), v.regex(/^[\w.-]{1,64}$/, 'a rule name is 1-64 letters, digits, "_", "." or "-"')),
    ),
    scope: v.pipe(
      v.picklist(['key', 'ip', 'route', 'model', 'global'], 'expected key, ip, route, model or global'),
      v.description(
        'What is counted together: per API key, client IP, route, requested model, or everything.',
      ),
    ),
    requests_per_minute: v.optional(positive('requests_per_minute')),
    tokens_per_minute: v.optional(positive('tokens_per_minute')),
    burst: v.optional(
      v.pipe(
        positive('burst'),
        v.description('Most requests admitted at once; the rest of the minute is spread out.'),
      ),
    ),
    enforce: v.optional(v.pipe(v.boolean(), v.description('false: only count (shadow mode).'))),
    models: v.optional(v.pipe(v.array(v.string()), v.description('Only requests for these model globs.'))),
    routes: v.optional(v.pipe(v.array(v.string()), v.description('Only requests on these routes.'))),
  }),
  v.check(
    (r) => r.requests_per_minute !== undefined || r.tokens_per_minute !== undefined,
    'a rule needs requests_per_minute or tokens_per_minute',
  ),
  v.check(
    (r) => r.burst === undefined || r.requests_per_minute !== undefined,
    'burst needs requests_per_minute',
  ),
  v.check(
    (r) =>
      r.burst === undefined ||
      r.requests_per_minute === undefined ||
      r.burst >= Math.ceil(r.requests_per_minute / 60),
    'burst must allow at least one second of requests_per_minute',
  ),
);

const schema = v.strictObject({
  store: v.optional(
    v.pipe(
      v.picklist(['memory', 'redis'], 'expected memory or redis'),
      v.description('redis: shared by all replicas (needs redis.url).'),
    ),
    'memory',
  ),
  enforce: v.optional(
    v.pipe(v.boolean(), v.description('Default for rules: false only counts (shadow mode).')),
    true,
  ),
  on_redis_failure: v.optional(
    v.pipe(
      v.picklist(['open', 'closed'], 'expected open or closed'),
      v.description('open: count in memory until Redis is back; closed: refuse with 503.'),
    ),
    'open',
  ),
  redis_timeout: v.optional(duration('A Redis check slower than this counts as a failure.'), '100ms'),
  prefix: v.optional(v.pipe(v.string(), v.description('Redis key prefix.')), 'switchyard:rl:'),
  default_max_tokens: v.optional(
    v.pipe(
      positive('default_max_tokens'),
      v.description('Output tokens held when a request sets no max_tokens.'),
    ),
    1024,
  ),
  rules: v.pipe(
    v.array(ruleSchema),
    v.minLength(1, 'list at least one rule'),
    v.check(
      (rules) => new Set(ruleNames(rules as RuleConfig[])).size === rules.length,
      'rule names must be unique',
    ),
  ),
});
type Options = v.InferOutput<typeof schema>;

interface RateLimitInstance extends PluginInstance {
  rules: readonly Rule[];
}

const usageTokens = (u: NonNullable<RequestContext['usage']>) =>
  u.total_tokens ?? (u.prompt_tokens ?? 0) + (u.completion_tokens ?? 0);

const rateLimit: PluginDefinition<Options> = {
  name: 'rate-limit',
  schema,
  setup(options, host) {
    const redis = options.store === 'redis' ? host.services.redis : undefined;
    if (options.store === 'redis' && !redis) {
      throw new Error('rate-limit: store: redis needs the redis.url the gateway started with');
    }
    const store = {
      redis,
      prefix: options.prefix,
      timeoutMs: options.redis_timeout,
      failClosed: options.on_redis_failure === 'closed',
    };
    const kept = new Map(
      ((host.previous as RateLimitInstance | undefined)?.rules ?? []).map((r) => [r.signature, r]),
    );
    const configs = options.rules as RuleConfig[];
    const names = ruleNames(configs);
    const rules = configs.map((c, i) =>
      compileRule(c, names[i]!, options.enforce, store, (sig) => kept.get(sig)),
    );
    if (
      configs.some((c) => c.scope === 'key') &&
      !host.config.plugins.some((p) => p.name === 'auth' && p.enabled)
    ) {
      host.log.warn(
        'rate-limit: a key-scoped rule without the auth plugin never applies (no caller identity)',
      );
    }

    async function limit(ctx: RequestContext) {
      let estimate: number | undefined;
      const holds: Hold[] = [];
      const tokenHolds: Hold[] = [];
      let requests: Count | undefined;
      let tokens: Count | undefined;
      for (const rule of rules) {
        const key = rule.keyOf(ctx);
        if (key === undefined) continue;
        const taken: Hold[] = [];
        let refused: { kind: 'requests' | 'tokens'; count: Count } | undefined;
        for (const window of rule.requestWindows) {
          const { verdict, hold } = await window.take(key, 1);
          taken.push(hold);
          if (!verdict.allowed) {
            refused = {
              kind: 'requests',
              count: { limit: rule.requests!.points, remaining: 0, resetMs: verdict.resetMs },
            };
            break;
          }
          if (window === rule.requests && rule.enforce) {
            requests = tighter(requests, {
              limit: window.points,
              remaining: verdict.remaining,
              resetMs: verdict.resetMs,
            });
          }
        }
        if (!refused && rule.tokens) {
          estimate ??= estimateTokens(ctx, options.default_max_tokens);
          // A request larger than the whole minute's allowance may still pass, alone in its minute.
          const { verdict, hold } = await rule.tokens.take(
            key,
            Math.max(1, Math.min(estimate, rule.tokens.points)),
          );
          taken.push(hold);
          const count = { limit: rule.tokens.points, remaining: verdict.remaining, resetMs: verdict.resetMs };
          if (!verdict.allowed) refused = { kind: 'tokens', count };
          else {
            tokenHolds.push(hold);
            if (rule.enforce) tokens = tighter(tokens, count);
          }
        }
        if (!refused) {
          holds.push(...taken);
          continue;
        }
        host.events.emit('ratelimit:limited', ctx, { rule: rule.name, enforced: rule.enforce });
        // Refused requests are not counted: give back what this rule took (and, when it refuses, all others).
        for (const h of taken) void h.window.settle(h, 0);
        if (!rule.enforce) continue;
        for (const h of holds) void h.window.settle(h, 0);
        if (refused.kind === 'requests') requests = refused.count;
        else tokens = refused.count;
        writeHeaders(ctx, requests, tokens);
        const per = refused.kind === 'requests' ? 'requests' : 'tokens';
        throw errors.rateLimited(
          `Rate limit '${rule.name}' reached: ${refused.count.limit} ${per} per minute. Retry after ${Math.ceil(refused.count.resetMs / 1000)}s.`,
          Math.max(1, Math.ceil(refused.count.resetMs / 1000)),
        );
      }
      if (tokenHolds.length > 0) ctx.state.rateLimitHolds = tokenHolds;
      writeHeaders(ctx, requests, tokens);
    }

    /** Settle token holds: real usage when known; nothing used when no upstream answered. */
    function settle(ctx: RequestContext, failed: boolean) {
      const holds = ctx.state.rateLimitHolds;
      if (!holds) return;
      ctx.state.rateLimitHolds = undefined;
      let actual: number | undefined;
      if (ctx.attempts === 0) actual = 0;
      else if (ctx.usage) actual = usageTokens(ctx.usage);
      else if (failed && ctx.ttftMs === undefined) actual = 0;
      if (actual === undefined) return; // usage unknown after an answer started: the hold stands
      for (const h of holds) void h.window.settle(h, actual);
    }

    const instance: RateLimitInstance = {
      rules,
      hooks: {
        limit,
        onResponse: (ctx) => settle(ctx, false),
        onError: (_error: GatewayError, ctx) => settle(ctx, true),
      },
    };
    return instance;
  },
};

function writeHeaders(ctx: RequestContext, requests: Count | undefined, tokens: Count | undefined) {
  if (requests) writeCount(ctx.responseHeaders, 'requests', requests);
  if (tokens) writeCount(ctx.responseHeaders, 'tokens', tokens);
}

export default rateLimit;
