import type { GatewayConfig } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { PriceTable, priceTableFor } from './price-table.js';
import shipped from './prices.json' with { type: 'json' };

describe('the price table', () => {
  const table = new PriceTable();

  it('ships dated prices for every provider type it lists', () => {
    for (const [type, entry] of Object.entries(shipped.providers)) {
      expect(entry.checked, type).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(entry.source, type).not.toBe('');
      expect(Object.keys(entry.models).length, type).toBeGreaterThan(0);
    }
  });

  it('finds a model by provider type, and dated snapshots and -latest aliases by their base model', () => {
    expect(table.lookup('up', 'openai', 'gpt-4o-mini')).toMatchObject({ input: 0.15, output: 0.6 });
    expect(table.lookup('up', 'openai', 'gpt-4o-mini-2024-07-18')).toMatchObject({ input: 0.15 });
    expect(table.lookup('claude', 'anthropic', 'claude-3-5-haiku-20241022')).toMatchObject({ input: 0.8 });
    expect(table.lookup('claude', 'anthropic', 'claude-3-5-haiku-latest')).toMatchObject({ input: 0.8 });
  });

  it('keeps an exact snapshot entry over its base model', () => {
    expect(table.lookup('up', 'openai', 'gpt-4o-2024-05-13')).toMatchObject({ input: 5, output: 15 });
    expect(table.lookup('up', 'openai', 'gpt-4o-2024-08-06')).toMatchObject({ input: 2.5, output: 10 });
  });

  it('leaves unknown models and types unpriced instead of free', () => {
    expect(table.lookup('up', 'openai', 'gpt-unknown')).toBeUndefined();
    expect(table.lookup('az', 'azure-openai', 'my-deployment')).toBeUndefined();
  });

  it('prices every model of a self-hosted or mock type at zero through *', () => {
    expect(table.lookup('local', 'ollama', 'llama3.1:8b')).toEqual({ input: 0, output: 0 });
    expect(table.lookup('demo', 'mock', 'echo')).toEqual({ input: 0, output: 0 });
  });

  it('prefers overrides by provider id, then by type, then the shipped table', () => {
    const t = new PriceTable({
      'cheap/gpt-4o-mini': { input: 0.1, output: 0.2 },
      'openai/gpt-4o-mini': { input: 0.3, output: 0.4 },
      'together/*': { input: 0.9, output: 0.9 },
    });
    expect(t.lookup('cheap', 'openai', 'gpt-4o-mini')).toEqual({ input: 0.1, output: 0.2 });
    expect(t.lookup('other', 'openai', 'gpt-4o-mini')).toEqual({ input: 0.3, output: 0.4 });
    expect(t.lookup('other', 'openai', 'gpt-4o')).toMatchObject({ input: 2.5 });
    expect(t.lookup('together', 'together', 'meta-llama/Llama-3-70b')).toEqual({ input: 0.9, output: 0.9 });
  });

  it('warns once per provider/model', () => {
    const lines: unknown[] = [];
    const log = { debug() {}, info() {}, error() {}, warn: (o: unknown) => lines.push(o) };
    table.warnUnpriced('up', 'x', log);
    table.warnUnpriced('up', 'x', log);
    table.warnUnpriced('up', 'y', log);
    expect(lines).toEqual([
      { provider: 'up', model: 'x' },
      { provider: 'up', model: 'y' },
    ]);
  });

  it('builds one table per config and validates the pricing block', () => {
    const config = { pricing: { 'up/m': { input: 1, output: 2 } } } as unknown as GatewayConfig;
    expect(priceTableFor(config)).toBe(priceTableFor(config));
    expect(priceTableFor(config).lookup('up', 'openai', 'm')).toEqual({ input: 1, output: 2 });
    expect(() => priceTableFor({ pricing: { nomodel: { input: 1, output: 1 } } } as never)).toThrow(
      /provider\/model/,
    );
    expect(() => priceTableFor({ pricing: { 'a/b': { input: -1, output: 1 } } } as never)).toThrow(
      /negative/,
    );
  });
});
