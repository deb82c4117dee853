import { GatewayError, type ErrorDetail } from '../errors/index.ts';
import { isKnownCurrency } from '../money/index.ts';
import type { CardInput, JourneyRef } from './journey-service.ts';
import type { SearchCriteria } from './journey-data.ts';
import { ABANDON_REASONS, JOURNEY_CHANNELS, type AbandonReason, type JourneyChannel } from './journey-states.ts';

/**
 * The bodies and parameters of the journey API, checked into typed values with every problem and
 * its path. What a command needs beyond them is checked again by the command schema.
 */

const LOCATION = /^[A-Z]{3}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CABINS = ['FIRST', 'BUSINESS', 'PREMIUM_ECONOMY', 'ECONOMY'];

/** Properties every step may carry besides its own. */
export const STEP_KEYS = ['journeyId', 'resumeToken', 'channel'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function fail(problems: ErrorDetail[], what: string): void {
  if (problems.length > 0) throw new GatewayError('INVALID_COMMAND', `The ${what} is not valid`, problems);
}

export function parseChannel(value: unknown, path: string): JourneyChannel | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (JOURNEY_CHANNELS as readonly string[]).includes(value)) return value as JourneyChannel;
  throw new GatewayError('INVALID_COMMAND', `channel must be one of ${JOURNEY_CHANNELS.join(', ')}`, [{ message: 'unknown channel', path }]);
}

/** The journey a step names: journeyId, and the resume token from the body or the Journey-Resume-Token header. */
export function parseJourneyRef(journeyId: unknown, resumeToken: unknown): JourneyRef {
  const problems: ErrorDetail[] = [];
  if (typeof journeyId !== 'string' || journeyId === '' || journeyId.length > 100) problems.push({ message: 'journeyId is required', path: '/journeyId' });
  if (typeof resumeToken !== 'string' || resumeToken === '' || resumeToken.length > 200) problems.push({ message: 'the resume token is required: resumeToken or the Journey-Resume-Token header', path: '/resumeToken' });
  fail(problems, 'journey reference');
  return { journeyId: journeyId as string, resumeToken: resumeToken as string };
}

/** Refuses properties a step does not know, so a misspelt field is not silently ignored. */
export function refuseUnknown(body: Record<string, unknown>, known: readonly string[]): void {
  fail(Object.keys(body).filter((key) => !known.includes(key) && !(STEP_KEYS as readonly string[]).includes(key))
    .map((key) => ({ message: `unknown property ${key}`, path: `/${key}` })), 'request');
}

export function parseInit(body: Record<string, unknown>): { channel: JourneyChannel; customerRef?: string } {
  refuseUnknown(body, ['customerRef']);
  const channel = parseChannel(body.channel, '/channel');
  const problems: ErrorDetail[] = [];
  if (channel === undefined) problems.push({ message: `channel is required: one of ${JOURNEY_CHANNELS.join(', ')}`, path: '/channel' });
  const ref = body.customerRef;
  if (ref !== undefined && !(typeof ref === 'string' && ref.length > 0 && ref.length <= 128)) problems.push({ message: 'customerRef must be a text of at most 128 characters', path: '/customerRef' });
  fail(problems, 'journey start');
  return { channel: channel!, ...(typeof ref === 'string' ? { customerRef: ref } : {}) };
}

export type SearchInput = Omit<SearchCriteria, 'passengers'> & { passengers: { adults: number; children: number; infants: number } };

