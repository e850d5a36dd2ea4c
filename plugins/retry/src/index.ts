/**
 * Retry: another attempt on the same target after a transport failure, a timeout before the first byte,
 * or a status listed in `on_status`, with exponential backoff and jitter. The upstream's retry-after /
 * retry-after-ms wins over the backoff, bounded by `backoff.max`; the core bounds every wait by the
 * request's deadline and honours `x-switchyard-no-retry`. Once a target is exhausted, the decision
 * passes on to fallback (listed plugins run before auto-added ones), as it does at once when the
 * circuit-breaker plugin has just opened the target's circuit.
 */
import type { PluginDefinition } from '@switchyard/core';
import { type RetryOptions, schema } from './options.js';
import { compilePolicy, decide } from './policy.js';

export { isClientError, type RetryOptions, schema } from './options.js';
export { backoffMs, compilePolicy, decide, type RetryPolicy } from './policy.js';

/** The circuit-breaker plugin's service, when it is enabled: no more attempts on a target it opened. */
type Circuits = { isOpen(targetKey: string): boolean } | undefined;

const retry: PluginDefinition<RetryOptions> = {
  name: 'retry',
  schema,
  setup(options, host) {
    const policy = compilePolicy(options);
    const services = host.services;
    return {
      hooks: {
        retry: (outcome) =>
          (services.circuits as Circuits)?.isOpen(outcome.target.key) ? undefined : decide(outcome, policy),
      },
    };
  },
};

export default retry;
