/**
 * Data sharing (opt-in): one record per request exported to the operator's HTTP collector. Metrics-only
 * by default — the request summary the access log writes, no prompt or answer; `share_prompts` and
 * `share_responses` add them after redaction. Records are queued on the request path (no I/O) and sent
 * in batches from timers; see exporter.ts for batching, backoff, the bounded queue and the shutdown flush.
 */
import { type PriceTable, priceTableFor, summarize, summaryJson } from '@switchyard/accounting';
import type {
  GatewayError,
  HeaderReader,
  PluginDefinition,
  PluginInstance,
  Reply,
  RequestContext,
} from '@switchyard/core';
import { StreamAssembly } from './capture.js';
import { type Delivery, Exporter } from './exporter.js';
import { type Options, schema } from './options.js';
import { encodeBatch, type Pending, type Sharing, summaryRecord } from './record.js';
import { configSecrets, createRedactor } from './redact.js';

export { BATCH_SCHEMA, type SharedRecord } from './record.js';
export { REDACTED } from './redact.js';

declare module '@switchyard/core' {
  interface RequestState {
    /** The streamed answer being rebuilt for `share_responses`. */
    sharedAnswer?: StreamAssembly;
  }
}

/** The metrics plugin's counter, read structurally so this plugin does not depend on it. */
interface SharedRecordsCounter {
  sharedRecords?: { add(value: number, labels: Record<string, string>): void };
}

interface DataSharingInstance extends PluginInstance {
  exporter: Exporter;
  /** What encode() applies; replaced on reload so queued records follow the current switches. */
  current: { sharing: Sharing };
}

/** Header values that carry the caller's credential: redacted if the caller pasted it into a prompt. */
const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'api-key', 'x-goog-api-key'];

function credentialsOf(headers: HeaderReader): string[] {
  const out: string[] = [];
  for (const name of CREDENTIAL_HEADERS) {
    const value = headers.get(name);
    if (value) out.push(value.replace(/^Bearer\s+/i, ''));
  }
  return out;
}

type Outcome = { status: number; reply?: Reply; error?: GatewayError };

/** Arrival time, epoch ms. */
const arrivedAt = (ctx: RequestContext) => Date.now() - (performance.now() - ctx.startedAt);

/** A record with the prompt and/or answer, encoded at send time under the switches of that moment. */
function pending(ctx: RequestContext, options: Options, table: PriceTable, outcome: Outcome): Pending {
  const p: Pending = { at: arrivedAt(ctx), summary: summarize(ctx, table, outcome) };
  if (options.share_prompts) {
    p.prompt = ctx.operation === 'chat' ? ctx.body.messages : ctx.body.input;
    p.credentials = credentialsOf(ctx.headers);
  }
  if (options.share_responses) {
    const reply = outcome.reply;
    if (reply?.kind === 'json') p.answer = { body: reply.body, raw: reply.raw };
    else if (ctx.state.sharedAnswer) p.answer = { choices: ctx.state.sharedAnswer.result() };
    p.credentials ??= credentialsOf(ctx.headers);
  }
  return p;
}

const dataSharing: PluginDefinition<Options> = {
  name: 'data-sharing',
  schema,
  warnings(options) {
    if ((options.share_prompts || options.share_responses) && options.redact.length === 0) {
      return [
        {
          path: ['redact'],
          message:
            'prompts or answers are shared with only credentials removed; list patterns for other data under redact',
        },
      ];
    }
    return [];
  },
  setup(options, host) {
    const previous = host.previous as DataSharingInstance | undefined;
    const sharing: Sharing = {
      prompts: options.share_prompts,
      responses: options.share_responses,
      redactor: createRedactor(options.redact, configSecrets(host.config.providers)),
    };
    const current = previous?.current ?? { sharing };
    current.sharing = sharing;
    const services = host.services as SharedRecordsCounter & typeof host.services;
    const delivery: Delivery = {
      encode: (items, droppedTotal) =>
        encodeBatch(items as (Pending | string)[], droppedTotal, current.sharing),
      count: (result, n) =>
        (services.metrics as SharedRecordsCounter | undefined)?.sharedRecords?.add(n, { result }),
      log: host.log,
    };
    const exporter = previous?.exporter ?? new Exporter(options, delivery);
    exporter.configure(options);
    const table = priceTableFor(host.config);
    // Metrics only: the record is the summary's JSON text (made once, shared with the access log),
    // encoded now; nothing in it depends on the sharing switches.
    const metricsOnly = !options.share_prompts && !options.share_responses;
    const record = (ctx: RequestContext, outcome: Outcome) =>
      exporter.push(
        metricsOnly
          ? summaryRecord(arrivedAt(ctx), summaryJson(ctx, summarize(ctx, table, outcome)))
          : pending(ctx, options, table, outcome),
      );

    const instance: DataSharingInstance = {
      exporter,
      current,
      hooks: {
        onResponse: (ctx, reply) => record(ctx, { status: reply.status, reply }),
        onError: (error, ctx) => record(ctx, { status: error.status, error }),
      },
      close: () => exporter.close(),
    };
    if (options.share_responses) {
      instance.hooks!.transformChunk = (chunk, ctx) => {
        ctx.state.sharedAnswer ??= new StreamAssembly();
        ctx.state.sharedAnswer.add(chunk);
        return chunk;
      };
    }
    return instance;
  },
};

export default dataSharing;
