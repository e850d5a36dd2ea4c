/**
 * Metrics: the spec's series (SPEC §5) plus token, cost and cache accounting, via OpenTelemetry, served
 * in Prometheus text format on the gateway's own port and optionally pushed over OTLP/HTTP. Also sets
 * `x-switchyard-cost-usd` on JSON answers (a stream's cost is only known after its last byte).
 */
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { type Account, accountFor, formatUsd, type PriceTable, priceTableFor } from '@switchyard/accounting';
import {
  type AttemptOutcome,
  duration,
  type GatewayError,
  type PluginDefinition,
  type PluginInstance,
  type Reply,
  type RequestContext,
} from '@switchyard/core';
import * as v from 'valibot';
import { createInstruments, type Instruments, type ProviderOptions, settingsKey } from './instruments.js';
import { attemptOutcome, type ModelLabel, modelLabeler, requestLabels } from './labels.js';

export { type Instruments, LATENCY_BUCKETS } from './instruments.js';

declare module '@switchyard/core' {
  interface RequestState {
    /** Counted as in flight by the metrics plugin. */
    metricsInflight?: boolean;
    /** Attempts seen, recorded with the request once it is answered (off the client's critical path). */
    metricsAttempts?: AttemptOutcome[];
  }
  interface Services {
    /** The metrics plugin's instruments, for plugins that record what only they know (rate-limit rules, circuit states). */
    metrics?: Instruments;
  }
}

export const COST_HEADER = 'x-switchyard-cost-usd';

const schema = v.object({
  path: v.optional(
    v.pipe(v.string(), v.startsWith('/'), v.description('Where /metrics is served.')),
    '/metrics',
  ),
  service_name: v.optional(
    v.pipe(v.string(), v.description('The service.name resource attribute.')),
    'switchyard',
  ),
  cost_header: v.optional(
    v.pipe(v.boolean(), v.description('Send x-switchyard-cost-usd (USD) on JSON answers of priced models.')),
    true,
  ),
  otlp: v.optional(
    v.pipe(
      v.strictObject({
        endpoint: v.pipe(
          v.string(),
          v.url(),
          v.description('OTLP/HTTP metrics URL, e.g. http://collector:4318/v1/metrics.'),
        ),
        headers: v.optional(v.record(v.string(), v.string()), {}),
        interval: v.optional(v.pipe(duration(), v.minValue(100)), '60s'),
      }),
      v.description('Also push the metrics to an OpenTelemetry collector (OTLP over HTTP, JSON).'),
    ),
  ),
});
type Options = v.InferOutput<typeof schema>;

/** What the circuit-breaker plugin publishes as `services.circuits` (read structurally: no dependency on it). */
interface CircuitStates {
  states(): Array<{ provider: string; model: string; state: number }>;
}

interface MetricsInstance extends PluginInstance {
  instruments: Instruments;
  detach(): void;
}

const serializer = new PrometheusSerializer('', false, undefined, true, true);

/** Records one finished request: counters, latencies, tokens, cost and cache result. */
function recorder(instruments: Instruments, table: PriceTable, model: ModelLabel) {
  const tokens = (account: Account, ctx: RequestContext, provider: string, modelLabel: string) => {
    const t = account.tokens!;
    if (account.cache === 'hit') {
      const route = ctx.route?.name ?? '';
      instruments.cacheTokens.add(t.input, { route, direction: 'input' });
      instruments.cacheTokens.add(t.output, { route, direction: 'output' });
      return;
    }
    const labels = (direction: string) => ({ direction, provider, model: modelLabel });
    instruments.tokens.add(t.input, labels('input'));
    instruments.tokens.add(t.output, labels('output'));
    if (t.cached_input > 0) instruments.tokens.add(t.cached_input, labels('cached_input'));
    if (t.cache_write > 0) instruments.tokens.add(t.cache_write, labels('cache_write'));
    if (account.costUsd !== undefined) instruments.cost.add(account.costUsd, { provider, model: modelLabel });
    if (account.unpriced) instruments.unpriced.add(1, { provider, model: modelLabel });
  };

  return (ctx: RequestContext, status: number, reply?: Reply) => {
    if (ctx.state.metricsInflight) instruments.inflight.value--;
    ctx.state.metricsInflight = false;
    for (const outcome of ctx.state.metricsAttempts ?? []) {
      instruments.attempts.add(1, { provider: outcome.target.provider, outcome: attemptOutcome(outcome) });
    }
    const l = requestLabels(ctx, model, status);
    instruments.requests.add(1, l);
    instruments.duration.record((ctx.durationMs ?? performance.now() - ctx.startedAt) / 1000, l);
    if (ctx.stream && ctx.ttftMs !== undefined) {
      instruments.ttft.record(ctx.ttftMs / 1000, { route: l.route, provider: l.provider, model: l.model });
    }
    if (ctx.fallbacks > 0) instruments.fallbacks.add(ctx.fallbacks, { route: l.route });
    const account = accountFor(ctx, table, reply);
    if (account.cache) instruments.cacheRequests.add(1, { result: account.cache });
    if (account.tokens) tokens(account, ctx, l.provider, l.model);
    else if (ctx.target && account.cache !== 'hit' && (reply || ctx.ttftMs !== undefined)) {
      // An answer was (being) sent but its usage never came: cost unknown, never silently zero.
      instruments.usageMissing.add(1, { provider: l.provider, model: l.model });
    }
  };
}

