/** The Tiny provider, loaded by path, passes the provider conformance suite against Tiny's mock. */
import { describeProviderConformance } from '@switchyard/testing';
import { expect, it } from 'vitest';
import { tinyKit } from './tiny-kit.js';
import tiny from './tiny-provider.js';

describeProviderConformance(tinyKit);

// Pure translation can be tested without a gateway: here, NDJSON framing whatever the network does.
it('decodes NDJSON lines split across chunks, and several lines in one chunk', async () => {
  const adapter = tiny.create(
    { base_url: 'http://127.0.0.1:7070', headers: {}, default_limit: 16 } as never,
    {} as never,
  );
  const bytes = new TextEncoder().encode(
    '{"start":{"id":"a"}}\n{"text":"Hi"}\n{"end":"done","tokens":{"input":1,"output":1}}',
  );
  async function* network() {
    yield bytes.slice(0, 7);
    yield bytes.slice(7, 40);
    yield bytes.slice(40);
  }
  const lines = [];
  for await (const ev of adapter.decodeStream!(network())) lines.push(JSON.parse(ev.data));
  expect(lines).toEqual([
    { start: { id: 'a' } },
    { text: 'Hi' },
    { end: 'done', tokens: { input: 1, output: 1 } },
  ]);
});
