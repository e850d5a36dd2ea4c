import type { RequestSummary } from '@switchyard/accounting';
import { describe, expect, it } from 'vitest';
import { encodeBatch, type Pending, queued, toRecord } from './record.js';
import { createRedactor } from './redact.js';

const summary: RequestSummary = {
  request_id: 'req-"quoted"-1',
  operation: 'chat',
  path: '/v1/chat/completions',
  route: 'chat',
  provider: 'openai',
  model: 'gpt-4o-mini',
  requested_model: 'fast',
  stream: false,
  status: 200,
  error: null,
  attempts: 1,
  fallbacks: 0,
  cache: null,
  tokens: { input: 12, output: 3, cached_input: 0, cache_write: 0 },
  cost_usd: 0.0000036,
  unpriced: false,
  ttft_ms: 12.5,
  duration_ms: 13.1,
  key_name: null,
};
const sharing = { prompts: true, responses: true, redactor: createRedactor([], []) };

describe('queued records', () => {
  it('encodes a summary-only record at once, exactly as toRecord would', () => {
    const p: Pending = { at: 1_795_000_000_123, summary };
    const text = queued(p);
    expect(typeof text).toBe('string');
    expect(JSON.parse(text as string)).toEqual(toRecord(p, sharing));
    expect(Object.keys(JSON.parse(text as string))[0]).toBe('time');
  });

  it('keeps a record with a prompt unencoded, so the switches at send time apply', () => {
    const p: Pending = { at: 1, summary, prompt: [{ role: 'user', content: 'hi' }] };
    expect(queued(p)).toBe(p);
    const off = JSON.parse(encodeBatch([p], 0, { ...sharing, prompts: false }));
    expect(off.records[0].prompt).toBeUndefined();
  });

  it('assembles a batch of encoded and pending records into one valid document', () => {
    const items = [queued({ at: 1, summary }), { at: 2, summary, prompt: 'p' } as Pending];
    const batch = JSON.parse(encodeBatch(items, 7, sharing));
    expect(batch).toMatchObject({ schema: 'switchyard.records.v1', dropped_total: 7 });
    expect(batch.records.map((r: { time: string }) => r.time)).toEqual([
      new Date(1).toISOString(),
      new Date(2).toISOString(),
    ]);
    expect(batch.records[1].prompt).toBe('p');
  });
});
