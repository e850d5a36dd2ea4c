/**
 * The meter and every instrument of the metric set (SPEC §5 plus accounting and data-sharing series),
 * created once per process and carried across config reloads so counters never reset. Names are given
 * without `_total`: the Prometheus serializer adds it to counters. Histogram buckets are in seconds and
 * fit LLM latencies (10 ms … 5 min).
 *
 * To add a series: one field in `Instruments`, one line in `createInstruments`, and record it where the
 * fact is known: this plugin's hooks, an event or service another plugin publishes (rate limits, circuit
 * states), or another plugin writing through `host.services.metrics`.
 */
import type { Attributes, Histogram, Meter, ObservableGauge } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationType,
  type IMetricReader,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';

export const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];

export interface OtlpOptions {
  /** Full URL of the collector's metrics endpoint, e.g. http://collector:4318/v1/metrics. */
  endpoint: string;
  headers: Record<string, string>;
  /** Milliseconds between pushes. */
  interval: number;
}

export interface ProviderOptions {
  serviceName: string;
  otlp?: OtlpOptions;
}

export interface Instruments {
  readonly settings: string;
  readonly exporter: PrometheusExporter;
  readonly provider: MeterProvider;
  /** For plugins that need a series of their own. */
  readonly meter: Meter;
  /** {route, provider, model, status} — every request, failures included. */
  readonly requests: SummedCounter;
  /** {route, provider, model, status} */
  readonly duration: Histogram;
  /** {route, provider, model} — streams only: arrival to the first byte sent. */
  readonly ttft: Histogram;
  /** {direction: input | output | cached_input | cache_write, provider, model} — as the upstream reported them. */
  readonly tokens: SummedCounter;
  /** {provider, model} — priced answers only. */
  readonly cost: SummedCounter;
  /** {provider, model} — answers whose model has no price. */
  readonly unpriced: SummedCounter;
  /** {provider, model} — upstream answers whose usage never arrived (stream cut, client gone, none sent). */
  readonly usageMissing: SummedCounter;
  /** {route, direction: input | output} — tokens answered from the gateway cache, at no upstream cost. */
  readonly cacheTokens: SummedCounter;
  /** {provider, outcome} */
  readonly attempts: SummedCounter;
  /** {route} */
  readonly fallbacks: SummedCounter;
  /** {result: hit | miss | bypass} */
  readonly cacheRequests: SummedCounter;
  /** {rule, mode: enforced | shadow} — from the rate-limit plugin's `ratelimit:limited` event. */
  readonly rateLimited: SummedCounter;
  /** {provider, model}: 0 closed, 1 half-open, 2 open — read from the circuit-breaker's `circuits` service. */
  readonly circuitState: ObservableGauge;
  /** 1 while the shared Redis connection is ready, 0 while it is away — read from the `redis` service. */
  readonly redisUp: ObservableGauge;
  /**
   * Requests being served: a plain number the request path moves, observed only when metrics are
   * collected (an up-down counter would hash its attributes twice per request).
   */
  readonly inflight: { value: number };
  /** {result: ok | error} */
  readonly reloads: SummedCounter;
  /** {result: sent | dropped | rejected} — records the data-sharing plugin exported or lost. */
  readonly sharedRecords: SummedCounter;
}

/**
 * A counter summed in this process and reported to OpenTelemetry (as an observable counter) when
 * metrics are collected. A synchronous OpenTelemetry counter hashes its attribute set on every add —
 * sorts the keys and JSON.stringifies them, 1–2 µs — and a request adds to five of them. Here an add
 * finds its series by the values of the declared labels (length-prefixed, so no two label sets share a
 * key) in a Map; the label object is built once per series. Exported series, names and values are the
 * same as a synchronous counter's; a missing label is exported empty, which Prometheus reads as absent.
 */
export class SummedCounter {
  private readonly series = new Map<string, { labels: Attributes; value: number }>();

  constructor(
    meter: Meter,
    name: string,
    description: string,
    /** Every label this counter takes, in the order the series key is built. */
    private readonly keys: readonly string[],
  ) {
    meter.createObservableCounter(name, { description }).addCallback((result) => {
      for (const s of this.series.values()) result.observe(s.value, s.labels);
    });
  }

