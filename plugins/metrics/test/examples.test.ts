/**
 * The example dashboard and scrape config stay in step with the plugin: every series the dashboard
 * queries is one this plugin exports, and the scrape config reads the default path.
 */
import { readFileSync } from 'node:fs';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createInstruments } from '../src/instruments.js';
import { parseProm } from './prom.js';

const example = (name: string) => readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8');

/** Every series name the plugin can export: record once on every instrument, whatever its kind, and serialize. */
async function exportedNames(): Promise<Set<string>> {
  const instruments = createInstruments({ serviceName: 'test' });
  for (const value of Object.values(instruments)) {
    if (!value || typeof value !== 'object') continue;
    if ('addCallback' in value) value.addCallback((r: { observe(v: number): void }) => r.observe(0));
    else if ('record' in value) value.record(1);
    else if ('add' in value) value.add(1, {});
  }
  const { resourceMetrics } = await instruments.exporter.collect();
  const text = new PrometheusSerializer('', false, undefined, true, true).serialize(resourceMetrics);
  await instruments.provider.shutdown();
  return new Set(parseProm(text).map((s) => s.name));
}

describe('examples', () => {
  it('the Grafana dashboard queries only series the metrics plugin exports, and uses each of them', async () => {
    const dashboard = JSON.parse(example('grafana-dashboard.json'));
    const exprs: string[] = [];
    const walk = (panels: Array<{ targets?: Array<{ expr: string }>; panels?: unknown[] }>) => {
      for (const p of panels) {
        for (const t of p.targets ?? []) exprs.push(t.expr);
        walk((p.panels ?? []) as never);
      }
    };
    walk(dashboard.panels);
    const used = new Set(exprs.flatMap((e) => e.match(/switchyard_\w+/g) ?? []));
    const exported = await exportedNames();
    for (const name of used) expect(exported, name).toContain(name);
    const families = new Set([...exported].map((n) => n.replace(/_(bucket|sum|count)$/, '')));
    const queried = new Set([...used].map((n) => n.replace(/_(bucket|sum|count)$/, '')));
    expect([...families].filter((f) => !queried.has(f))).toEqual([]);
    expect(dashboard.templating.list.map((v: { name: string }) => v.name)).toEqual([
      'datasource',
      'route',
      'provider',
      'model',
    ]);
  });

  it('the Prometheus example scrapes the default metrics path', () => {
    const config = parse(example('prometheus.yml'));
    expect(config.scrape_configs[0]).toMatchObject({ job_name: 'switchyard', metrics_path: '/metrics' });
  });
});
