import { UpstreamError, type UpstreamEvent } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { decodeEventStream } from './eventstream.js';
import { readWire, readWireBytes } from './test-fixtures.js';

const bin = readWireBytes('bedrock_converse_stream.bin');
const expected = readWire('bedrock_converse_stream_events.jsonl')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line));

async function* chunks(parts: Uint8Array[]) {
  for (const part of parts) yield part;
}

async function decodeAll(parts: Uint8Array[]): Promise<UpstreamEvent[]> {
  const out: UpstreamEvent[] = [];
  for await (const ev of decodeEventStream(chunks(parts))) out.push(ev);
  return out;
}

function expectFixtureEvents(events: UpstreamEvent[]) {
  expect(events).toHaveLength(expected.length);
  events.forEach((ev, i) => {
    const want = expected[i];
    expect(ev.event).toBe(want.headers[':event-type']);
    expect((ev as { headers?: Record<string, string> }).headers).toEqual(want.headers);
    expect(JSON.parse(ev.data)).toEqual(want.payload);
  });
}

/** Deterministic pseudo-random numbers (mulberry32), so a failing split can be replayed. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomSplit(bytes: Uint8Array, random: () => number, maxPiece: number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(random() * maxPiece);
    parts.push(bytes.slice(at, at + size));
    at += size;
  }
  return parts;
}

describe('decodeEventStream on wire/bedrock_converse_stream.bin', () => {
  it('matches bedrock_converse_stream_events.jsonl fed whole (many frames in one chunk)', async () => {
    expect(expected.reduce((n: number, e: any) => n + e.frame_bytes, 0)).toBe(bin.length);
    expectFixtureEvents(await decodeAll([bin]));
  });

  it('matches fed byte by byte (every frame straddles chunks)', async () => {
    expectFixtureEvents(await decodeAll(Array.from(bin, (b) => Uint8Array.of(b))));
  });

  it('matches fed in random splits, small and large', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = rng(seed);
      // Pieces up to 40 bytes cut inside preludes and headers; up to 600 bytes hold several frames plus a part.
      const parts = randomSplit(bin, random, seed % 2 ? 40 : 600);
      expectFixtureEvents(await decodeAll(parts));
    }
  });

  it('names an exception frame by its :exception-type (bedrock_converse_stream_exception.bin)', async () => {
    const events = await decodeAll([readWireBytes('bedrock_converse_stream_exception.bin')]);
    const last = events.at(-1) as { event: string; data: string; headers: Record<string, string> };
    expect(events.map((e) => e.event)).toEqual(['messageStart', 'contentBlockDelta', 'throttlingException']);
    expect(last.headers[':message-type']).toBe('exception');
    expect(JSON.parse(last.data).message).toMatch(/Too many tokens/);
  });
});

describe('decodeEventStream on broken bodies', () => {
  const firstFrameBytes = expected[0].frame_bytes as number;

  it('fails with a retryable 502 when the body ends inside a frame', async () => {
    const cut = bin.slice(0, firstFrameBytes + 10);
    const err = await decodeAll([cut]).catch((e) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.status).toBe(502);
    expect(err.retryable).toBe(true);
  });

  it('fails when a CRC does not match', async () => {
    const corrupt = bin.slice();
    corrupt[firstFrameBytes - 10]! ^= 0xff; // a payload byte of the first frame
    const err = await decodeAll([corrupt]).catch((e) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.message).toMatch(/CRC/);
  });

  it('refuses a body that is not an event stream instead of allocating what its first bytes read as', async () => {
    const html = new TextEncoder().encode('<html><body>Bad gateway</body></html>');
    const err = await decodeAll([html.slice(0, 2), html.slice(2)]).catch((e) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.message).toMatch(/not an AWS event stream/);
  });

  it('passes errors of the body itself through unchanged', async () => {
    const reset = new Error('socket reset');
    async function* failing() {
      yield bin.slice(0, 20);
      throw reset;
    }
    const events: UpstreamEvent[] = [];
    const err = await (async () => {
      for await (const ev of decodeEventStream(failing())) events.push(ev);
    })().catch((e) => e);
    expect(err).toBe(reset);
  });
});
