/**
 * Reply → HTTP Response. JSON answers go out as the upstream's own text when nothing changed them;
 * streams go out event by event as they arrive, with the usage chunk the client did not ask for
 * removed (the gateway always asks upstream for usage, for its own accounting).
 */
import { type ChatChunk, formatSse, SSE_DONE } from '@switchyard/protocol';
import type { JsonReply, Reply, RequestContext, StreamItem, StreamReply } from './contract.js';
import { errorBody, errorHeaders, errors, type GatewayError, toGatewayError } from './errors.js';
import type { HookRunner } from './hooks.js';

export type Finish = (error?: GatewayError) => void;

const JSON_TYPE = 'application/json';
const encoder = new TextEncoder();
const DONE_BYTES = encoder.encode(SSE_DONE);
const USAGE = /"usage":\s*\{/;

export function gatewayHeaders(ctx: RequestContext, contentType: string): Record<string, string> {
  const h: Record<string, string> = { 'content-type': contentType, 'x-switchyard-request-id': ctx.id };
  if (ctx.route) h['x-switchyard-route'] = ctx.route.name;
  if (ctx.target) {
    h['x-switchyard-provider'] = ctx.target.provider;
    h['x-switchyard-model'] = ctx.target.model ?? ctx.body.model;
  }
  if (ctx.attempts > 0) h['x-switchyard-attempts'] = String(ctx.attempts);
  const overhead = performance.now() - ctx.startedAt - ctx.upstreamMs;
  h['x-switchyard-overhead-ms'] = overhead.toFixed(2);
  return Object.assign(h, ctx.responseHeaders);
}

export function errorResponse(ctx: RequestContext, err: GatewayError): Response {
  const headers = Object.assign(gatewayHeaders(ctx, JSON_TYPE), errorHeaders(err));
  return new Response(JSON.stringify(errorBody(err)), { status: err.status, headers });
}

export async function replyResponse(ctx: RequestContext, reply: Reply, hooks: HookRunner, finish: Finish) {
  return reply.kind === 'json'
    ? jsonResponse(ctx, reply, hooks, finish)
    : streamResponse(ctx, reply, hooks, finish);
}

async function jsonResponse(ctx: RequestContext, reply: JsonReply, hooks: HookRunner, finish: Finish) {
  let text = reply.raw;
  if (hooks.has('transformResponse') && reply.body && ctx.operation === 'chat') {
    reply.body = await hooks.waterfall('transformResponse', reply.body as never, ctx);
    text = undefined;
  }
  text ??= JSON.stringify(reply.body);
  if (hooks.has('onHeaders')) hooks.observe('onHeaders', ctx, reply);
  const headers = Object.assign(gatewayHeaders(ctx, JSON_TYPE), reply.headers);
  // A declared length lets node send headers and body in one write, not as a chunked body.
  headers['content-length'] = String(Buffer.byteLength(text));
  ctx.ttftMs = performance.now() - ctx.startedAt;
  finish();
  return new Response(text, { status: reply.status, headers });
}

/** Usage bookkeeping and the transformChunk waterfall for one item; null drops it. */
function prepare(item: StreamItem, ctx: RequestContext, hooks: HookRunner): string | null {
  let text = typeof item === 'string' ? item : undefined;
  let chunk = typeof item === 'string' ? undefined : item;
  const parse = () => (chunk ??= JSON.parse(text!) as ChatChunk);
  // Pass-through text is only parsed when it may carry usage (or a hook needs the object).
  if (text === undefined || USAGE.test(text)) {
    const c = parse();
    if (c.usage) {
      ctx.usage = c.usage;
      if (!ctx.wantsUsage) {
        if (c.choices.length === 0) return null;
        const { usage: _, ...rest } = c;
        chunk = rest as ChatChunk;
        text = undefined;
      }
    }
  }
  if (hooks.has('transformChunk')) {
    const out = hooks.chunk(parse(), ctx);
    if (out === null) return null;
    chunk = out;
    text = undefined; // hooks may have changed the object in place
  }
  return formatSse(text ?? JSON.stringify(chunk));
}

function streamResponse(
  ctx: RequestContext,
  reply: StreamReply,
  hooks: HookRunner,
  finish: Finish,
): Response {
  const iterator = reply.chunks[Symbol.asyncIterator]();
  let ended = false;
  const end = (error?: GatewayError) => {
    if (ended) return;
    ended = true;
    finish(error);
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        for (;;) {
          const next = await iterator.next();
          if (next.done) {
            controller.enqueue(DONE_BYTES);
            controller.close();
            end();
            return;
          }
          const text = prepare(next.value, ctx, hooks);
          if (text === null) continue;
          ctx.ttftMs ??= performance.now() - ctx.startedAt;
          controller.enqueue(encoder.encode(text));
          return;
        }
      } catch (err) {
        // After the first byte no retry is possible: one error event, then the stream ends (no [DONE]).
        const error = toGatewayError(err);
        controller.enqueue(encoder.encode(formatSse(JSON.stringify(errorBody(error)))));
        controller.close();
        end(error);
      }
    },
    async cancel() {
      end(errors.clientClosed());
      await iterator.return?.();
    },
  });
  if (hooks.has('onHeaders')) hooks.observe('onHeaders', ctx, reply);
  const headers = Object.assign(gatewayHeaders(ctx, 'text/event-stream; charset=utf-8'), reply.headers);
  headers['cache-control'] = 'no-cache';
  return new Response(body, { status: 200, headers });
}
