/** The process logger (pino): JSON lines by default, human-readable with `logging.format: pretty`. */
import type { Logger } from '@switchyard/core';
import pino from 'pino';
import pretty from 'pino-pretty';

export type Log = pino.Logger & Pick<Logger, 'line'>;

/**
 * stdout, written synchronously (pino's default) but in batches. On these machines a write call to a
 * pipe costs ~3 µs synchronously and ~45 µs through libuv's thread pool (what `sync: false` does), so
 * one write per access line would cost a gateway serving 8,000 requests/s a tenth of its time; lines
 * instead wait in a 4 KB buffer (about a dozen access lines) for at most LOG_FLUSH_MS. The startup line
 * is flushed at once, and whatever is buffered when the process exits is written then.
 */
export const LOG_FLUSH_MS = 100;
const LOG_BUFFER_BYTES = 4096;

function bufferedStdout(): {
  stream: pino.DestinationStream;
  hooks: pino.LoggerOptions['hooks'];
  write(text: string): void;
} {
  const stream = pino.destination({ dest: 1, sync: true, minLength: LOG_BUFFER_BYTES });
  let pending = false;
  setInterval(() => {
    if (!pending) return;
    pending = false;
    stream.flush(); // not flushSync(): that also fsyncs, a disk flush every 100 ms when stdout is a file
  }, LOG_FLUSH_MS).unref();
  process.once('exit', () => stream.flushSync());
  return {
    stream,
    hooks: {
      streamWrite(line) {
        pending = true;
        return line;
      },
    },
    write(text) {
      pending = true;
      stream.write(text);
    },
  };
}

/**
 * Adds `Logger.line` (see @switchyard/core): pino's own framing, `{"level":N,"time":ms,` … `"msg":…}`,
 * around fields serialized by the caller, byte for byte the line pino would write. pino serializes a
 * 19-field access line key by key in ~7 µs; one JSON.stringify of the same fields takes ~1.3 µs.
 */
function withLines(log: pino.Logger, write: (text: string) => void): Log {
  const line: Logger['line'] = (level, fields, msg) => {
    if (!log.isLevelEnabled(level)) return;
    const inner = fields.length > 2 ? `${fields.slice(1, -1)},` : '';
    write(
      `{"level":${log.levels.values[level]},"time":${Date.now()},${inner}"msg":${JSON.stringify(msg)}}\n`,
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
  if (destination) return withLines(pino(options, destination), (text) => destination.write(text));
  const stdout = bufferedStdout();
  return withLines(pino({ ...options, hooks: stdout.hooks }, stdout.stream), stdout.write);
}
