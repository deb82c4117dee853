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

/**
 * The logger of a service process: pino JSON lines on stdout, or with LOG_PRETTY readable
 * coloured lines for development, through pino-pretty (a development dependency).
 */
export async function createServiceLogger(config: { readonly logLevel: string; readonly logPretty: boolean }): Promise<Logger> {
  if (!config.logPretty) return createLogger(config.logLevel);
  let pretty: typeof import('pino-pretty');
  try {
    pretty = (await import('pino-pretty')).default;
  } catch {
    throw new Error('LOG_PRETTY=true needs pino-pretty, a development dependency: install with `npm ci` (not --omit=dev), or unset LOG_PRETTY');
  }
  return createLogger(config.logLevel, pretty({ colorize: Boolean(process.stdout.isTTY), translateTime: 'SYS:HH:MM:ss.l', ignore: 'service,hostname' }));
}
