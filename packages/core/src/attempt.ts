/**
 * One upstream attempt: translate, send, classify — under the provider's timeouts, enforced through one
 * abort signal per attempt. A stream counts as answered only once its first chunk is in hand, so a
 * target that sends headers but no first token can still be retried or fall back.
 */
import { parseSse, type SseEvent } from '@switchyard/protocol';
import { Abort, type AbortLike } from './abort.js';
import type {
  AttemptOutcome,
  JsonReply,
  ProviderInstance,
  RequestContext,
  StreamItem,
  StreamReply,
  Target,
  Transport,
  UpstreamCall,
  UpstreamEvent,
} from './contract.js';
import { DONE } from './contract.js';
import { errors, GatewayError, UpstreamError } from './errors.js';
import { retryAfterMs } from './headers.js';

export interface AttemptResult {
  outcome: AttemptOutcome;
  reply?: JsonReply | StreamReply;
}

type Phase = 'first_token' | 'idle' | 'total';

/** Timers of one attempt; each fires the same abort with the reason that fired. */
class AttemptClock {
  readonly controller = new Abort();
  firedBy?: Phase;
  private firstToken?: NodeJS.Timeout;
  private idle?: NodeJS.Timeout;
  private total?: NodeJS.Timeout;
  private readonly onClientAbort = () => this.controller.abort(new Error('client closed the request'));

  constructor(
    private readonly clientSignal: AbortLike,
    private readonly timeouts: ProviderInstance['config']['timeout'],
    deadline: number,
  ) {
    if (clientSignal.aborted) this.controller.abort();
    else clientSignal.addEventListener('abort', this.onClientAbort, { once: true });
    // Whole milliseconds: node keeps one timer list per distinct duration, and a fractional duration
    // (a deadline minus now) would make a new list, with a priority-queue insert, on every attempt.
    const total = Math.ceil(Math.min(timeouts.total, Math.max(0, deadline - performance.now())));
    this.total = setTimeout(() => this.fire('total'), total);
    this.firstToken = setTimeout(() => this.fire('first_token'), Math.min(timeouts.first_token, total));
  }

  private fire(phase: Phase): void {
    this.firedBy ??= phase;
    this.controller.abort(new Error(`${phase} timeout`));
  }

  /** First byte of the answer seen: from now on only idle and total apply. */
  answered(): void {
    clearTimeout(this.firstToken);
    this.idle = setTimeout(() => this.fire('idle'), this.timeouts.idle);
  }

  /** An upstream event arrived: push the idle deadline back (refresh() re-arms without allocating). */
  tick(): void {
    this.idle?.refresh();
  }

  stop(): void {
    clearTimeout(this.firstToken);
    clearTimeout(this.idle);
    clearTimeout(this.total);
    this.clientSignal.removeEventListener('abort', this.onClientAbort);
  }
}

const TRANSPORT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/** Turn whatever an attempt threw into a GatewayError with the right retryability. */
function classifyFailure(
  err: unknown,
  clock: AttemptClock,
  clientSignal: AbortLike,
  target: Target,
): GatewayError {
  if (err instanceof GatewayError) return err;
  const code = (err as { code?: string })?.code;
  if (clock.firedBy || code === 'UND_ERR_CONNECT_TIMEOUT') {
    const phase = clock.firedBy ?? 'connect';
    return new UpstreamError(504, 'upstream_timeout', `${target.key}: ${phase} timeout`, {
      code: 'upstream_timeout',
      retryable: true,
    });
  }
  if (clientSignal.aborted) return errors.clientClosed();
  const message = code && TRANSPORT_CODES.has(code) ? code : 'transport failure';
  return new UpstreamError(502, 'upstream_error', `${target.key}: ${message}`, {
    code: 'upstream_unreachable',
    retryable: true,
    cause: err,
  });
}

export function makeCall(ctx: RequestContext, target: Target): UpstreamCall {
  const model = target.model ?? ctx.body.model;
  return {
    operation: ctx.operation,
    body: model === ctx.body.model ? ctx.body : { ...ctx.body, model },
    model,
    stream: ctx.stream,
    includeUsage: true,
    requestId: ctx.id,
  };
}

