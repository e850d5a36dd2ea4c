export { type Account, accountFor, CACHE_HEADER, type CacheResult, upstreamModel } from './account.js';
export { costOf, formatUsd, type Tokens, tokensOf } from './cost.js';
export {
  type Price,
  PriceTable,
  type PricingOverrides,
  priceSchema,
  priceTableFor,
  pricingSchema,
} from './price-table.js';
export { type RequestSummary, summarize, summaryJson } from './summary.js';
