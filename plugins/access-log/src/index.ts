/**
 * Access log: one structured line per request through the gateway's own logger (pino: JSON lines on
 * stdout, or human-readable with `logging.format: pretty`). The line is the request summary — route,
 * target, status, attempts, cache result, tokens, cost, time to first token, duration, the caller's key
 * name — and never prompt text, answers, client keys or upstream keys.
 *
 * A stream's line is written after its last event, so its tokens and cost are there even though they
 * were not known when its headers went out.
 */
import {
  type PriceTable,
  priceTableFor,
  type RequestSummary,
  summarize,
  summaryJson,
} from '@switchyard/accounting';
import type { GatewayError, Logger, PluginDefinition, Reply, RequestContext } from '@switchyard/core';
import * as v from 'valibot';

const schema = v.object({
  level: v.optional(
    v.pipe(
      v.picklist(['debug', 'info', 'warn'], 'expected debug, info or warn'),
      v.description('Level of the access lines; logging.level above it silences them.'),
    ),
    'info',
  ),
});
type Options = v.InferOutput<typeof schema>;

/** Every access line also carries `log: "access"`, which tells it apart from the gateway's other lines. */
export type AccessLine = RequestSummary;

/** pino's `child(bindings, options)`; the Logger contract does not promise it. */
type WithChild = Logger & { child?(bindings: object, options?: object): Logger };

/**
 * The access logger: a child of the gateway's logger, bound to `log: "access"`. The gateway's logger
 * redacts credential-named fields by path, which costs pino some 20 µs a line; access lines have a fixed
 * schema without any such field, so the child skips that pass.
 */
function accessLogger(log: Logger): Logger {
  const parent = log as WithChild;
  if (typeof parent.child === 'function') return parent.child({ log: 'access' }, { redact: { paths: [] } });
  const tag =
    (write: Logger['info']): Logger['info'] =>
    (line, msg) =>
      write.call(log, { log: 'access', ...(line as object) }, msg);
  return { debug: tag(log.debug), info: tag(log.info), warn: tag(log.warn), error: tag(log.error) };
}

/**
 * Writes one access line. With a JSON logger the summary goes out as its JSON text (shared with data
 * sharing) through `Logger.line`: the same line, a fifth of pino's key-by-key cost. The summary's
 * fields never hold a secret (see summarize), which is what `line` asks of its caller.
 */
function writer(log: Logger, level: Options['level'], table: PriceTable) {
  const access = accessLogger(log);
  const write = access[level].bind(access);
  const line = access.line?.bind(access);
  return (ctx: RequestContext, outcome: { status: number; reply?: Reply; error?: GatewayError }) => {
    const summary: AccessLine = summarize(ctx, table, outcome);
    const msg = `${summary.status} ${summary.route ?? '-'} ${summary.duration_ms}ms`;
    if (line) line(level, summaryJson(ctx, summary), msg);
    else write(summary, msg);
  };
}

const accessLog: PluginDefinition<Options> = {
  name: 'access-log',
  schema,
  setup(options, host) {
    const write = writer(host.log, options.level, priceTableFor(host.config));
    return {
      hooks: {
        onResponse: (ctx, reply) => write(ctx, { status: reply.status, reply }),
        onError: (error, ctx) => write(ctx, { status: error.status, error }),
      },
    };
  },
};

export default accessLog;
