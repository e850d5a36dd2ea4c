/** The process logger (pino): JSON lines by default, human-readable with `logging.format: pretty`. */
import type { Logger } from '@switchyard/core';
import pino from 'pino';
import pretty from 'pino-pretty';

export type Log = pino.Logger & Pick<Logger, 'line'>;

/**
 * stdout, written synchronously (pino's default) but in batches. On these machines a write call to a
 * pipe costs ~3 µs synchronously and ~45 µs through libuv's thread pool (what `sync: false` does), so
 * one write per access line would cost a gateway serving 8,000 requests/s a tenth of its time; lines
 * instead wait in a 16 KB batch (some 35 access lines) for at most LOG_FLUSH_MS. The startup line is
 * flushed at once, and whatever is batched when the process exits is written then.
 */
export const LOG_FLUSH_MS = 100;
const LOG_BATCH_CHARS = 16 * 1024;

/**
 * Lines gathered into one text, handed to sonic-boom (which does the write calls, partial writes and
 * EAGAIN) once per batch. sonic-boom can batch by itself (`minLength`), but it measures its whole
 * pending buffer with Buffer.byteLength on every write, flattening it each time: ~2 µs and ~2 KB of
 * garbage per access line, quadratic in the batch. Here a line costs one string append.
 */
class LineBatch implements pino.DestinationStream {
  private text = '';
  constructor(private readonly out: ReturnType<typeof pino.destination>) {}

  write(line: string): void {
    this.text += line;
    if (this.text.length >= LOG_BATCH_CHARS) this.flush();
  }

  /** Writes the batch (synchronously: sonic-boom is in sync mode); `done` is pino's flush callback. */
  flush(done?: () => void): void {
    if (this.text.length > 0) {
      const text = this.text;
      this.text = '';
      this.out.write(text);
    }
    done?.();
  }

  /** On exit: the batch, then anything sonic-boom still holds. */
  flushSync(): void {
    this.flush();
    this.out.flushSync();
  }
}

function batchedStdout(): LineBatch {
  const batch = new LineBatch(pino.destination({ dest: 1, sync: true }));
  setInterval(() => batch.flush(), LOG_FLUSH_MS).unref();
  process.once('exit', () => batch.flushSync());
  return batch;
}

const { chindingsSym } = pino.symbols;

/**
 * Adds `Logger.line` (see @switchyard/core): pino's own framing, `{"level":N,"time":ms` + the logger's
 * bindings (a child's, when called on a child) + the caller's fields + `"msg":…}`, byte for byte the
 * line pino would write. pino serializes a 19-field access line key by key in ~7 µs; one
 * JSON.stringify of the same fields takes ~1.3 µs.
 */
function withLines(log: pino.Logger, out: pino.DestinationStream): Log {
  type Bound = pino.Logger & { [chindingsSym]?: string };
  const line: Logger['line'] = function (this: unknown, level, fields, msg) {
    // Called on the root or a child (`child.line(…)`); called unbound, it writes as the root.
    const self = (this as Bound | undefined)?.[chindingsSym] === undefined ? (log as Bound) : (this as Bound);
    if (!self.isLevelEnabled(level)) return;
    const inner = fields.length > 2 ? `,${fields.slice(1, -1)}` : '';
    out.write(
      `{"level":${self.levels.values[level]},"time":${Date.now()}${self[chindingsSym]}${inner},"msg":${JSON.stringify(msg)}}\n`,
    );
  };
  return Object.assign(log, { line });
}

export function createLogger(
  level: string,
  format: 'json' | 'pretty',
  destination?: NodeJS.WritableStream,
): Log {
  const options: pino.LoggerOptions = {
    level,
    base: undefined,
    // Never log credentials, even if a plugin passes a header bag by mistake.
    redact: { paths: ['*.authorization', '*.api_key', '*["x-api-key"]', '*.key'], censor: '[redacted]' },
  };
  if (format === 'pretty')
    return pino(options, pretty({ colorize: false, destination: destination ?? 1, sync: true }));
  const out = destination ?? batchedStdout();
  return withLines(pino(options, out), out);
}
