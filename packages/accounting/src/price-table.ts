/**
 * Model prices: the table shipped with the gateway (prices.json, by provider type) under the operator's
 * YAML overrides (the top-level `pricing:` block, by provider id or type). A model found nowhere is
 * unpriced — reported as such, never counted as $0.
 */
import type { GatewayConfig, Logger } from '@switchyard/core';
import * as v from 'valibot';
import shipped from './prices.json' with { type: 'json' };

const perMillion = (what: string) =>
  v.pipe(
    v.number('expected a price in USD per million tokens'),
    v.minValue(0, 'a price cannot be negative'),
    v.description(what),
  );

const rates = {
  input: perMillion('USD per million input (prompt) tokens.'),
  output: perMillion('USD per million output (completion) tokens, reasoning included.'),
  cached_input: v.optional(
    perMillion("USD per million prompt tokens read from the provider's prompt cache (default: input)."),
  ),
  cache_write: v.optional(
    perMillion("USD per million prompt tokens written to the provider's prompt cache (default: input)."),
  ),
};

export const priceSchema = v.strictObject({
  ...rates,
  long_context: v.optional(
    v.pipe(
      v.strictObject({
        above_input_tokens: v.pipe(v.number(), v.integer(), v.minValue(0)),
        ...rates,
      }),
      v.description('Prices that apply once a prompt is longer than above_input_tokens.'),
    ),
  ),
});

/** The YAML `pricing:` block: `PROVIDER/MODEL` (provider id or type; model `*` for every model) → price. */
export const pricingSchema = v.record(
  v.pipe(v.string(), v.regex(/^[^/]+\/.+$/, 'expected a key like provider/model (model may be *)')),
  priceSchema,
);

export type Price = v.InferOutput<typeof priceSchema>;
export type PricingOverrides = v.InferOutput<typeof pricingSchema>;

interface ShippedTable {
  providers: Record<string, { checked: string; source: string; models: Record<string, Price> }>;
}

/** Dated snapshots and aliases share the base model's price: `claude-3-5-haiku-20241022`, `gpt-4o-mini-2024-07-18`, `…-latest`. */
const VERSION_SUFFIX = /-(?:\d{8}|\d{4}-\d{2}-\d{2}|latest)$/;

/** Prices looked up for at most this many distinct provider/model pairs are remembered (passthrough models are client input). */
const MEMO_LIMIT = 2000;

export class PriceTable {
  private readonly memo = new Map<string, Price | null>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly overrides: PricingOverrides = {},
    private readonly table: ShippedTable = shipped as ShippedTable,
  ) {}

  /** The price of `model` on provider `id` of type `type`, or undefined when unpriced. */
  lookup(id: string, type: string, model: string): Price | undefined {
    const key = `${id}\u0000${type}\u0000${model}`;
    const hit = this.memo.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const found = this.find(id, type, model);
    if (this.memo.size < MEMO_LIMIT) this.memo.set(key, found ?? null);
    return found;
  }

  private find(id: string, type: string, model: string): Price | undefined {
    const base = model.replace(VERSION_SUFFIX, '');
    const names = base === model ? [model] : [model, base];
    for (const owner of id === type ? [id] : [id, type]) {
      for (const name of names) {
        const price = this.overrides[`${owner}/${name}`];
        if (price) return price;
      }
    }
    for (const owner of id === type ? [id] : [id, type]) {
      const price = this.overrides[`${owner}/*`];
      if (price) return price;
    }
    const models = this.table.providers[type]?.models;
    if (!models) return undefined;
    for (const name of names) if (Object.hasOwn(models, name)) return models[name];
    return models['*'];
  }

  /** One warning per provider/model and table (a reload may change prices, so it warns again). */
  warnUnpriced(provider: string, model: string, log: Logger): void {
    const key = `${provider}/${model}`;
    if (this.warned.has(key) || this.warned.size >= MEMO_LIMIT) return;
    this.warned.add(key);
    log.warn(
      { provider, model },
      `no price for ${key}: its cost is reported as unpriced (switchyard_unpriced_requests_total); add it under pricing: in the config`,
    );
  }
}

const tables = new WeakMap<GatewayConfig, PriceTable>();

/** One table per config load, shared by every plugin of that snapshot. */
export function priceTableFor(config: GatewayConfig): PriceTable {
  let table = tables.get(config);
  if (!table) {
    const overrides = config.pricing === undefined ? {} : v.parse(pricingSchema, config.pricing);
    table = new PriceTable(overrides);
    tables.set(config, table);
  }
  return table;
}