const metrics: PluginDefinition<Options> = {
  name: 'metrics',
  schema,
  setup(options, host) {
    const previous = host.previous as MetricsInstance | undefined;
    const settings: ProviderOptions = { serviceName: options.service_name, otlp: options.otlp };
    let instruments = previous?.instruments;
    if (!instruments || instruments.settings !== settingsKey(settings)) {
      // Settings that shape the MeterProvider changed: start new series (Prometheus sees a counter reset).
      void previous?.instruments.provider.shutdown().catch(() => undefined);
      instruments = createInstruments(settings);
      const services = host.services;
      instruments.circuitState.addCallback((result) => {
        const circuits = services.circuits as CircuitStates | undefined;
        for (const c of circuits?.states() ?? [])
          result.observe(c.state, { provider: c.provider, model: c.model });
      });
      instruments.redisUp.addCallback((result) => {
        const redis = services.redis as { ready: boolean } | undefined;
        if (redis) result.observe(redis.ready ? 1 : 0);
      });
    }
    previous?.detach();
    const current = instruments;
    host.services.metrics = current;
    const onReload = ({ ok }: { ok: boolean }) => current.reloads.add(1, { result: ok ? 'ok' : 'error' });
    const onLimited = (_ctx: RequestContext, info: { rule: string; enforced: boolean }) =>
      current.rateLimited.add(1, { rule: info.rule, mode: info.enforced ? 'enforced' : 'shadow' });
    host.events.on('config:reload', onReload);
    host.events.on('ratelimit:limited', onLimited);

    const table = priceTableFor(host.config);
    const done = recorder(current, table, modelLabeler(host.config));

    const instance: MetricsInstance = {
      instruments: current,
      detach: () => {
        host.events.off('config:reload', onReload);
        host.events.off('ratelimit:limited', onLimited);
      },
      hooks: {
        onRequest(ctx) {
          ctx.state.metricsInflight = true;
          current.inflight.value++;
        },
        onAttempt(outcome, ctx) {
          if (ctx.state.metricsAttempts) ctx.state.metricsAttempts.push(outcome);
          else ctx.state.metricsAttempts = [outcome];
        },
        onResponse: (ctx, reply) => done(ctx, reply.status, reply),
        onError: (error: GatewayError, ctx) => done(ctx, error.status),
      },
      endpoints: {
        [`GET ${options.path}`]: async () => {
          const { resourceMetrics } = await current.exporter.collect();
          return new Response(serializer.serialize(resourceMetrics), {
            headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
          });
        },
      },
      async close() {
        instance.detach();
        if (host.services.metrics === current) host.services.metrics = undefined;
        await current.provider.shutdown();
      },
    };
    if (options.cost_header) {
      instance.hooks!.onHeaders = (ctx, reply) => {
        if (reply.kind !== 'json') return;
        const cost = accountFor(ctx, table, reply).costUsd;
        if (cost !== undefined) ctx.responseHeaders[COST_HEADER] = formatUsd(cost);
      };
    }
    return instance;
  },
};

export default metrics;
