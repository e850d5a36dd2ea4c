import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSse, parseSse, SseParser } from './sse.js';

const parseAll = (pieces: string[]) => {
  const p = new SseParser();
  const out = pieces.flatMap((piece) => p.push(piece));
  return [...out, ...p.end()];
};

describe('SseParser', () => {
  it('reads data with and without the space after the colon', () => {
    expect(parseAll(['data: a\n\ndata:b\n\n'])).toEqual([{ data: 'a' }, { data: 'b' }]);
  });

  it('handles CRLF and lone CR line ends (Gemini sends CRLF)', () => {
    expect(parseAll(['data: one\r\n\r\ndata: two\r\rdata: three\n\n'])).toEqual([
      { data: 'one' },
      { data: 'two' },
      { data: 'three' },
    ]);
  });

  it('ignores comments and keep-alives, keeps event names and ids', () => {
    const text = ': OPENROUTER PROCESSING\n\nevent: message_start\nid: 7\ndata: {"x":1}\n\n: keep-alive\n\n';
    expect(parseAll([text])).toEqual([{ event: 'message_start', id: '7', data: '{"x":1}' }]);
  });

  it('joins multi-line data with newlines', () => {
    expect(parseAll(['data: line one\ndata: line two\n\n'])).toEqual([{ data: 'line one\nline two' }]);
  });

  it('assembles events split anywhere across chunks, including inside a CRLF', () => {
    const text = 'event: a\r\ndata: {"k":"v"}\r\n\r\ndata: [DONE]\r\n\r\n';
    const expected = parseAll([text]);
    for (let i = 1; i < text.length; i++)
      expect(parseAll([text.slice(0, i), text.slice(i)])).toEqual(expected);
  });

  it('delivers a final event that lacks its blank line when the stream ends', () => {
    expect(parseAll(['data: tail'])).toEqual([{ data: 'tail' }]);
  });

  it('round-trips formatSse for any data and any chunking (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\r')),
          { minLength: 1, maxLength: 5 },
        ),
        fc.array(fc.nat(), { maxLength: 6 }),
        (datas, cuts) => {
          const text = datas.map((d) => formatSse(d)).join('');
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const pieces: string[] = [];
          let last = 0;
          for (const p of points) {
            pieces.push(text.slice(last, p));
            last = p;
          }
          pieces.push(text.slice(last));
          expect(parseAll(pieces).map((e) => e.data)).toEqual(datas);
        },
      ),
    );
  });

  it('parseSse decodes UTF-8 split across byte chunks', async () => {
    const bytes = new TextEncoder().encode('data: héllo ☀\n\n');
    async function* body() {
      for (const b of bytes) yield new Uint8Array([b]);
    }
    const events = [];
    for await (const ev of parseSse(body())) events.push(ev);
    expect(events).toEqual([{ data: 'héllo ☀' }]);
  });
});
