/**
 * Metrics: the spec's series (SPEC §5) via OpenTelemetry, served in Prometheus text format on the
 * gateway's own port. Label values are bounded: route names, provider ids and configured models come
 * from config; the model label is the target's model, never a client string.
 */
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import type { GatewayError, PluginDefinition, PluginInstance, RequestContext } from '@switchyard/core';
import * as v from 'valibot';
import { type Instruments, createInstruments } from './instruments.js';

declare module '@switchyard/core' {
  interface RequestState {
    /** Counted as in flight by the metrics plugin. */
    metricsInflight?: boolean;
  }
}

const schema = v.object({
  path: v.optional(v.pipe(v.string(), v.startsWith('/'), v.description('Where /metrics is served.')), '/metrics'),
  service_name: v.optional(v.pipe(v.string(), v.description('The service.name resource attribute.')), 'switchyard'),
});
type Options = v.InferOutput<typeof schema>;

interface MetricsInstance extends PluginInstance {
  instruments: Instruments;
  detach(): void;
}

function labels(ctx: RequestContext, status: number) {
  return {
    route: ctx.route?.name ?? '',
    provider: ctx.target?.provider ?? '',
    model: ctx.target ? (ctx.target.model ?? 'passthrough') : '',
    status: String(status),
  };
}

const serializer = new PrometheusSerializer('', false);

const metrics: PluginDefinition<Options> = {
  name: 'metrics',
  schema,
  setup(options, host) {
    const previous = host.previous as MetricsInstance | undefined;
    const instruments = previous?.instruments ?? createInstruments(options.service_name);
    previous?.detach();
    const onReload = ({ ok }: { ok: boolean }) => instruments.reloads.add(1, { result: ok ? 'ok' : 'error' });
    host.events.on('config:reload', onReload);

    const done = (ctx: RequestContext, status: number) => {
      if (ctx.state.metricsInflight) instruments.inflight.add(-1);
      ctx.state.metricsInflight = false;
      const l = labels(ctx, status);
      instruments.requests.add(1, l);
      instruments.duration.record((performance.now() - ctx.startedAt) / 1000, l);
    };

    const instance: MetricsInstance = {
      instruments,
      detach: () => host.events.off('config:reload', onReload),
      hooks: {
        onRequest(ctx) {
          ctx.state.metricsInflight = true;
          instruments.inflight.add(1);
        },
        onResponse: (ctx, reply) => done(ctx, reply.status),
        onError: (error: GatewayError, ctx) => done(ctx, error.status),
      },
      endpoints: {
        [`GET ${options.path}`]: async () => {
          const { resourceMetrics } = await instruments.exporter.collect();
          return new Response(serializer.serialize(resourceMetrics), {
            headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
          });
        },
      },
      async close() {
        instance.detach();
        await instruments.provider.shutdown();
      },
    };
    return instance;
  },
};

export default metrics;