export async function runAttempt(
  ctx: RequestContext,
  target: Target,
  transport: Transport,
  attemptOnTarget: number,
): Promise<AttemptResult> {
  const provider = target.provider_ref;
  const { adapter } = provider;
  const started = performance.now();
  const clock = new AttemptClock(ctx.signal, provider.config.timeout, ctx.deadline);
  const call = makeCall(ctx, target);
  const outcome = (fields: Partial<AttemptOutcome>): AttemptOutcome => ({
    target,
    attemptOnTarget,
    attempt: ctx.attempts,
    ok: false,
    status: 0,
    durationMs: performance.now() - started,
    ...fields,
  });
  let status = 0;
  try {
    if (!adapter.operations.includes(ctx.operation)) {
      throw new GatewayError(
        400,
        'invalid_request_error',
        `Provider '${provider.id}' does not serve ${ctx.operation}.`,
        {
          code: 'unsupported_operation',
        },
      );
    }
    const request = await adapter.buildRequest(call);
    const res = await transport(request, clock.controller);
    status = res.status;
    if (status >= 400) {
      const text = await res.body.text();
      const info = adapter.classifyError(status, res.headers, text);
      const after = info.retryAfterMs ?? retryAfterMs(res.headers);
      throw new UpstreamError(info.status, info.type, info.message, {
        code: info.code ?? null,
        param: info.param ?? null,
        retryable: info.retryable,
        retryAfter: after === undefined ? undefined : after / 1000,
      });
    }
    if (!ctx.stream) {
      const text = await res.body.text();
      const ttfbMs = performance.now() - started;
      clock.stop();
      const parsed = adapter.parseResponse(text, call) as { raw?: string; body?: unknown } | object;
      const reply: JsonReply =
        parsed && typeof (parsed as { raw?: unknown }).raw === 'string'
          ? {
              kind: 'json',
              status,
              raw: (parsed as { raw: string }).raw,
              body: (parsed as { body?: unknown }).body,
            }
          : { kind: 'json', status, body: parsed };
      const usage = (reply.body as { usage?: RequestContext['usage'] } | undefined)?.usage;
      if (usage) ctx.usage = usage;
      ctx.upstreamMs += ttfbMs;
      return { outcome: outcome({ ok: true, status, ttfbMs }), reply };
    }
    const events = (adapter.decodeStream ?? parseSse)(res.body) as AsyncIterable<UpstreamEvent | SseEvent>;
    const items = translate(events, adapter.createStreamTranslator(call), clock);
    const first = await items.next(); // waits under the first_token timer
    const ttfbMs = performance.now() - started;
    ctx.upstreamMs += ttfbMs;
    clock.answered();
    const reply: StreamReply = {
      kind: 'stream',
      status: 200,
      chunks: continueWith(first, items, clock, ctx, target),
    };
    return { outcome: outcome({ ok: true, status, ttfbMs }), reply };
  } catch (err) {
    clock.stop();
    const error = classifyFailure(err, clock, ctx.signal, target);
    // The status the upstream itself answered with: the HTTP status of an error answer, the error event's
    // status for a stream that failed before its first chunk; 0 for transport failures and timeouts.
    const answered = err === error && error.upstream;
    return {
      outcome: outcome({
        status: answered ? (status >= 400 ? status : error.status) : 0,
        error,
        retryAfterMs: error.retryAfter === undefined ? undefined : error.retryAfter * 1000,
      }),
    };
  }
}

async function* translate(
  events: AsyncIterable<UpstreamEvent>,
  translator: ReturnType<ProviderInstance['adapter']['createStreamTranslator']>,
  clock: AttemptClock,
): AsyncGenerator<StreamItem, void, undefined> {
  for await (const ev of events) {
    clock.tick();
    const out = translator.event(ev);
    if (out === DONE) break;
    for (let i = 0; i < out.length; i++) yield out[i]!;
  }
  const tail = translator.end();
  for (let i = 0; i < tail.length; i++) yield tail[i]!;
}

/** The rest of the stream after the first chunk; failures after the first byte carry their cause. */
async function* continueWith(
  first: IteratorResult<StreamItem, void>,
  rest: AsyncGenerator<StreamItem, void, undefined>,
  clock: AttemptClock,
  ctx: RequestContext,
  target: Target,
): AsyncGenerator<StreamItem, void, undefined> {
  try {
    if (first.done) return;
    yield first.value;
    for (;;) {
      const next = await rest.next();
      if (next.done) return;
      yield next.value;
    }
  } catch (err) {
    throw classifyFailure(err, clock, ctx.signal, target);
  } finally {
    clock.stop();
    await rest.return(undefined);
  }
}
