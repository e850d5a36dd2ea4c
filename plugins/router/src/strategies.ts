/**
 * Load-balancing strategies: each picks one target among the candidates still allowed (open circuits
 * already removed by filterTargets). State (round-robin counters) lives per route and per snapshot.
 */
import type { Target } from '@switchyard/core';

export type Strategy = (candidates: readonly Target[]) => Target | undefined;

export type StrategyFactory = () => Strategy;

/** Random by weight: a target with weight 3 gets three times the traffic of weight 1. */
const weighted: StrategyFactory = () => (candidates) => {
  let total = 0;
  for (const t of candidates) total += t.weight;
  let r = Math.random() * total;
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
};
