import type { FareFamily, Journey, Offer, OfferShopCommand, OfferShopResult, Segment } from '../contracts/airline/index.ts';
import { GatewayError, isGatewayError } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import type { AirlineConnector, AirlineEntry, AirlineOrderLinks } from './airline-connector.ts';
import type { AirlineMetrics } from './airline-metrics.ts';
import { servesJourneys } from './airlines-file.ts';

/** An NDC Warning of an answer (`common.json#/definitions/warnings`). */
export interface AnswerWarning {
  readonly code: string;
  readonly message: string;
  readonly owner?: string;
}

export interface AirlineRouterOptions {
  /** One per airline of AIRLINES_FILE, in the order of the file. */
  readonly airlines: readonly { readonly entry: AirlineEntry; readonly connector: AirlineConnector }[];
  /** Which airline owns each order; read to route an order's commands, written on its first hold. */
  readonly links: AirlineOrderLinks;
  /** Offers kept of a fan-out whose command names no `maxOffers`. @defaultValue 200 */
  readonly maxOffers?: number;
  readonly metrics?: AirlineMetrics;
  readonly logger?: Logger;
}

/** The AirlinePort of aggregator mode: every command to the airline that owns it, offer.shop to every airline that flies the route. */
export interface AirlineRouter {
  call(command: string, payload: unknown, options: { correlationId: string; deadline?: number; signal?: AbortSignal }): Promise<unknown>;
  /** At least one airline answers its probe. */
  isReachable(): Promise<boolean>;
  /** The worst breaker of the airlines (for one-airline views; metrics and readiness show each). */
  breakerState(): 'closed' | 'open' | 'half-open';
  readonly connectors: readonly AirlineConnector[];
  close(): Promise<void>;
}

/** Time kept back from the request's deadline for merging and answering. */
const MERGE_MARGIN_MS = 50;

type Settled = { readonly designator: string; readonly result: OfferShopResult & { warnings?: AnswerWarning[] } } | { readonly designator: string; readonly error: GatewayError; readonly timedOut: boolean };

function asGatewayError(error: unknown): GatewayError {
  return isGatewayError(error) ? error : new GatewayError('INTERNAL_ERROR', error instanceof Error ? error.message : String(error), [], error);
}

function outcomeOf(error: unknown): string {
  if (!isGatewayError(error)) return 'INTERNAL_ERROR';
  return error.code === 'DEADLINE_EXCEEDED' ? 'timeout' : error.code;
}

/** Renames one airline's ids that another airline's answer already uses (`XB-…`; fare family codes `XB_…`, which keep their pattern). */
function renameCollisions(result: OfferShopResult, designator: string, taken: { journeys: Set<string>; segments: Set<string>; fareFamilies: Set<string> }): OfferShopResult {
  const rename = (set: Set<string>, id: string, separator: string): string => {
    if (!set.has(id)) return id;
    let renamed = `${designator}${separator}${id}`;
    if (separator === '_') renamed = renamed.slice(0, 20);
    return renamed;
  };
  const segmentIds = new Map(result.segments.map((s) => [s.segmentId, rename(taken.segments, s.segmentId, '-')]));
  const journeyIds = new Map(result.journeys.map((j) => [j.journeyId, rename(taken.journeys, j.journeyId, '-')]));
  const familyCodes = new Map(result.fareFamilies.map((f) => [f.code, rename(taken.fareFamilies, f.code, '_')]));
  const segments: Segment[] = result.segments.map((s) => ({ ...s, segmentId: segmentIds.get(s.segmentId) ?? s.segmentId }));
  const journeys: Journey[] = result.journeys.map((j) => ({
    ...j, journeyId: journeyIds.get(j.journeyId) ?? j.journeyId, segmentIds: j.segmentIds.map((id) => segmentIds.get(id) ?? id),
  }));
  const fareFamilies: FareFamily[] = result.fareFamilies.map((f) => ({ ...f, code: familyCodes.get(f.code) ?? f.code }));
  const offers: Offer[] = result.offers.map((o) => ({
    ...o, fareFamily: familyCodes.get(o.fareFamily) ?? o.fareFamily, journeyIds: o.journeyIds.map((id) => journeyIds.get(id) ?? id),
  }));
  for (const s of segments) taken.segments.add(s.segmentId);
  for (const j of journeys) taken.journeys.add(j.journeyId);
  for (const f of fareFamilies) taken.fareFamilies.add(f.code);
  return { ...result, offers, journeys, segments, fareFamilies };
}

/**
 * One answer of several airlines' answers: their offers sorted by total price (in the answer's
 * currency first, ties by owner), capped, with the data lists the kept offers refer to. Ids two
 * airlines both use are renamed in the later airline's answer; ids no other airline uses stay the
 * airline's own, so segment ids sent back to it (service.list, seat.availability) are its own.
 */