  add(value: number, labels: Readonly<Record<string, string>> = {}): void {
    // As a synchronous counter does: a counter never goes down (a lower sum would read as a reset).
    if (!(value >= 0)) return;
    let key = '';
    for (const k of this.keys) {
      const v = labels[k] ?? '';
      key += `${v.length}:${v}`;
    }
    const series = this.series.get(key);
    if (series) series.value += value;
    else {
      const own: Attributes = {};
      for (const k of this.keys) own[k] = labels[k] ?? '';
      this.series.set(key, { labels: own, value });
    }
  }
}

/** Instruments outlive a reload unless these settings changed (they need a new MeterProvider). */
export function settingsKey(options: ProviderOptions): string {
  return JSON.stringify(options);
}

function observedCount(meter: Meter, name: string, description: string): { value: number } {
  const count = { value: 0 };
  meter.createObservableUpDownCounter(name, { description }).addCallback((r) => r.observe(count.value));
  return count;
}

export function createInstruments(options: ProviderOptions): Instruments {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const readers: IMetricReader[] = [exporter];
  if (options.otlp) {
    const { endpoint, headers, interval } = options.otlp;
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({
          url: endpoint,
          headers,
          timeoutMillis: Math.min(10_000, interval),
        }),
        exportIntervalMillis: interval,
        exportTimeoutMillis: Math.min(10_000, interval),
      }),
    );
  }
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    readers,
    views: [
      {
        instrumentName: '*_seconds',
        aggregation: {
          type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM,
          options: { boundaries: LATENCY_BUCKETS },
        },
      },
    ],
  });
  const meter = provider.getMeter('switchyard');
  const counter = (name: string, description: string, keys: readonly string[]) =>
    new SummedCounter(meter, name, description, keys);
  const target = ['provider', 'model'];
  const seconds = (name: string, description: string) =>
    meter.createHistogram(name, { description, unit: 's' });
  return {
    settings: settingsKey(options),
    exporter,
    provider,
    meter,
    requests: counter('switchyard_requests', 'Requests answered, errors included.', [
      'route',
      'provider',
      'model',
      'status',
    ]),
    duration: seconds('switchyard_request_duration_seconds', 'Time from arrival to the end of the answer.'),
    ttft: seconds(
      'switchyard_time_to_first_token_seconds',
      'Streams: time from arrival to the first byte sent.',
    ),
    tokens: counter('switchyard_tokens', 'Tokens the upstream reported, by direction.', [
      'direction',
      ...target,
    ]),
    cost: counter('switchyard_cost_usd', 'Upstream cost in USD of priced answers.', target),
    unpriced: counter(
      'switchyard_unpriced_requests',
      'Answers whose model has no price (cost unknown, not zero).',
      target,
    ),
    usageMissing: counter('switchyard_usage_missing', 'Upstream answers whose usage never arrived.', target),
    cacheTokens: counter(
      'switchyard_cache_tokens',
      'Tokens answered from the gateway cache (no upstream cost).',
      ['route', 'direction'],
    ),
    attempts: counter('switchyard_upstream_attempts', 'Upstream attempts by outcome.', [
      'provider',
      'outcome',
    ]),
    fallbacks: counter('switchyard_fallbacks', 'Moves to a fallback target.', ['route']),
    cacheRequests: counter('switchyard_cache_requests', 'Cache lookups by result.', ['result']),
    rateLimited: counter(
      'switchyard_rate_limited',
      'Requests over a rate-limit rule (shadow rules only count).',
      ['rule', 'mode'],
    ),
    circuitState: meter.createObservableGauge('switchyard_circuit_state', {
      description: 'Circuit state per target: 0 closed, 1 half-open, 2 open.',
    }),
    redisUp: meter.createObservableGauge('switchyard_redis_up', {
      description: 'The shared Redis connection: 1 ready, 0 away (absent without redis.url).',
    }),
    inflight: observedCount(meter, 'switchyard_inflight_requests', 'Requests being served.'),
    reloads: counter('switchyard_config_reloads', 'Config reloads by result.', ['result']),
    sharedRecords: counter(
      'switchyard_data_sharing_records',
      'Request records exported to the collector, or lost.',
      ['result'],
    ),
  };
}
