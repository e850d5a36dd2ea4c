/** Every strategy on plain candidate lists, with pinned dice where chance is involved. */
import type { Target } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { EXPLORATION } from './least-latency.js';
import { TargetStats } from './stats.js';
import { strategies } from './strategies.js';

const t = (key: string, weight = 1) => ({ key, provider: key, model: 'm', weight }) as Target;
const A = t('a');
const B = t('b');
const C = t('c');

/** A sequence of dice values, then Math.random. */
function dice(...values: number[]) {
  return () => values.shift() ?? Math.random();
}

function tally(pick: (c: readonly Target[]) => Target | undefined, candidates: Target[], n: number) {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const key = pick(candidates)!.key;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('weighted, round_robin, priority', () => {
  it('weighted follows the weights', () => {
    const pick = strategies.weighted!({ stats: new TargetStats(), random: Math.random });
    const counts = tally(pick, [t('x', 3), t('y', 1)], 4000);
    expect(counts.x! / 4000).toBeGreaterThan(0.7);
    expect(counts.x! / 4000).toBeLessThan(0.8);
  });

  it('round_robin takes turns and priority takes the first allowed', () => {
    const rr = strategies.round_robin!({ stats: new TargetStats(), random: Math.random });
    expect([rr([A, B, C]), rr([A, B, C]), rr([A, B, C]), rr([A, B, C])]).toEqual([A, B, C, A]);
    const first = strategies.priority!({ stats: new TargetStats(), random: Math.random });
    expect(first([B, C])).toBe(B);
  });
});

describe('least_latency', () => {
  it('tries a target never measured first', () => {
    const stats = new TargetStats();
    stats.observeLatency('a', 10);
    const pick = strategies.least_latency!({ stats, random: dice(0.99) });
    expect(pick([A, B])).toBe(B);
  });

  it('takes the lowest decaying average, except for a small exploration share', () => {
    const stats = new TargetStats();
    stats.observeLatency('a', 300);
    stats.observeLatency('b', 100);
    stats.observeLatency('c', 200);
    expect(strategies.least_latency!({ stats, random: dice(EXPLORATION) })([A, B, C])).toBe(B);
    // Exploring: the second die picks among the others (a, c).
    expect(strategies.least_latency!({ stats, random: dice(0, 0) })([A, B, C])).toBe(A);
    expect(strategies.least_latency!({ stats, random: dice(0, 0.99) })([A, B, C])).toBe(C);
  });

  it('sends about 1 - EXPLORATION of the traffic to the fastest', () => {
    const stats = new TargetStats();
    stats.observeLatency('a', 50);
    stats.observeLatency('b', 200);
    const counts = tally(strategies.least_latency!({ stats, random: Math.random }), [A, B], 10_000);
    expect(counts.a! / 10_000).toBeGreaterThan(0.93);
    expect(counts.b).toBeGreaterThan(300);
  });

  it('the average decays: a recovered target wins again after a few samples', () => {
    const stats = new TargetStats();
    stats.observeLatency('a', 1000);
    stats.observeLatency('b', 100);
    for (let i = 0; i < 8; i++) stats.observeLatency('a', 20);
    expect(stats.latencyOf('a')).toBeLessThan(stats.latencyOf('b')!);
    expect(strategies.least_latency!({ stats, random: dice(0.5) })([A, B])).toBe(A);
  });
});

describe('least_busy', () => {
  it('takes the target with the fewest requests in flight, relative to its weight', () => {
    const stats = new TargetStats();
    const pick = strategies.least_busy!({ stats, random: Math.random });
    stats.start('a');
    stats.start('a');
    stats.start('b');
    expect(pick([A, B])).toBe(B);
    expect(pick([t('a', 4), B])!.key).toBe('a'); // 2 / 4 < 1 / 1
    stats.end('a');
    stats.end('a');
    expect(pick([A, B])).toBe(A);
    expect(stats.busy('a')).toBe(0);
  });

  it('breaks ties at random', () => {
    const pick = strategies.least_busy!({ stats: new TargetStats(), random: Math.random });
    const counts = tally(pick, [A, B], 2000);
    expect(counts.a).toBeGreaterThan(800);
    expect(counts.b).toBeGreaterThan(800);
  });
});
