/**
 * least_busy: the target with the fewest requests in flight through this gateway, relative to its
 * weight (weight 2 takes twice the load of weight 1). Ties are broken at random so that light traffic
 * still spreads.
 */
import type { Target } from '@switchyard/core';
import type { StrategyFactory } from './strategies.js';

export const leastBusy: StrategyFactory = ({ stats, random }) => {
  const ties: Target[] = [];
  return (candidates) => {
    if (candidates.length < 2) return candidates[0];
    let least = Number.POSITIVE_INFINITY;
    ties.length = 0;
    for (const t of candidates) {
      const load = stats.busy(t.key) / t.weight;
      if (load < least) {
        least = load;
        ties.length = 0;
      }
      if (load === least) ties.push(t);
    }
    return ties[Math.floor(random() * ties.length)];
  };
};
leastBusy.feedback = 'inflight';
