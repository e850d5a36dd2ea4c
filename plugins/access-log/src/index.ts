/**
 * Access log: one structured line per request through the gateway's own logger (pino: JSON lines on
 * stdout, or human-readable with `logging.format: pretty`). The line is the request summary — route,
 * target, status, attempts, cache result, tokens, cost, time to first token, duration, the caller's key
 * name — and never prompt text, answers, client keys or upstream keys.
 *
 * A stream's line is written after its last event, so its tokens and cost are there even though they
 * were not known when its headers went out.
 */
import { type PriceTable, priceTableFor, type RequestSummary, summarize } from '@switchyard/accounting';
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

/** `log: access` tells access lines apart from the gateway's other lines. */
export type AccessLine = { log: 'access' } & RequestSummary;

function writer(log: Logger, level: Options['level'], table: PriceTable) {
  const write = log[level].bind(log);
  return (ctx: RequestContext, outcome: { status: number; reply?: Reply; error?: GatewayError }) => {
    const line: AccessLine = { log: 'access', ...summarize(ctx, table, outcome) };
    write(line, `${line.status} ${line.route ?? '-'} ${line.duration_ms}ms`);
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
