/** The process logger (pino): JSON lines by default, human-readable with `logging.format: pretty`. */
import pino from 'pino';
import pretty from 'pino-pretty';

export type Log = pino.Logger;

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
  return pino(options, destination ?? pino.destination({ sync: false }));
}
