/**
 * Load-balancing strategies: each picks one target among the candidates still allowed (open circuits
 * already removed by filterTargets). State (round-robin counters) lives per route and per snapshot;
 * what the feedback-driven strategies learn (latency, load) lives in TargetStats across reloads.
 */
import type { Target } from '@switchyard/core';
import { leastBusy } from './least-busy.js';
import { leastLatency } from './least-latency.js';
import type { TargetStats } from './stats.js';

export type Strategy = (candidates: readonly Target[]) => Target | undefined;

export interface StrategyContext {
  stats: TargetStats;
  /** [0, 1); injectable so tests can pin the dice. */
  random: () => number;
}

export interface StrategyFactory {
  (context: StrategyContext): Strategy;
  /** What the router must measure for this strategy (only then does it observe attempts). */
  feedback?: 'latency' | 'inflight';
}

/** Random by weight: a target with weight 3 gets three times the traffic of weight 1. */
const weighted: StrategyFactory =
  ({ random }) =>
  (candidates) => {
    let total = 0;
    for (const t of candidates) total += t.weight;
    let r = random() * total;
    for (const t of candidates) {
      r -= t.weight;
      if (r < 0) return t;
    }
    return candidates[candidates.length - 1];
  };

/** In turn, per route. */
const roundRobin: StrategyFactory = () => {
  let next = 0;
  return (candidates) => candidates[next++ % candidates.length];
};

/** The first allowed target in the order the route lists them. */
const priority: StrategyFactory = () => (candidates) => candidates[0];

export const strategies: Record<string, StrategyFactory> = {
  weighted,
  round_robin: roundRobin,
  priority,
  least_latency: leastLatency,
  least_busy: leastBusy,
};
