import { GatewayError } from '../errors/index.ts';
import { JOURNEY_CHANNELS, type JourneyChannel } from '../journeys/journey-states.ts';
import type { AnalyticsFilter } from './analytics-types.ts';

/** The window when the query names none: the last seven days. */
export const DEFAULT_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/** The query parameters every report takes, and nothing else: a misspelt filter is refused rather than silently ignored. */
export const FILTER_PARAMETERS = ['from', 'to', 'channel', 'clientId', 'experiment', 'variant'] as const;

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
/** Client ids as CLIENTS_FILE allows them; experiment ids and variant names are as free, and as short. */
const NAME = /^[A-Za-z0-9._-]{1,64}$/;

function invalid(parameter: string, message: string): GatewayError {
  return new GatewayError('INVALID_COMMAND', `Query parameter ${parameter}: ${message}`, [{ message, path: parameter }]);
}

/**
 * Reads the window and filters of an analytics query (`from`, `to` as ISO 8601, `channel`,
 * `clientId`, `experiment`, `variant`). Each bad value is a 400 naming its parameter. `from` and
 * `to` come back as full ISO instants in UTC, so a report says exactly which window it counted.
 * @param now the end of the default window.
 */
export function parseAnalyticsFilter(query: Readonly<Record<string, unknown>>, now: number = Date.now()): AnalyticsFilter {
  const unknown = Object.keys(query).filter((key) => !(FILTER_PARAMETERS as readonly string[]).includes(key));
  if (unknown.length > 0) throw invalid(unknown[0]!, `unknown parameter; the filters are ${FILTER_PARAMETERS.join(', ')}`);
  const text = (parameter: string): string | undefined => {
    const value = query[parameter];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw invalid(parameter, 'give it once, as a plain value');
    return value;
  };
  const instant = (parameter: string): number | undefined => {
    const value = text(parameter);
    if (value === undefined) return undefined;
    // A date-time without a zone is UTC, as a date alone is: never the server's local time.
    const zoned = /T[^Z+-]*$/.test(value) ? `${value}Z` : value;
    const ms = ISO_8601.test(value) ? Date.parse(zoned) : Number.NaN;
    if (Number.isNaN(ms)) throw invalid(parameter, `${JSON.stringify(value)} is not an ISO 8601 date or date-time`);
    return ms;
  };
  const named = (parameter: string): string | undefined => {
    const value = text(parameter);
    if (value !== undefined && !NAME.test(value)) throw invalid(parameter, 'use 1 to 64 letters, digits, ".", "_" or "-"');
    return value;
  };

  const givenTo = instant('to');
  const givenFrom = instant('from');
  const to = givenTo ?? (givenFrom !== undefined ? Math.max(now, givenFrom + 1) : now);
  const from = givenFrom ?? to - DEFAULT_WINDOW_MS;
  if (from >= to) throw invalid('from', 'must be before to');
  const channel = text('channel');
  if (channel !== undefined && !(JOURNEY_CHANNELS as readonly string[]).includes(channel)) throw invalid('channel', `must be one of ${JOURNEY_CHANNELS.join(', ')}`);
  const clientId = named('clientId');
  const experiment = named('experiment');
  const variant = named('variant');
  if (variant !== undefined && experiment === undefined) throw invalid('variant', 'needs the experiment it is a variant of');
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    ...(channel !== undefined ? { channel: channel as JourneyChannel } : {}),
    ...(clientId !== undefined ? { clientId } : {}),
    ...(experiment !== undefined ? { experiment } : {}),
    ...(variant !== undefined ? { variant } : {}),
  };
}
