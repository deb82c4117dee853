import { GatewayError, type ErrorDetail } from '../errors/index.ts';
import type { OfferFilter, OfferSummary } from './journey-data.ts';

const CABINS = ['FIRST', 'BUSINESS', 'PREMIUM_ECONOMY', 'ECONOMY'];
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Checks a filter body (`PUT /shopping/filter`): every problem with its path, or the filter. */
export function parseOfferFilter(value: unknown): OfferFilter {
  if (!isObject(value)) throw new GatewayError('INVALID_COMMAND', 'filter must be an object', [{ message: 'not an object', path: '/filter' }]);
  const problems: ErrorDetail[] = [];
  const { maxPrice, maxStops, departureFrom, departureTo, cabin, carriers, ...rest } = value;
  for (const key of Object.keys(rest)) problems.push({ message: `unknown filter ${key}`, path: `/filter/${key}` });
  if (maxPrice !== undefined && !(typeof maxPrice === 'number' && maxPrice >= 0)) problems.push({ message: 'maxPrice must be a number ≥ 0', path: '/filter/maxPrice' });
  if (maxStops !== undefined && !(Number.isInteger(maxStops) && (maxStops as number) >= 0)) problems.push({ message: 'maxStops must be an integer ≥ 0', path: '/filter/maxStops' });
  for (const [key, time] of [['departureFrom', departureFrom], ['departureTo', departureTo]] as const) {
    if (time !== undefined && !(typeof time === 'string' && TIME.test(time))) problems.push({ message: `${key} must be a time HH:MM`, path: `/filter/${key}` });
  }
  if (cabin !== undefined && !CABINS.includes(cabin as string)) problems.push({ message: `cabin must be one of ${CABINS.join(', ')}`, path: '/filter/cabin' });
  if (carriers !== undefined && !(Array.isArray(carriers) && carriers.length > 0 && carriers.every((c) => typeof c === 'string' && /^[A-Z0-9]{2}$/.test(c)))) {
    problems.push({ message: 'carriers must be a non-empty list of two-character airline designators', path: '/filter/carriers' });
  }
  if (problems.length > 0) throw new GatewayError('INVALID_COMMAND', 'The filter is not valid', problems);
  return {
    ...(maxPrice !== undefined ? { maxPrice: maxPrice as number } : {}),
    ...(maxStops !== undefined ? { maxStops: maxStops as number } : {}),
    ...(departureFrom !== undefined ? { departureFrom: departureFrom as string } : {}),
    ...(departureTo !== undefined ? { departureTo: departureTo as string } : {}),
    ...(cabin !== undefined ? { cabin: cabin as string } : {}),
    ...(carriers !== undefined ? { carriers: carriers as string[] } : {}),
  };
}

/** Whether an offer passes a filter. Departure times compare as the local `HH:MM` of the first flight. */
export function matchesOfferFilter(offer: OfferSummary, filter: OfferFilter): boolean {
  const time = offer.departure.slice(11, 16);
  return (filter.maxPrice === undefined || offer.total <= filter.maxPrice)
    && (filter.maxStops === undefined || offer.stops <= filter.maxStops)
    && (filter.departureFrom === undefined || time >= filter.departureFrom)
    && (filter.departureTo === undefined || time <= filter.departureTo)
    && (filter.cabin === undefined || offer.cabin === filter.cabin)
    && (filter.carriers === undefined || offer.carriers.every((c) => filter.carriers!.includes(c)));
}

/** Cheapest first, then earliest departure, then offer id, so pages are stable. */
export function compareOffers(a: OfferSummary, b: OfferSummary): number {
  return a.total - b.total || a.departure.localeCompare(b.departure) || a.offerId.localeCompare(b.offerId);
}

export interface OfferPage {
  readonly offers: readonly OfferSummary[];
  readonly total: number;
  /** Pass back as `cursor` for the next page; absent on the last page. */
  readonly nextCursor?: string;
}

/**
 * One page of the filtered, sorted offers. The cursor is opaque: the position and the shopping
 * response it belongs to, so a cursor from before a new search is refused instead of paging
 * through other offers.
 */
export function pageOffers(offers: readonly OfferSummary[], filter: OfferFilter, shoppingResponseId: string, limit: number, cursor: string | undefined): OfferPage {
  let start = 0;
  if (cursor !== undefined) {
    let decoded: { s?: unknown; o?: unknown } | undefined;
    try {
      decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s?: unknown; o?: unknown };
    } catch {
      decoded = undefined;
    }
    if (!decoded || decoded.s !== shoppingResponseId || !Number.isInteger(decoded.o) || (decoded.o as number) < 0) {
      throw new GatewayError('INVALID_COMMAND', 'The cursor does not belong to the offers of this search', [{ message: 'stale or malformed cursor', path: 'cursor' }]);
    }
    start = decoded.o as number;
  }
  const matching = offers.filter((offer) => matchesOfferFilter(offer, filter)).sort(compareOffers);
  const page = matching.slice(start, start + limit);
  const end = start + page.length;
  return {
    offers: page,
    total: matching.length,
    ...(end < matching.length ? { nextCursor: Buffer.from(JSON.stringify({ s: shoppingResponseId, o: end })).toString('base64url') } : {}),
  };
}
