/**
 * The request pipeline and the attempt loop. Plugins only decide (hooks); the core runs the stages,
 * owns the loop over targets and attempts, the deadline, and the final error.
 */

import type { AbortLike } from './abort.js';
import { runAttempt } from './attempt.js';
import type { AttemptOutcome, GatewayEvents, Reply, RequestContext, Target } from './contract.js';
import { errors, GatewayError } from './errors.js';
import { compileGlobs } from './glob.js';
import type { Snapshot } from './snapshot.js';

export async function runPipeline(
  ctx: RequestContext,
  snap: Snapshot,
  events: GatewayEvents,
): Promise<Reply> {
  const hooks = snap.hooks;
  let stop = await hooks.guard('onRequest', ctx);
  if (stop) return stop;
  if (hooks.has('authenticate')) ctx.principal = await hooks.first('authenticate', ctx);
  const route = await hooks.first('matchRoute', ctx);
  if (!route) throw errors.modelNotFound(ctx.model);
  ctx.route = route;
  checkPermission(ctx);
  if (route.timeoutMs !== undefined) ctx.deadline = ctx.startedAt + route.timeoutMs;
  // Limits run once the route is known (route- and model-scoped limits need it) and the caller is
  // allowed: a refused or unroutable request does not use up anyone's allowance.
  stop = await hooks.guard('limit', ctx);
  if (stop) return stop;
  const cached = await hooks.first('cacheLookup', ctx);
  if (cached) return cached;
  if (hooks.has('transformRequest')) ctx.body = await hooks.waterfall('transformRequest', ctx.body, ctx);
  return attemptLoop(ctx, snap, events);
}

/** A caller limited to some models or routes (Principal.models / .routes) gets 403 elsewhere. */
function checkPermission(ctx: RequestContext): void {
  const p = ctx.principal;
  if (!p) return;
  if (p.routes && !p.routes.includes(ctx.route!.name)) {
    throw errors.forbidden(`Key '${p.name}' may not use route '${ctx.route!.name}'.`);
  }
  if (p.models && !modelMatcher(p.models)(ctx.model)) {
    throw errors.forbidden(`Key '${p.name}' may not use model '${ctx.model}'.`);
  }
}

/** Principals live as long as their config: compile each one's globs once. */
const matchers = new WeakMap<readonly string[], (model: string) => boolean>();
function modelMatcher(globs: readonly string[]) {
  let m = matchers.get(globs);
  if (!m) {
    m = compileGlobs(globs);
    matchers.set(globs, m);
  }
  return m;
}

/** The targets to try, in order: the selected one, then the route's fallback list (minus open circuits). */
async function plan(
  ctx: RequestContext,
  snap: Snapshot,
): Promise<{ targets: Target[]; firstFallback: number }> {
  const hooks = snap.hooks;
  const route = ctx.route!;
  const filter = (targets: readonly Target[]) =>
    hooks.has('filterTargets') && targets.length > 0
      ? hooks.waterfall('filterTargets', targets, ctx)
      : targets;
  const candidates = await filter(route.targets);
  const fallback = await filter(route.fallback);
  const chosen =
    candidates.length > 0
      ? ((await hooks.first('selectTarget', candidates, ctx)) ?? candidates[0])
      : undefined;
  const targets = chosen ? [chosen] : [];
  for (const t of fallback) if (t !== chosen) targets.push(t);
  return { targets, firstFallback: chosen ? 1 : 0 };
}

const sleep = (ms: number, signal: AbortLike) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

async function attemptLoop(ctx: RequestContext, snap: Snapshot, events: GatewayEvents): Promise<Reply> {
  const hooks = snap.hooks;
  const { targets, firstFallback } = await plan(ctx, snap);
  if (targets.length === 0) {
    throw errors.unavailable(`Every target of route '${ctx.route!.name}' is unavailable (circuit open).`);
  }
  // SPEC §4: one attempt per target; fallback still applies.
  const oneAttemptPerTarget = ctx.headers.get('x-switchyard-no-retry') === 'true';
  let last: AttemptOutcome | undefined;
  for (let i = 0; i < targets.length; i++) {
    const target = targets[i]!;
    if (i >= firstFallback) {
      ctx.fallbacks++;
      events.emit('attempt:fallback', ctx, target);
    }
    for (let n = 1; ; n++) {
      if (performance.now() >= ctx.deadline) return giveUp(ctx, last, true);
      ctx.attempts++;
      ctx.target = target;
      const transport = snap.transports.get(target.provider)!;
      const { outcome, reply } = await runAttempt(ctx, target, transport, n);
      hooks.observe('onAttempt', outcome, ctx);
      if (reply) return reply;
      last = outcome;
      if (ctx.signal.aborted) throw outcome.error!;
      const decision = (await hooks.first('retry', outcome, ctx)) ?? { action: 'fail' };
      if (decision.action === 'retry') {
        // A wait that would reach the deadline is no retry at all: move on while time is left.
        if (oneAttemptPerTarget || decision.delayMs >= ctx.deadline - performance.now()) break;
        await sleep(decision.delayMs, ctx.signal);
        if (ctx.signal.aborted) throw errors.clientClosed();
        continue;
      }
      if (decision.action === 'next') break;
      return giveUp(ctx, last, false);
    }
  }
  return giveUp(ctx, last, false);
}

/**
 * The final error once nothing is left to try: a client error passes through as the upstream said it;
 * otherwise the last failure decides between 429, 504 and 502 (SPEC §4 Errors).
 */
function giveUp(ctx: RequestContext, last: AttemptOutcome | undefined, deadlinePassed: boolean): never {
  const err = last?.error;
  if (!err) throw errors.upstreamTimeout('The request deadline passed before any upstream answered.');
  if (!err.retryable || err.status === 429) throw err;
  if (err.status === 504 || deadlinePassed) {
    throw errors.upstreamTimeout(
      `No target answered in time (${ctx.attempts} attempt${ctx.attempts === 1 ? '' : 's'}); last: ${err.message}`,
    );
  }
  if (err instanceof GatewayError && err.status === 503 && !err.upstream) throw err;
  throw errors.upstreamFailed(
    `Every target failed (${ctx.attempts} attempt${ctx.attempts === 1 ? '' : 's'}); last upstream said: ${err.message}`,
  );
}
