/**
 * Circuit breaker: one opossum breaker per provider+model target (SPEC §3). Open targets are removed
 * from selection in `filterTargets` (fallback and the 503 "every circuit open" answer follow from that);
 * a half-open target lets exactly one request through as its trial. Client errors do not count.
 * Breaker states are published as the `circuits` service, which the metrics plugin exports as
 * `switchyard_circuit_state`. A reload keeps the breakers of unchanged targets and shuts down the rest.
 */
import type {
  GatewayConfig,
  GatewayError,
  PluginDefinition,
  PluginInstance,
  RequestContext,
  Target,
} from '@switchyard/core';
import { type Breaker, type CircuitState, createBreaker, OPEN, record, stateOf } from './breakers.js';
import { type BreakerOptions, schema } from './options.js';

export { type CircuitState, CLOSED, HALF_OPEN, isClientError, OPEN } from './breakers.js';
export { type BreakerOptions, schema } from './options.js';

/** What the plugin publishes in `services.circuits` (read by metrics and retry). */
export interface Circuits {
  /** Every breaker's state, labelled with config values only (bounded). */
  states(): Array<{ provider: string; model: string; state: CircuitState }>;
  isOpen(targetKey: string): boolean;
}

declare module '@switchyard/core' {
  interface Services {
    circuits?: Circuits;
  }
  interface RequestState {
    /** Half-open targets whose single trial this request holds. */
    circuitTrials?: string[];
  }
}

interface Entry {
  breaker: Breaker;
  provider: string;
  model: string;
}

interface BreakerInstance extends PluginInstance {
  entries: Map<string, Entry>;
  /** Targets whose half-open trial is in flight, shared across reloads. */
  trials: Set<string>;
  optionsKey: string;
  detach(): void;
}

/**
 * Every target a request can be sent to, keyed like the router's Target.key (`provider/model`): route
 * targets and fallbacks, and the models providers advertise (direct `provider/model` addressing). Other
 * direct models get no breaker, which keeps breakers and metric labels bounded by the config.
 */
function configuredTargets(config: GatewayConfig): Map<string, { provider: string; model: string }> {
  const out = new Map<string, { provider: string; model: string }>();
  const add = (provider: string, model: string | undefined) =>
    out.set(`${provider}/${model ?? '*'}`, { provider, model: model ?? 'passthrough' });
  for (const route of config.routes)
    for (const t of [...route.targets, ...(route.fallback ?? [])]) add(t.provider, t.model);
  for (const [id, provider] of Object.entries(config.providers))
    for (const model of provider.models) add(id, model);
  return out;
}

const circuitBreaker: PluginDefinition<BreakerOptions> = {
  name: 'circuit-breaker',
  schema,
  setup(options, host) {
    const previous = host.previous as BreakerInstance | undefined;
    previous?.detach();
    const optionsKey = JSON.stringify(options);
    const keep = previous?.optionsKey === optionsKey ? previous.entries : undefined;
    const entries = new Map<string, Entry>();
    for (const [key, label] of configuredTargets(host.config)) {
      const breaker = keep?.get(key)?.breaker ?? createBreaker(key, options, host.log);
      entries.set(key, { breaker, ...label });
    }
    for (const [key, old] of previous?.entries ?? [])
      if (entries.get(key)?.breaker !== old.breaker) old.breaker.shutdown();
    const trials = previous?.trials ?? new Set<string>();

    /** Closed: yes. Open: no. Half-open: only the request holding the single trial. */
    const allows = (target: Target, ctx: RequestContext): boolean => {
      const breaker = entries.get(target.key)?.breaker;
      if (!breaker || breaker.closed) return true;
      if (breaker.opened) return false;
      if (ctx.state.circuitTrials?.includes(target.key)) return true;
      if (trials.has(target.key)) return false;
      trials.add(target.key);
      ctx.state.circuitTrials = [...(ctx.state.circuitTrials ?? []), target.key];
      return true;
    };

    const releaseTrials = (ctx: RequestContext) => {
      const held = ctx.state.circuitTrials;
      if (!held) return;
      for (const key of held) trials.delete(key);
      ctx.state.circuitTrials = undefined;
    };

    /** Only failures of the upstream itself count: not a client that left, not a full shaping queue. */
    const outcome = (target: Target | undefined, error: GatewayError | undefined) => {
      if (error && !error.upstream) return;
      const breaker = target && entries.get(target.key)?.breaker;
      if (breaker) record(breaker, error);
    };

    const onStreamError = (ctx: RequestContext, error: GatewayError) => outcome(ctx.target, error);
    host.events.on('stream:error', onStreamError);

    const circuits: Circuits = {
      states: () =>
        [...entries.values()].map((e) => ({
          provider: e.provider,
          model: e.model,
          state: stateOf(e.breaker),
        })),
      isOpen: (key) => {
        const breaker = entries.get(key)?.breaker;
        return breaker !== undefined && stateOf(breaker) === OPEN;
      },
    };
    host.services.circuits = circuits;

    const instance: BreakerInstance = {
      entries,
      trials,
      optionsKey,
      detach: () => host.events.off('stream:error', onStreamError),
      hooks: {
        filterTargets(targets, ctx) {
          let kept: Target[] | undefined; // allocated only when a target is dropped
          for (let i = 0; i < targets.length; i++) {
            const target = targets[i]!;
            if (allows(target, ctx)) kept?.push(target);
            else kept ??= targets.slice(0, i);
          }
          return kept ?? targets;
        },
        onAttempt(attempt, ctx) {
          outcome(attempt.target, attempt.error);
          if (ctx.state.circuitTrials?.includes(attempt.target.key)) {
            trials.delete(attempt.target.key);
            ctx.state.circuitTrials = ctx.state.circuitTrials.filter((k) => k !== attempt.target.key);
          }
        },
        onResponse: releaseTrials,
        onError: (_error, ctx) => releaseTrials(ctx),
      },
      close() {
        instance.detach();
        for (const { breaker } of entries.values()) breaker.shutdown();
        if (host.services.circuits === circuits) host.services.circuits = undefined;
      },
    };
    return instance;
  },
};

export default circuitBreaker;
