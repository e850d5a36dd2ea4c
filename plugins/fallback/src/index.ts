/**
 * Fallback: once a target has failed in a way worth another try (and retry, if listed, has given up on
 * it), move on to the route's next target — each with its own model and its own provider translation.
 * Client errors still end the request. The core counts fallbacks (ctx.fallbacks, 'attempt:fallback').
 */
import type { PluginDefinition } from '@switchyard/core';
import * as v from 'valibot';

const fallback: PluginDefinition<Record<string, never>> = {
  name: 'fallback',
  schema: v.object({}),
  setup: () => ({
    hooks: {
      retry: (outcome) => (outcome.error?.retryable ? { action: 'next' } : undefined),
    },
  }),
};

export default fallback;
