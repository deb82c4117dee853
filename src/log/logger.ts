import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Paths that may carry card data or secrets. pino censors them before a line is written,
 * as a second line of defence: card data is masked before it reaches any stage that logs.
 */
const REDACT = [
  'req.headers.authorization', 'req.headers["x-api-key"]', '*.cardNumber', '*.cvv', '*.CardNumber', '*.SeriesCode',
  '*.*.cardNumber', '*.*.cvv', 'apiKey', '*.apiKey',
];

/** Creates the root JSON logger. Child loggers carry `correlationId`. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = { level, base: { service: 'ndc-gateway' }, redact: { paths: REDACT, censor: '[REDACTED]' } };
  return destination ? pino(options, destination as never) : pino(options);
}
