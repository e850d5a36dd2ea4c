/**
 * Incremental Server-Sent Events parsing and writing (the WHATWG event-stream grammar):
 * `data:` with or without a space, LF / CRLF / CR line ends, `:` comments, multi-line data,
 * and events split anywhere across network chunks. Parsing is byte-agnostic: feed decoded text.
 */

export interface SseEvent {
  /** The `event:` field, when the stream names its events (Anthropic, Responses API). */
  event?: string;
  /** All `data:` lines of the event joined with `\n`. */
  data: string;
  id?: string;
}

export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event: string | undefined;
  private id: string | undefined;
  /** A chunk that ended in `\r` may be the first half of a CRLF. */
  private pendingCr = false;

  /** Feed one piece of decoded text; returns the events it completed. */
  push(text: string): SseEvent[] {
    const out: SseEvent[] = [];
    let start = 0;
    if (this.pendingCr && text.startsWith('\n')) start = 1;
    this.pendingCr = false;
    let buffer = this.buffer;
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(buffer + text.slice(start, i), out);
      buffer = '';
      if (c === 13) {
        if (i + 1 === text.length) this.pendingCr = true;
        else if (text.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    this.buffer = buffer + text.slice(start);
    return out;
  }

  /** The stream ended: a final event without its blank line is still delivered. */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    if (this.buffer) this.line(this.buffer, out);
    this.buffer = '';
    this.dispatch(out);
    return out;
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === '') {
      this.dispatch(out);
      return;
    }
    if (line.charCodeAt(0) === 58 /* : */) return; // comment / keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id') this.id = value;
  }

  private dispatch(out: SseEvent[]): void {
    if (this.data.length > 0) {
      const ev: SseEvent = { data: this.data.length === 1 ? this.data[0]! : this.data.join('\n') };
      if (this.event !== undefined) ev.event = this.event;
      if (this.id !== undefined) ev.id = this.id;
      out.push(ev);
    }
    this.data = [];
    this.event = undefined;
  }
}

/** Parse a whole async byte stream into events, as they complete. */
export async function* parseSse(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseEvent> {
  const parser = new SseParser();
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    for (const ev of parser.push(text)) yield ev;
  }
  const tail = decoder.decode();
  if (tail) for (const ev of parser.push(tail)) yield ev;
  for (const ev of parser.end()) yield ev;
}

/** Serialize one event. Multi-line data is split into several `data:` lines. */
export function formatSse(data: string, event?: string): string {
  const head = event ? `event: ${event}\n` : '';
  if (data.indexOf('\n') === -1) return `${head}data: ${data}\n\n`;
  return `${head}${data
    .split('\n')
    .map((l) => `data: ${l}`)
    .join('\n')}\n\n`;
}

export const SSE_DONE = 'data: [DONE]\n\n';