export function mergeShopResults(
  answers: readonly { readonly designator: string; readonly result: OfferShopResult & { warnings?: readonly AnswerWarning[] } }[],
  maxOffers: number,
  currency: string | undefined,
): OfferShopResult & { warnings?: AnswerWarning[] } {
  const taken = { journeys: new Set<string>(), segments: new Set<string>(), fareFamilies: new Set<string>() };
  const renamed = answers.map(({ designator, result }) => renameCollisions(result, designator, taken));
  const first = answers[0]!.result;
  const inCurrency = currency ?? first.currency;
  const offers = renamed.flatMap((r) => r.offers)
    .sort((a, b) => Number(a.totalPrice.currency !== inCurrency) - Number(b.totalPrice.currency !== inCurrency)
      || a.totalPrice.total - b.totalPrice.total || a.owner.localeCompare(b.owner))
    .slice(0, maxOffers);
  const journeyIds = new Set(offers.flatMap((o) => o.journeyIds));
  const journeys = renamed.flatMap((r) => r.journeys).filter((j) => journeyIds.has(j.journeyId));
  const segmentIds = new Set(journeys.flatMap((j) => j.segmentIds));
  const familyCodes = new Set(offers.map((o) => o.fareFamily));
  const warnings = answers.flatMap(({ result }) => result.warnings ?? []);
  return {
    shoppingResponseId: first.shoppingResponseId,
    currency: inCurrency,
    offers,
    passengers: first.passengers,
    journeys,
    segments: renamed.flatMap((r) => r.segments).filter((s) => segmentIds.has(s.segmentId)),
    fareFamilies: renamed.flatMap((r) => r.fareFamilies).filter((f) => familyCodes.has(f.code)),
    ...(warnings.length > 0 ? { warnings: [...warnings] } : {}),
  };
}

/**
 * Routes the airline commands of the worker and the order lifecycle over the airlines of
 * AIRLINES_FILE. offer.shop goes in parallel to every airline that flies all its journeys, each
 * within its own deadline inside the request's; the answers are merged, and an airline that timed
 * out or failed becomes a warning, not an error. Every other command goes to one airline: the
 * command's `owner`, else the owner recorded for its `orderId`, else the only (or first reference)
 * airline.
 */
