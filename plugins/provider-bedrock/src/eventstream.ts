/**
 * The adapter's stream decoder: an `application/vnd.amazon.eventstream` body → one UpstreamEvent per
 * frame. Smithy's chunker reassembles frames that straddle network chunks (and splits chunks that hold
 * several), and its codec checks both CRCs and parses the headers.
 * (`@smithy/eventstream-codec` 4.5 is a deprecated re-export of the same code in `@smithy/core/event-streams`.)
 */
import { EventStreamCodec, getChunkedStream } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';
import { UpstreamError, type UpstreamEvent } from '@switchyard/core';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** Headers ≤ 128 KiB, payload ≤ 24 MiB, 16 bytes of prelude and CRCs. */
const MAX_FRAME_BYTES = 16 + 128 * 1024 + 24 * 1024 * 1024;

const brokenStream = (message: string, cause: unknown) =>
  new UpstreamError(502, 'upstream_error', message, { code: 'bad_response', retryable: true, cause });

/**
 * `event` is the `:event-type` of an event frame, the `:exception-type` of an exception frame or the
 * `:error-code` of an error frame; `data` is the payload text; `headers` holds every frame header as text.
 */
export async function* decodeEventStream(body: AsyncIterable<Uint8Array>): AsyncGenerator<UpstreamEvent> {
  let bodyEnded = false;
  async function* watched() {
    let head: Uint8Array = new Uint8Array(0);
    for await (const chunk of body) {
      // A body that is not an event stream (an HTML error page, say) must not make the chunker allocate
      // whatever its first four bytes read as: check the first frame's length before handing it over.
      if (head.length < 4) {
        head = concat(head, chunk);
        if (head.length >= 4 && new DataView(head.buffer, head.byteOffset).getUint32(0) > MAX_FRAME_BYTES) {
          throw brokenStream('Bedrock sent a body that is not an AWS event stream.', undefined);
        }
      }
      yield chunk;
    }
    bodyEnded = true;
  }
  const frames = getChunkedStream(watched())[Symbol.asyncIterator]();
  while (true) {
    let next: IteratorResult<Uint8Array>;
    try {
      next = await frames.next();
    } catch (err) {
      // Errors of the body itself (aborts, resets) pass through; after its end, only a cut frame is left.
      if (bodyEnded) throw brokenStream('Bedrock event stream ended in the middle of a frame.', err);
      throw err;
    }
    if (next.done) return;
    yield toEvent(next.value);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function toEvent(frame: Uint8Array): UpstreamEvent {
  let message: ReturnType<EventStreamCodec['decode']>;
  try {
    message = codec.decode(frame);
  } catch (err) {
    throw brokenStream('Bedrock sent an event-stream frame that does not decode (bad length or CRC).', err);
  }
  const headers: Record<string, string> = {};
  for (const [name, h] of Object.entries(message.headers)) headers[name] = String(h.value);
  const kind = headers[':message-type'];
  const event =
    (kind === 'exception'
      ? headers[':exception-type']
      : kind === 'error'
        ? headers[':error-code']
        : headers[':event-type']) ?? 'unknown';
  return { event, data: toUtf8(message.body), headers };
}
