import { describe, expect, it } from 'vitest';
import { addedLatency, ratios, rssTrend } from '../lib/phases.mjs';
import { median, percentile, slope, spread } from '../lib/stats.mjs';

describe('stats', () => {
  it('takes nearest-rank percentiles of a sorted array', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeUndefined();
  });

  it('takes medians of odd and even counts, ignoring missing values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([undefined, 5, Number.NaN])).toBe(5);
    expect(median([])).toBeUndefined();
  });

  it('measures the spread of runs against their median', () => {
    expect(spread([90, 100, 110])).toBeCloseTo(0.2);
  });

  it('fits a least-squares slope', () => {
    expect(slope([0, 5, 10, 15].map((x) => ({ x, y: 100 + 2 * x })))).toBeCloseTo(2);
    expect(slope([0, 5, 10].map((x, i) => ({ x, y: [100, 104, 100][i] })))).toBeCloseTo(0);
    expect(slope([{ x: 1, y: 1 }])).toBe(0);
  });
});

describe('comparisons', () => {
  const summaries = [
    { id: 'direct', kind: 'direct', workload: '{}', rps: 30_000, p50_ms: 0.1 },
    { id: 'proxy', kind: 'proxy', workload: '{}', rps: 10_000, p50_ms: 0.25, cpu_us_per_req: 60 },
    { id: 'gateway:kernel', kind: 'gateway', workload: '{}', rps: 7_000, p50_ms: 0.3, cpu_us_per_req: 80 },
    {
      id: 'proxy:s',
      kind: 'proxy',
      workload: '{"stream":true}',
      rps: 5_000,
      p50_ms: 0.5,
      cpu_us_per_req: 100,
    },
    { id: 'direct:s', kind: 'direct', workload: '{"stream":true}', rps: 9_000, p50_ms: 0.2 },
    {
      id: 'gateway:s',
      kind: 'gateway',
      workload: '{"stream":true}',
      rps: 2_500,
      p50_ms: 0.9,
      cpu_us_per_req: 400,
    },
  ];

  it('divides each gateway by the proxy of its own workload', () => {
    expect(ratios(summaries)).toEqual([
      { id: 'gateway:kernel', vs: 'proxy', ratio: 0.7, cpu_ratio: 0.75 },
      { id: 'gateway:s', vs: 'proxy:s', ratio: 0.5, cpu_ratio: 0.25 },
    ]);
  });

  it('subtracts the direct p50 of the same workload', () => {
    expect(addedLatency(summaries)).toEqual([
      { id: 'proxy', added_p50_ms: 0.15 },
      { id: 'gateway:kernel', added_p50_ms: 0.2 },
      { id: 'proxy:s', added_p50_ms: 0.3 },
      { id: 'gateway:s', added_p50_ms: 0.7 },
    ]);
  });
});

describe('soak trend', () => {
  // 60 s sampled every 250 ms.
  const times = Array.from({ length: 241 }, (_, i) => i / 4);
  const sawtooth = (t: number) => 120 + ((t * 7) % 60); // climbs 0..60 MB, drops at each major GC

  it('calls a GC sawtooth flat even when its raw samples happen to end high', () => {
    const samples = times.map((t) => ({ t_s: t, rss_mb: sawtooth(t) }));
    const coarse = samples.filter((s) => s.t_s % 5 === 0);
    expect(slope(coarse.map((s) => ({ x: s.t_s, y: s.rss_mb })))).not.toBeCloseTo(0);
    expect(rssTrend(samples, { seconds: 60 })).toEqual({
      floors_mb: [120, 120],
      floor_rise_mb: 0,
      trend: 'flat',
    });
  });

  it('calls a rising floor upward', () => {
    const samples = times.map((t) => ({ t_s: t, rss_mb: sawtooth(t) + t / 2 })); // +30 MB a minute kept
    const trend = rssTrend(samples, { seconds: 60 });
    expect(trend.floor_rise_mb).toBeGreaterThan(10);
    expect(trend.trend).toBe('upward');
  });
});
