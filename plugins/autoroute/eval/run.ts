/**
 * `pnpm --filter @switchyard/plugin-autoroute eval [--options FILE.json] [--errors train|test]`
 * Scores every request of eval/set.jsonl with the default options (or FILE's), then reports tier
 * accuracy per split, confusion matrices, skill and needs accuracy, and what routing the set with
 * `auto` would cost against sending all of it to the top tier (tier models: eval/pricing.json; prices:
 * the gateway's shared price table).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { costOf, type Price, PriceTable } from '@switchyard/accounting';
import * as v from 'valibot';
import { extractShape } from '../src/extract.js';
import { compileScorer, explainJson, loadTokenCounter, optionsSchema } from '../src/index.js';
import { type EvalItem, loadSet } from './dataset.js';

interface Pricing {
  tiers: Record<string, { provider: string; model: string }>;
  top_tier: string;
  output_tokens_by_label: Record<string, number>;
}

const { values: args } = parseArgs({ options: { options: { type: 'string' }, errors: { type: 'string' } } });
const options = v.parse(optionsSchema, args.options ? JSON.parse(readFileSync(args.options, 'utf8')) : {});
const pricing = JSON.parse(readFileSync(new URL('./pricing.json', import.meta.url), 'utf8')) as Pricing;
const table = new PriceTable();
const prices: Record<string, Price> = {};
for (const [tier, { provider, model }] of Object.entries(pricing.tiers)) {
  const price = table.lookup(provider, provider, model);
  if (!price) throw new Error(`the shared price table has no price for ${provider}/${model} (tier ${tier})`);
  prices[tier] = price;
}
const count = await loadTokenCounter();
const score = compileScorer(options, count);
const items = loadSet();
const tierNames = Object.entries(options.tiers)
  .sort((a, b) => a[1] - b[1])
  .map(([name]) => name);
const rank = (tier: string) => tierNames.indexOf(tier);

const rows = items.map((item) => {
  const result = score(item.request);
  const whole = extractShape(item.request, {
    scanChars: Number.MAX_SAFE_INTEGER,
    sampleChars: Number.MAX_SAFE_INTEGER,
  });
  return { item, result, inputTokens: count(whole.askSample) + count(whole.contextSample) };
});

const pct = (n: number, d: number) => (d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)}%`);

function report(split: EvalItem['split'] | 'all') {
  const sel = rows.filter((r) => split === 'all' || r.item.split === split);
  const correct = sel.filter((r) => r.result.tier === r.item.tier).length;
  const under = sel.filter((r) => rank(r.result.tier) < rank(r.item.tier));
  const severe = under.filter((r) => rank(r.item.tier) - rank(r.result.tier) >= 2).length;
  const skills = sel.filter((r) => r.result.skill === r.item.skill).length;
  const needs = sel.filter(
    (r) => [...r.result.needs].sort().join() === [...r.item.needs].sort().join(),
  ).length;
  console.log(`\n${split}: ${sel.length} requests`);
  console.log(`  tier accuracy   ${pct(correct, sel.length)} (${correct}/${sel.length})`);
  console.log(
    `  under-routed    ${under.length} (by two tiers: ${severe}); over-routed ${sel.length - correct - under.length}`,
  );
  console.log(`  skill accuracy  ${pct(skills, sel.length)}   needs exact ${pct(needs, sel.length)}`);
  const width = Math.max(8, ...tierNames.map((t) => t.length + 2));
  console.log(`  confusion (rows: label, columns: routed)`);
  console.log(`  ${''.padEnd(width)}${tierNames.map((t) => t.padStart(width)).join('')}`);
  for (const label of tierNames) {
    const cells = tierNames.map((routed) =>
      String(sel.filter((r) => r.item.tier === label && r.result.tier === routed).length).padStart(width),
    );
    console.log(`  ${label.padEnd(width)}${cells.join('')}`);
  }
}

function cost(tier: string, inputTokens: number, label: string): number {
  const price = prices[tier];
  if (!price) throw new Error(`eval/pricing.json names no model for tier ${tier}`);
  const output = pricing.output_tokens_by_label[label] ?? 0;
  return costOf({ input: inputTokens, output, cached_input: 0, cache_write: 0 }, price);
}

console.log(`autoroute eval: ${items.length} requests, ${args.options ? args.options : 'default options'}`);
report('train');
report('test');

const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((s, r) => s + f(r), 0);
const auto = sum((r) => cost(r.result.tier, r.inputTokens, r.item.tier));
const top = sum((r) => cost(pricing.top_tier, r.inputTokens, r.item.tier));
const oracle = sum((r) => cost(r.item.tier, r.inputTokens, r.item.tier));
console.log(
  `\ncost of the whole set (input tokens counted, output assumed per label: ${JSON.stringify(pricing.output_tokens_by_label)})`,
);
for (const [tier, { provider, model }] of Object.entries(pricing.tiers)) {
  console.log(
    `  ${tier.padEnd(8)} ${provider}/${model}: $${prices[tier]!.input} in, $${prices[tier]!.output} out per Mtok`,
  );
}
console.log(`  auto          $${auto.toFixed(4)}`);
console.log(`  all ${pricing.top_tier.padEnd(9)} $${top.toFixed(4)}`);
console.log(`  by label      $${oracle.toFixed(4)} (perfect routing)`);
console.log(`  auto / all ${pricing.top_tier} = ${(auto / top).toFixed(3)} (saves ${pct(top - auto, top)})`);

if (args.errors) {
  console.log(`\nmisrouted (${args.errors}):`);
  for (const r of rows.filter((r) => r.item.split === args.errors && r.result.tier !== r.item.tier)) {
    console.log(
      `  ${r.item.id}: label ${r.item.tier}, routed ${r.result.tier} ${r.result.score} ${explainJson(r.result)}`,
    );
  }
  for (const r of rows.filter((r) => r.item.split === args.errors && r.result.skill !== r.item.skill)) {
    console.log(`  skill ${r.item.id}: label ${r.item.skill}, got ${r.result.skill}`);
  }
}