export function createAirlineRouter(options: AirlineRouterOptions): AirlineRouter {
  const byDesignator = new Map(options.airlines.map((a) => [a.entry.designator, a]));
  const fallback = options.airlines.length === 1 ? options.airlines[0] : (options.airlines.find((a) => a.entry.kind === 'reference') ?? options.airlines[0]);
  if (!fallback) throw new Error('the airline router needs at least one airline');
  const maxOffers = options.maxOffers ?? 200;
  const { links, metrics, logger } = options;

  async function timed<T>(designator: string, command: string, run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await run();
      metrics?.observeCall(designator, command, 'ok', (performance.now() - started) / 1000);
      return result;
    } catch (error) {
      metrics?.observeCall(designator, command, outcomeOf(error), (performance.now() - started) / 1000);
      throw error;
    }
  }

  function airlineNamed(owner: string, path: string): (typeof options.airlines)[number] {
    const found = byDesignator.get(owner);
    if (!found) {
      throw new GatewayError('AIRLINE_UNKNOWN', `${owner} is not an airline this gateway sells (known: ${[...byDesignator.keys()].join(', ')})`, [{ message: `unknown owner ${owner}`, path }]);
    }
    return found;
  }

  async function ownerOf(payload: unknown): Promise<(typeof options.airlines)[number]> {
    const { owner, orderId } = (payload ?? {}) as { owner?: unknown; orderId?: unknown };
    if (typeof owner === 'string') return airlineNamed(owner, '/owner');
    if (typeof orderId === 'string') {
      const link = await links.get(orderId);
      if (link) return airlineNamed(link.owner, '/orderId');
    }
    return fallback!;
  }

  async function callOne(command: string, payload: unknown, callOptions: { correlationId: string; deadline?: number; signal?: AbortSignal }): Promise<unknown> {
    const { entry, connector } = await ownerOf(payload);
    const result = await timed(entry.designator, command, () => connector.call(command, payload, callOptions));
    if (command !== 'inventory.hold') return result;
    // The airline that holds an order owns its later commands; an airline without orders of its
    // own (the reference contract) holds it under the gateway's order id.
    const hold = result as { airlineOrder?: { owner: string; orderId: string; bookingReference?: string } };
    const { orderId } = payload as { orderId: string };
    const airlineOrder = hold.airlineOrder ?? { owner: entry.designator, orderId };
    if (!(await links.get(orderId))) await links.put({ gatewayOrderId: orderId, ...airlineOrder, items: {} });
    return hold.airlineOrder ? result : { ...hold, airlineOrder };
  }

  /** One airline's shopping within its own deadline; never rejects. */
  async function shopAt(airline: (typeof options.airlines)[number], payload: unknown, callOptions: { correlationId: string; deadline?: number; signal?: AbortSignal }): Promise<Settled> {
    const { entry, connector } = airline;
    const own = Date.now() + entry.timeoutMs;
    const deadline = callOptions.deadline === undefined ? own : Math.min(own, callOptions.deadline - MERGE_MARGIN_MS);
    const abort = new AbortController();
    const forward = (): void => abort.abort(callOptions.signal?.reason);
    callOptions.signal?.addEventListener('abort', forward, { once: true });
    const budget = Math.max(0, deadline - Date.now());
    let timer: NodeJS.Timeout | undefined;
    // The connector's transport keeps to the deadline too; this also bounds one that does not.
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new GatewayError('DEADLINE_EXCEEDED', `${entry.designator} did not answer within ${budget} ms`));
      }, budget);
    });
    try {
      const call = connector.call('offer.shop', payload, { correlationId: callOptions.correlationId, deadline, signal: abort.signal });
      call.catch(() => undefined);
      const result = await timed(entry.designator, 'offer.shop', () => Promise.race([call, late]));
      return { designator: entry.designator, result: result as OfferShopResult };
    } catch (error) {
      const failure = asGatewayError(error);
      return { designator: entry.designator, error: failure, timedOut: failure.code === 'DEADLINE_EXCEEDED' };
    } finally {
      clearTimeout(timer);
      callOptions.signal?.removeEventListener('abort', forward);
    }
  }

  async function shop(payload: unknown, callOptions: { correlationId: string; deadline?: number; signal?: AbortSignal }): Promise<unknown> {
    const command = payload as OfferShopCommand;
    const candidates = options.airlines.filter((a) => servesJourneys(a.entry, command.journeys ?? []));
    if (candidates.length === 0) {
      const route = (command.journeys ?? []).map((j) => `${j.origin}-${j.destination}`).join(', ');
      throw new GatewayError('NO_AVAILABILITY', `No airline of this gateway flies ${route}`);
    }
    if (candidates.length === 1) {
      const { entry, connector } = candidates[0]!;
      return timed(entry.designator, 'offer.shop', () => connector.call('offer.shop', payload, callOptions));
    }
    const settled = await Promise.all(candidates.map((airline) => shopAt(airline, payload, callOptions)));
    const answers = settled.flatMap((s) => ('result' in s ? [s] : []));
    const failures = settled.flatMap((s) => ('error' in s ? [s] : []));
    const warnings: AnswerWarning[] = failures
      .filter((f) => f.timedOut || f.error.definition.kind !== 'business')
      .map((f) => (f.timedOut
        ? { code: 'AIRLINE_TIMEOUT', message: `${f.designator} did not answer in time; its offers are missing`, owner: f.designator }
        : { code: 'AIRLINE_FAILED', message: `${f.designator} failed (${f.error.code}): ${f.error.message}`.slice(0, 512), owner: f.designator }));
    if (warnings.length > 0) logger?.warn({ correlationId: callOptions.correlationId, warnings }, 'airlines missing from a fan-out');
    if (answers.length === 0) {
      // Refusals (no availability, unknown airport) say more than an airline that failed meanwhile.
      const refusal = failures.find((f) => !f.timedOut && f.error.definition.kind === 'business');
      throw (refusal ?? failures[0]!).error;
    }
    const merged = mergeShopResults(answers, command.maxOffers ?? maxOffers, command.currency);
    const all = [...(merged.warnings ?? []), ...warnings];
    return { ...merged, ...(all.length > 0 ? { warnings: all } : {}) };
  }

  const connectors = options.airlines.map((a) => a.connector);
  const BREAKER_RANK = { closed: 0, 'half-open': 1, open: 2 } as const;
  return {
    connectors,
    call: (command, payload, callOptions) => (command === 'offer.shop' ? shop(payload, callOptions) : callOne(command, payload, callOptions)),
    async isReachable() {
      const up = await Promise.all(connectors.map((c) => c.isReachable()));
      return up.some(Boolean);
    },
    breakerState: () => connectors.map((c) => c.breakerState()).reduce((worst, state) => (BREAKER_RANK[state] > BREAKER_RANK[worst] ? state : worst), 'closed' as 'closed' | 'open' | 'half-open'),
    async close() {
      await Promise.all(connectors.map((c) => c.close()));
    },
  };
}
