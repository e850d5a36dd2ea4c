/**
 * least_latency: the target with the lowest decaying average time to first byte. A target never measured
 * is tried first; and a small share of requests goes to another target, so one that was slow and has
 * recovered is measured again.
 */
import type { StrategyFactory } from './strategies.js';

/** Share of requests sent to a target other than the fastest. */
export const EXPLORATION = 0.05;

export const leastLatency: StrategyFactory = ({ stats, random }) => {
  return (candidates) => {
    if (candidates.length < 2) return candidates[0];
    let best = 0;
    let bestMs = Number.POSITIVE_INFINITY;
    for (let i = 0; i < candidates.length; i++) {
      const ms = stats.latencyOf(candidates[i]!.key);
      if (ms === undefined) return candidates[i];
      if (ms < bestMs) {
        best = i;
        bestMs = ms;
      }
    }
    if (random() >= EXPLORATION) return candidates[best];
    const other = Math.floor(random() * (candidates.length - 1));
    return candidates[other >= best ? other + 1 : other];
  };
};
leastLatency.feedback = 'latency';