export function parseSearch(body: Record<string, unknown>): SearchInput {
  refuseUnknown(body, ['origin', 'destination', 'date', 'returnDate', 'passengers', 'cabin', 'currency']);
  const problems: ErrorDetail[] = [];
  for (const key of ['origin', 'destination'] as const) {
    if (typeof body[key] !== 'string' || !LOCATION.test(body[key] as string)) problems.push({ message: `${key} must be a three-letter IATA code`, path: `/${key}` });
  }
  for (const key of ['date', 'returnDate'] as const) {
    if ((key === 'date' || body[key] !== undefined) && !(typeof body[key] === 'string' && DATE.test(body[key] as string))) problems.push({ message: `${key} must be a date YYYY-MM-DD`, path: `/${key}` });
  }
  if (typeof body.returnDate === 'string' && typeof body.date === 'string' && body.returnDate < body.date) problems.push({ message: 'returnDate is before date', path: '/returnDate' });
  if (body.cabin !== undefined && !CABINS.includes(body.cabin as string)) problems.push({ message: `cabin must be one of ${CABINS.join(', ')}`, path: '/cabin' });
  if (body.currency !== undefined && !(typeof body.currency === 'string' && isKnownCurrency(body.currency))) problems.push({ message: 'currency must be an ISO 4217 code, e.g. EUR', path: '/currency' });
  const raw = body.passengers ?? { adults: 1 };
  const counts = { adults: 0, children: 0, infants: 0 };
  if (!isObject(raw)) {
    problems.push({ message: 'passengers must be { adults, children, infants }', path: '/passengers' });
  } else {
    for (const key of Object.keys(raw)) if (!(key in counts)) problems.push({ message: `unknown passenger type ${key}`, path: `/passengers/${key}` });
    for (const key of ['adults', 'children', 'infants'] as const) {
      const value = raw[key] ?? 0;
      if (!Number.isInteger(value) || (value as number) < 0) problems.push({ message: `${key} must be a whole number`, path: `/passengers/${key}` });
      else counts[key] = value as number;
    }
    if (counts.adults < 1) problems.push({ message: 'at least one adult travels', path: '/passengers/adults' });
    if (counts.infants > counts.adults) problems.push({ message: 'each infant travels on an adult\'s lap: no more infants than adults', path: '/passengers/infants' });
    if (counts.adults + counts.children + counts.infants > 9) problems.push({ message: 'at most 9 passengers', path: '/passengers' });
  }
  fail(problems, 'search');
  return {
    origin: body.origin as string, destination: body.destination as string, date: body.date as string,
    ...(typeof body.returnDate === 'string' ? { returnDate: body.returnDate } : {}),
    ...(typeof body.cabin === 'string' ? { cabin: body.cabin } : {}),
    ...(typeof body.currency === 'string' ? { currency: body.currency } : {}),
    passengers: counts,
  };
}

export function parseOfferId(body: Record<string, unknown>): string {
  refuseUnknown(body, ['offerId']);
  if (typeof body.offerId !== 'string' || body.offerId === '') throw new GatewayError('INVALID_COMMAND', 'offerId is required', [{ message: 'offerId is required', path: '/offerId' }]);
  return body.offerId;
}

/** The card of a payment, in clear only until it is tokenised by the service. Messages never quote it. */
export function parseCard(body: Record<string, unknown>): CardInput {
  refuseUnknown(body, ['card']);
  const card = body.card;
  const problems: ErrorDetail[] = [];
  if (!isObject(card)) {
    problems.push({ message: 'card must be { number, expiry, cvv, holderName }', path: '/card' });
  } else {
    for (const key of ['number', 'expiry', 'cvv', 'holderName'] as const) {
      if (typeof card[key] !== 'string' || card[key] === '') problems.push({ message: `card.${key} is required`, path: `/card/${key}` });
    }
  }
  fail(problems, 'payment');
  const { number, expiry, cvv, holderName } = card as Record<string, string>;
  return { number: number!, expiry: expiry!, cvv: cvv!, holderName: holderName! };
}

export function parseReason(value: unknown): AbandonReason {
  if (value === undefined) return 'exit';
  const allowed = ABANDON_REASONS.filter((r) => r !== 'timeout' && r !== 'payment_retries_exhausted');
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as AbandonReason;
  throw new GatewayError('INVALID_COMMAND', `reason must be one of ${allowed.join(', ')}`, [{ message: 'unknown reason', path: 'reason' }]);
}

/** `limit` (default 20, at most 100) and `cursor` of the offer list. */
export function parsePaging(limit: unknown, cursor: unknown): { limit: number; cursor?: string } {
  const problems: ErrorDetail[] = [];
  const parsed = limit === undefined ? 20 : typeof limit === 'string' && /^\d{1,3}$/.test(limit) ? Number(limit) : Number.NaN;
  if (!(parsed >= 1 && parsed <= 100)) problems.push({ message: 'limit must be 1 to 100', path: 'limit' });
  if (cursor !== undefined && typeof cursor !== 'string') problems.push({ message: 'one cursor', path: 'cursor' });
  fail(problems, 'page');
  return { limit: parsed, ...(typeof cursor === 'string' ? { cursor } : {}) };
}
