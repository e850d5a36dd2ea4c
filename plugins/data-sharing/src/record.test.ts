import type { RequestSummary } from '@switchyard/accounting';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBatch, isoTime, type Pending, summaryRecord, toRecord } from './record.js';
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
  it('encodes a metrics-only record exactly as toRecord would, time first', () => {
    const p: Pending = { at: 1_795_000_000_123, summary };
    const text = summaryRecord(p.at, JSON.stringify(summary));
    expect(JSON.parse(text)).toEqual(toRecord(p, sharing));
    expect(Object.keys(JSON.parse(text))[0]).toBe('time');
  });

  it('encodes a record with a prompt at send time, under the switches of that moment', () => {
    const p: Pending = { at: 1, summary, prompt: [{ role: 'user', content: 'hi' }] };
    const on = JSON.parse(encodeBatch([p], 0, sharing));
    expect(on.records[0].prompt).toEqual([{ role: 'user', content: 'hi' }]);
    const off = JSON.parse(encodeBatch([p], 0, { ...sharing, prompts: false }));
    expect(off.records[0].prompt).toBeUndefined();
  });

  it('assembles a batch of encoded and pending records into one valid document', () => {
    const items = [summaryRecord(1, JSON.stringify(summary)), { at: 2, summary, prompt: 'p' } as Pending];
    const batch = JSON.parse(encodeBatch(items, 7, sharing));
    expect(batch).toMatchObject({ schema: 'switchyard.records.v1', dropped_total: 7 });
    expect(batch.records.map((r: { time: string }) => r.time)).toEqual([
      new Date(1).toISOString(),
      new Date(2).toISOString(),
    ]);
    expect(batch.records[1].prompt).toBe('p');
  });
});

describe('isoTime', () => {
  it('equals toISOString for any time and any order of calls, fractional milliseconds included', () => {
    const time = fc.double({ min: 0, max: 253402300799999, noNaN: true }); // 1970 to the end of 9999
    fc.assert(
      fc.property(fc.array(time, { minLength: 1, maxLength: 20 }), (times) => {
        for (const at of times) expect(isoTime(at)).toBe(new Date(at).toISOString());
      }),
    );
    // Neighbouring times, where the reused second matters.
    for (const at of [1764057600000, 1764057600001, 1764057600999.9, 1764057601000, 1764057599999])
      expect(isoTime(at)).toBe(new Date(at).toISOString());
  });
});
