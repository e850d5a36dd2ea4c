import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SummedCounter } from '../src/instruments.js';
import { parseProm } from './prom.js';

const serializer = new PrometheusSerializer('', false, undefined, true, true);

/** The exposition text of one provider after `record` ran on it. */
async function exposition(record: (provider: MeterProvider) => void): Promise<string> {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  record(provider);
  const { resourceMetrics } = await exporter.collect();
  await provider.shutdown();
  // The same series in any order, each with its labels in any order.
  return parseProm(serializer.serialize(resourceMetrics))
    .map((sample) => JSON.stringify([sample.name, Object.entries(sample.labels).sort(), sample.value]))
    .sort()
    .join('\n');
}

const add = fc.record({
  value: fc.oneof(fc.nat(1000), fc.double({ min: 0, max: 1, noNaN: true })),
  route: fc.constantFrom('chat', 'fast', 'r"q', '1:a', '', 'a\u0000'),
  status: fc.constantFrom('200', '429', '502', '1:a', ''),
  reversed: fc.boolean(),
});

describe('SummedCounter', () => {
  it('exports what a synchronous OpenTelemetry counter exports for the same adds, in any label order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(add, { maxLength: 30 }), async (adds) => {
        const labels = (a: (typeof adds)[number]) =>
          a.reversed ? { status: a.status, route: a.route } : { route: a.route, status: a.status };
        const summed = await exposition((p) => {
          const c = new SummedCounter(p.getMeter('t'), 'demo_requests', 'Demo.', ['route', 'status']);
          for (const a of adds) c.add(a.value, labels(a));
        });
        const synchronous = await exposition((p) => {
          const c = p.getMeter('t').createCounter('demo_requests', { description: 'Demo.' });
          for (const a of adds) c.add(a.value, labels(a));
        });
        expect(summed).toBe(synchronous);
      }),
      { numRuns: 50 },
    );
  });

  it('drops negative and NaN values, as a synchronous counter does', async () => {
    const text = await exposition((p) => {
      const c = new SummedCounter(p.getMeter('t'), 'demo_requests', 'Demo.', ['route']);
      c.add(2, { route: 'chat' });
      c.add(-1, { route: 'chat' });
      c.add(Number.NaN, { route: 'chat' });
    });
    expect(text).toBe(JSON.stringify(['demo_requests_total', [['route', 'chat']], 2]));
  });
});
