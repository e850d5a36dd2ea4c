/**
 * The meter and instruments, created once per process and carried across config reloads so counters
 * never reset. Histogram buckets are in seconds and fit LLM latencies (10 ms … 5 min).
 */
import type { Counter, Histogram, UpDownCounter } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationType, MeterProvider } from '@opentelemetry/sdk-metrics';

export const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];

export interface Instruments {
  exporter: PrometheusExporter;
  provider: MeterProvider;
  requests: Counter;
  duration: Histogram;
  inflight: UpDownCounter;
  reloads: Counter;
}

export function createInstruments(serviceName: string): Instruments {
  const exporter = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true, withoutTargetInfo: true });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    readers: [exporter],
    views: [
      {
        instrumentName: '*_seconds',
        aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: LATENCY_BUCKETS } },
      },
    ],
  });
  const meter = provider.getMeter('switchyard');
  return {
    exporter,
    provider,
    requests: meter.createCounter('switchyard_requests', { description: 'Requests answered, errors included.' }),
    duration: meter.createHistogram('switchyard_request_duration_seconds', {
      description: 'Time from arrival to the end of the answer.',
      unit: 's',
    }),
    inflight: meter.createUpDownCounter('switchyard_inflight_requests', { description: 'Requests being served.' }),
    reloads: meter.createCounter('switchyard_config_reloads', { description: 'Config reloads by result.' }),
  };
}
