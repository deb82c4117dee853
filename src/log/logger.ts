import { pino, type Logger } from 'pino';
import { redactCardData } from '../security/card-data.ts';

export type { Logger };

/** Header and field paths that carry secrets; pino censors them before a line is written. */
const REDACT = [
  'req.headers.authorization', 'req.headers["x-api-key"]', 'headers.authorization', 'headers["x-api-key"]',
  'apiKey', '*.apiKey', 'apiKeys', '*.apiKeys',
];

/**
 * Creates the root JSON logger; child loggers carry `correlationId`. Every logged object is also
 * walked for card numbers and CVVs, as a last line of defence: card data is tokenised before it
 * reaches any stage that logs, but nothing that slips through may reach a log in clear.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    base: { service: 'ndc-gateway' },
    redact: { paths: REDACT, censor: '[REDACTED]' },
    formatters: { log: (object: Record<string, unknown>) => redactCardData(object) },
  };
  return destination ? pino(options, destination as never) : pino(options);
}
