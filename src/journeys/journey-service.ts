import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { ApiClient } from '../auth/index.ts';
import type { ExperimentSource } from '../analytics/experiment-assignment.ts';
import { assignVariants } from '../analytics/experiment-assignment.ts';
import { GatewayError, toGatewayError } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import type { OrderView } from '../orchestration/index.ts';
import type { PipelineDeps } from '../pipeline/ndc-pipeline.ts';
import { tokeniseCardData } from '../pipeline/tokenise-card-data.ts';
import { checkCustomerData } from './customer-data-check.ts';
import { JOURNEY_VERSION, runJourneyCommand, type CommandCaller } from './journey-command-runner.ts';
import { featuresOf, journeyDataOf, type JourneyData, type OfferFilter, type SearchCriteria } from './journey-data.ts';
import type { JourneyEvent, JourneyEventStream } from './journey-event.ts';
import { applyJourneyStep, refuseTransition, toStartEvent, toTransitionEvents, type JourneyStep } from './journey-move.ts';
import { JOURNEY_TRANSITIONS, type AbandonReason, type JourneyChannel, type JourneyState } from './journey-states.ts';
import { JourneyConflictError, type JourneyRecord, type JourneyStore } from './journey-store.ts';
import { pageOffers, type OfferPage } from './offer-filter.ts';
import { summariseOffers, type ShopResult } from './offer-summary.ts';

/**
 * The journey service: the state machine of `journey-states.ts` over the journey store, running
 * the same version-neutral commands as NDC through the queue. Every write is a compare-and-set on
 * the journey's version (two channels updating one journey cannot both win), and every transition
 * is published as an event after its write succeeded.
 */

/** The NDC message whose permission each step needs, as on the ONE Order API. */
const STEP_MESSAGES = { search: 'AirShoppingRQ', price: 'OfferPriceRQ', order: 'OrderCreateRQ' } as const;

export interface JourneyServiceOptions {
  readonly deps: PipelineDeps;
  readonly store: JourneyStore;
  readonly events: JourneyEventStream;
  readonly logger: Logger;
  /** Experiments a new journey is assigned to. @defaultValue none */
  readonly experiments?: ExperimentSource;
  /** Declines after which the journey is abandoned (JOURNEY_MAX_PAYMENT_RETRIES). @defaultValue 3 */
  readonly maxPaymentRetries: number;
  readonly now?: () => Date;
}

/** Who asks for a step, on which channel. */
export interface StepContext {
  readonly client: ApiClient;
  readonly correlationId: string;
  readonly logger: Logger;
  /** The request's channel; absent: the journey's current one. */
  readonly channel?: JourneyChannel;
}

/** How a step names its journey. */
export interface JourneyRef {
  readonly journeyId: string;
  readonly resumeToken: string;
}

/** What `GET /status/{id}` and every step answer about the journey. */
export interface JourneyStatusView {
  readonly journeyId: string;
  readonly state: JourneyState;
  readonly channel: JourneyChannel;
  readonly customerRef?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly allowedNext: readonly JourneyState[];
  readonly history: JourneyRecord['history'];
  readonly variants: JourneyRecord['variants'];
  readonly orderId?: string;
  readonly bookingReference?: string;
  readonly selectedOfferId?: string;
  readonly priced?: JourneyData['priced'];
  readonly paymentFailures: number;
}

/** A failed step that still moved the journey (a declined payment): the error and where the journey is now. */
export class JourneyStepError extends Error {
  constructor(readonly error: GatewayError, readonly journey: JourneyStatusView) {
    super(error.message);
    this.name = 'JourneyStepError';
  }
}

export interface CardInput {
  readonly number: string;
  readonly expiry: string;
  readonly cvv: string;
  readonly holderName: string;
}

export type JourneyService = ReturnType<typeof createJourneyService>;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The status view of a journey. */
export function toJourneyStatus(record: JourneyRecord): JourneyStatusView {
  const data = journeyDataOf(record);
  return {
    journeyId: record.journeyId,
    state: record.state,
    channel: record.history.at(-1)?.channel ?? record.channel,
    ...(record.customerRef !== undefined ? { customerRef: record.customerRef } : {}),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    allowedNext: JOURNEY_TRANSITIONS[record.state],
    history: record.history,
    variants: record.variants,
    ...(data.orderId ? { orderId: data.orderId } : {}),
    ...(data.bookingReference ? { bookingReference: data.bookingReference } : {}),
    ...(data.selectedOfferId ? { selectedOfferId: data.selectedOfferId } : {}),
    ...(data.priced ? { priced: data.priced } : {}),
    paymentFailures: data.paymentFailures ?? 0,
  };
}

function passengersOf(counts: { adults: number; children: number; infants: number }): SearchCriteria['passengers'] {
  const types = [...Array<'ADT'>(counts.adults).fill('ADT'), ...Array<'CHD'>(counts.children).fill('CHD'), ...Array<'INF'>(counts.infants).fill('INF')];
  return types.map((type, index) => ({ id: `PAX${index + 1}`, type }));
}

export function createJourneyService(options: JourneyServiceOptions) {
  const { deps, store, events, logger } = options;
  const now = options.now ?? (() => new Date());

  async function publish(list: readonly JourneyEvent[], log: Logger): Promise<void> {
    for (const event of list) {
      try {
        await events.publish(event);
      } catch (error) {
        // The journey is written; a lost event costs a figure, not the customer's booking.
        log.error({ err: error, eventId: event.eventId }, 'journey event not published');
      }
    }
  }

  /** Writes a step with compare-and-set, then publishes its transitions. */
  async function write(record: JourneyRecord, step: JourneyStep, log: Logger): Promise<JourneyRecord> {
    const { next, transitions } = applyJourneyStep(record, step);
    try {
      await store.replace(next, record.version);
    } catch (error) {
      if (error instanceof JourneyConflictError) {
        throw new GatewayError('JOURNEY_CONFLICT', `Journey ${record.journeyId} was changed by another request meanwhile; read its status and retry`, [
          { message: `based on version ${record.version}, now ${error.currentVersion ?? 'gone'}`, path: '/journeyId' },
        ]);
      }
      throw error;
    }
    await publish(toTransitionEvents(record, next, transitions, featuresOf(journeyDataOf(next), step.at)), log);
    return next;
  }

  function stepOf(record: JourneyRecord, context: { channel?: JourneyChannel }, to: readonly JourneyState[], data?: JourneyData, reason?: AbandonReason): JourneyStep {
    const channel = context.channel ?? record.history.at(-1)?.channel ?? record.channel;
    return { to, channel, at: now(), ...(data ? { data: data as Record<string, unknown> } : {}), ...(reason ? { reason } : {}) };
  }

  /** The journey, if the client owns it and the token is its own; otherwise 404 either way, so ids cannot be probed. */
  async function open(ref: JourneyRef, client: ApiClient): Promise<JourneyRecord> {
    const record = await store.get(ref.journeyId);
    if (!record || record.clientId !== client.id || !sameHash(record.resumeTokenHash, hashToken(ref.resumeToken))) {
      throw new GatewayError('JOURNEY_NOT_FOUND', `Journey ${ref.journeyId} is unknown`, [{ message: 'unknown journey, or not this client\'s, or a wrong resume token', path: '/journeyId' }]);
    }
    return record;
  }

  function requireState(record: JourneyRecord, states: readonly JourneyState[], target: JourneyState): void {
    if (!states.includes(record.state)) throw refuseTransition(record.journeyId, record.state, target);
  }

  function callerOf(context: StepContext, record: JourneyRecord): CommandCaller {
    return { client: context.client, clientId: record.clientId, correlationId: context.correlationId, logger: context.logger };
  }

  /** Publishes the outcome of a command a step ran, as NDC traffic does for its messages. */
  async function publishCommand(record: JourneyRecord, context: StepContext, message: string, started: number, outcome: string): Promise<void> {
    const at = now();
    await publish([{
      eventId: `${record.journeyId}:msg:${context.correlationId}:${message}`,
      type: 'ndc_message',
      journeyId: record.journeyId,
      clientId: record.clientId,
      channel: context.channel ?? record.history.at(-1)?.channel ?? record.channel,
      at: at.toISOString(),
      durationMs: Math.max(0, performance.now() - started),
      message,
      version: JOURNEY_VERSION,
      outcome,
      variants: record.variants,
      ...featuresOf(journeyDataOf(record), at),
    }], context.logger);
  }

  /** Releases a held, unpaid order: its seats go back. Failures are logged; the order then lapses at its payment time limit. */
  async function releaseHold(record: JourneyRecord, caller: CommandCaller): Promise<void> {
    const data = journeyDataOf(record);
    if (!data.orderId || data.paid) return;
    try {
      // The gateway's own decision, not the client's request: no message permission applies.
      const { client: _client, ...owner } = caller;
      await runJourneyCommand(deps, owner, 'order.cancel', 'OrderCancelRQ', { orderId: data.orderId, idempotencyKey: `journey:${record.journeyId}:release` });
    } catch (error) {
      caller.logger.error({ err: error, journeyId: record.journeyId, orderId: data.orderId }, 'held order of an abandoned journey not released');
    }
  }

  return {
    /** Starts a journey; the resume token is shown once, here. */
    async start(input: { client: ApiClient; channel: JourneyChannel; customerRef?: string; logger: Logger }): Promise<{ journeyId: string; resumeToken: string; journey: JourneyStatusView }> {
      const journeyId = `JRN-${randomUUID()}`;
      const resumeToken = randomBytes(24).toString('base64url');
      const experiments = options.experiments ? await options.experiments.running() : [];
      const at = now().toISOString();
      const record: JourneyRecord = {
        journeyId, resumeTokenHash: hashToken(resumeToken), clientId: input.client.id, channel: input.channel,
        ...(input.customerRef !== undefined ? { customerRef: input.customerRef } : {}),
        state: 'Journey_Init', version: 1, createdAt: at, updatedAt: at, enteredStateAt: at, history: [],
        variants: assignVariants(journeyId, experiments), data: {},
      };
      await store.create(record);
      await publish([toStartEvent(record)], input.logger);
      return { journeyId, resumeToken, journey: toJourneyStatus(record) };
    },

    async status(ref: JourneyRef, client: ApiClient): Promise<JourneyStatusView> {
      return toJourneyStatus(await open(ref, client));
    },

    /** Runs offer.shop and keeps a summary of its offers: Journey_Init → Shopping, or a new search in Shopping. */
    async search(context: StepContext, ref: JourneyRef, criteria: Omit<SearchCriteria, 'passengers'> & { passengers: { adults: number; children: number; infants: number } }): Promise<{ journey: JourneyStatusView; page: OfferPage }> {
      const record = await open(ref, context.client);
      requireState(record, ['Journey_Init', 'Shopping'], 'Shopping');
      const passengers = passengersOf(criteria.passengers);
      const search: SearchCriteria = { ...criteria, passengers };
      const journeys = [{ origin: search.origin, destination: search.destination, date: search.date }];
      if (search.returnDate) journeys.push({ origin: search.destination, destination: search.origin, date: search.returnDate });
      const started = performance.now();
      let result: ShopResult;
      try {
        result = await runJourneyCommand(deps, callerOf(context, record), 'offer.shop', STEP_MESSAGES.search, {
          journeys, passengers, ...(search.cabin ? { cabin: search.cabin } : {}), ...(search.currency ? { currency: search.currency } : {}),
        }) as ShopResult;
      } catch (error) {
        await publishCommand(record, context, 'offer.shop', started, toGatewayError(error).code);
        throw error;
      }
      const offers = summariseOffers(result);
      // A new search replaces the offers and keeps the customer's filter and preferences.
      const filter = journeyDataOf(record).filter;
      const data: JourneyData = { search, shoppingResponseId: result.shoppingResponseId, offers, ...(filter ? { filter } : {}) };
      const next = await write(record, stepOf(record, context, record.state === 'Journey_Init' ? ['Shopping'] : [], data), context.logger);
      await publishCommand(next, context, 'offer.shop', started, 'ok');
      return { journey: toJourneyStatus(next), page: pageOffers(offers, filter ?? {}, result.shoppingResponseId, 20, undefined) };
    },

    /** Keeps the filters and preferences of a journey in Shopping; no transition. */
    async setFilter(context: StepContext, ref: JourneyRef, filter: OfferFilter): Promise<{ journey: JourneyStatusView; page: OfferPage }> {
      const record = await open(ref, context.client);
      if (record.state !== 'Shopping') throw refuseTransition(record.journeyId, record.state, 'Shopping');
      const data = journeyDataOf(record);
      const next = await write(record, stepOf(record, context, [], { ...data, filter }), context.logger);
      return { journey: toJourneyStatus(next), page: pageOffers(data.offers ?? [], filter, data.shoppingResponseId ?? '', 20, undefined) };
    },

    /** The journey's offers through its filter, cheapest first. */
    async listOffers(client: ApiClient, ref: JourneyRef, limit: number, cursor: string | undefined): Promise<OfferPage & { filter: OfferFilter; state: JourneyState }> {
      const record = await open(ref, client);
      const data = journeyDataOf(record);
      if (!data.offers) throw new GatewayError('JOURNEY_TRANSITION_NOT_ALLOWED', `Journey ${record.journeyId} has not searched yet (state ${record.state})`, [{ message: 'search first', path: '/state' }]);
      const filter = data.filter ?? {};
      return { ...pageOffers(data.offers, filter, data.shoppingResponseId ?? '', limit, cursor), filter, state: record.state };
    },

    /**
     * Selects an offer and prices it: Shopping → Offer_Selection, then offer.price → Booking_Start.
     * A pricing failure answers its error and leaves the journey in Offer_Selection, from where
     * another offer may be selected.
     */
    async startBooking(context: StepContext, ref: JourneyRef, offerId: string): Promise<{ journey: JourneyStatusView; priced: JourneyData['priced'] }> {
      let record = await open(ref, context.client);
      requireState(record, ['Shopping', 'Offer_Selection'], 'Offer_Selection');
      const data = journeyDataOf(record);
      if (!data.offers?.some((offer) => offer.offerId === offerId)) {
        throw new GatewayError('OFFER_NOT_FOUND', `Offer ${offerId} is not one of this journey's offers`, [{ message: 'not an offer of the last search', path: '/offerId' }]);
      }
      const selected: JourneyData = { ...data, selectedOfferId: offerId };
      record = await write(record, stepOf(record, context, record.state === 'Shopping' ? ['Offer_Selection'] : [], selected), context.logger);
      const started = performance.now();
      let result: ShopResult & { priceChanged: boolean; offers: readonly { totalPrice: { total: number; currency: string } }[] };
      try {
        const owner = data.offers.find((offer) => offer.offerId === offerId)?.owner;
        result = await runJourneyCommand(deps, callerOf(context, record), 'offer.price', STEP_MESSAGES.price, {
          ...(owner ? { owner } : {}), offerId, passengers: data.search?.passengers ?? [],
        }) as typeof result;
      } catch (error) {
        await publishCommand(record, context, 'offer.price', started, toGatewayError(error).code);
        throw error;
      }
      const price = result.offers[0]!.totalPrice;
      const priced = { offerId, total: price.total, currency: price.currency, priceChanged: result.priceChanged };
      const next = await write(record, stepOf(record, context, ['Booking_Start'], { ...selected, priced }), context.logger);
      await publishCommand(next, context, 'offer.price', started, 'ok');
      return { journey: toJourneyStatus(next), priced };
    },

    /** Checks and keeps passengers and contact: Booking_Start → Customer_Data, or replaces them in Customer_Data. */
    async setCustomer(context: StepContext, ref: JourneyRef, body: Record<string, unknown>): Promise<{ journey: JourneyStatusView }> {
      const record = await open(ref, context.client);
      requireState(record, ['Booking_Start', 'Customer_Data'], 'Customer_Data');
      const data = journeyDataOf(record);
      const search = data.search!;
      const customer = checkCustomerData(body, search.passengers, search.date, now().toISOString().slice(0, 10));
      const next = await write(record, stepOf(record, context, record.state === 'Booking_Start' ? ['Customer_Data'] : [], { ...data, customer }), context.logger);
      return { journey: toJourneyStatus(next) };
    },

    /**
     * Pays: the card is tokenised first (a refused card moves nothing), then Payment_Process; the
     * order is created as a hold the first time (keyed by the journey, so seats stay held across
     * declines) and paid with order.change (keyed by the attempt). Paid → Order_Confirmation. A
     * failure → Payment_Failed → Payment_Retry, and at the maximum of attempts → Journey_Abandoned
     * (payment_retries_exhausted) with the hold released.
     */
    async pay(context: StepContext, ref: JourneyRef, card: CardInput): Promise<{ journey: JourneyStatusView; orderId: string }> {
      let record = await open(ref, context.client);
      requireState(record, ['Customer_Data', 'Payment_Retry'], 'Payment_Process');
      const caller = callerOf(context, record);
      // Tokenised at the edge: from here on only the token exists, and the journey never keeps it.
      const deadline = Date.now() + deps.config.queueWaitMs;
      const { holderName, ...clear } = card;
      const tokenised = await tokeniseCardData({ card: { ...clear, holderName } }, { payment: deps.payment, correlationId: context.correlationId, deadline, logger: context.logger }) as { card: unknown };
      record = await write(record, stepOf(record, context, ['Payment_Process']), context.logger);
      let data = journeyDataOf(record);
      const attempt = (data.paymentFailures ?? 0) + 1;
      try {
        if (!data.orderId) {
          const customer = data.customer!;
          const owner = data.offers?.find((offer) => offer.offerId === data.priced!.offerId)?.owner;
          const created = await runJourneyCommand(deps, caller, 'order.create', STEP_MESSAGES.order, {
            ...(owner ? { owner } : {}),
            idempotencyKey: `journey:${record.journeyId}:hold`,
            offerId: data.priced!.offerId,
            expectedTotal: { total: data.priced!.total, currency: data.priced!.currency },
            passengers: customer.passengers,
            contacts: [{ contactId: 'CONTACT1', emails: [{ address: customer.contact.email }], phones: [customer.contact.phone] }],
          }) as { order: OrderView };
          data = { ...data, orderId: created.order.orderId, bookingReference: created.order.bookingReference };
        }
        const paid = await runJourneyCommand(deps, caller, 'order.change', STEP_MESSAGES.order, {
          idempotencyKey: `journey:${record.journeyId}:pay:${attempt}`,
          orderId: data.orderId,
          payment: { card: tokenised.card, holderName },
        }) as { order: OrderView };
        const next = await write(record, stepOf(record, context, ['Order_Confirmation'], { ...data, paid: true, bookingReference: paid.order.bookingReference }), context.logger);
        return { journey: toJourneyStatus(next), orderId: paid.order.orderId };
      } catch (thrown) {
        const error = toGatewayError(thrown);
        const failures = attempt;
        const exhausted = failures >= options.maxPaymentRetries;
        const failed: JourneyData = { ...data, paymentFailures: failures };
        const to: JourneyState[] = exhausted ? ['Payment_Failed', 'Payment_Retry', 'Journey_Abandoned'] : ['Payment_Failed', 'Payment_Retry'];
        const next = await write(record, stepOf(record, context, to, failed, exhausted ? 'payment_retries_exhausted' : undefined), context.logger);
        if (exhausted) await releaseHold(next, caller);
        context.logger.info({ journeyId: record.journeyId, code: error.code, failures, exhausted }, 'journey payment failed');
        const left = options.maxPaymentRetries - failures;
        const message = exhausted
          ? `${error.message}. That was attempt ${failures} of ${options.maxPaymentRetries}: the journey is abandoned and the held seats are released`
          : `${error.message}. The journey awaits another payment (${left} attempt(s) left)`;
        throw new JourneyStepError(new GatewayError(error.code, message, error.details, error.cause), toJourneyStatus(next));
      }
    },

    /** Order_Confirmation → Ticket_Generation → Journey_Complete, once the order has a ticket for every passenger. */
    async confirm(context: StepContext, ref: JourneyRef): Promise<{ journey: JourneyStatusView; orderId: string; bookingReference: string; tickets: { paxId: string; number: string }[] }> {
      let record = await open(ref, context.client);
      requireState(record, ['Order_Confirmation', 'Ticket_Generation'], 'Ticket_Generation');
      if (record.state === 'Order_Confirmation') record = await write(record, stepOf(record, context, ['Ticket_Generation']), context.logger);
      const data = journeyDataOf(record);
      // Confirming needs the OrderCreateRQ permission (checked by the route), not a separate one to read the order back.
      const { client: _client, ...owner } = callerOf(context, record);
      const { order } = await runJourneyCommand(deps, owner, 'order.retrieve', 'OrderRetrieveRQ', { orderId: data.orderId }) as { order: OrderView };
      const tickets = order.documents.filter((d) => d.type === 'ET' && d.status === 'ISSUED').map((d) => ({ paxId: d.paxId, number: d.number }));
      const missing = order.passengers.filter((p) => !tickets.some((t) => t.paxId === p.paxId));
      if (missing.length > 0) {
        throw new GatewayError('INTERNAL_ERROR', `Order ${order.orderId} has no ticket for ${missing.map((p) => p.paxId).join(', ')}`, []);
      }
      const next = await write(record, stepOf(record, context, ['Journey_Complete'], { ...data, bookingReference: order.bookingReference, tickets }), context.logger);
      return { journey: toJourneyStatus(next), orderId: order.orderId, bookingReference: order.bookingReference, tickets };
    },

    /** The customer leaves: → Journey_Abandoned with the reason, from the states the table allows; a held unpaid order is released. */
    async cancel(context: StepContext, ref: JourneyRef, reason: AbandonReason): Promise<{ journey: JourneyStatusView }> {
      const record = await open(ref, context.client);
      const next = await write(record, stepOf(record, context, ['Journey_Abandoned'], undefined, reason), context.logger);
      await releaseHold(next, callerOf(context, record));
      return { journey: toJourneyStatus(next) };
    },

    /**
     * Abandons the journeys idle past their timeout (reason `timeout`), claimed once across every
     * process; a paid journey idle in Order_Confirmation is completed instead (its order is paid
     * and ticketed), as is one left in Ticket_Generation by a confirmation that did not finish.
     * Journey_Init, Payment_Process and Payment_Failed are left: the table allows no abandonment
     * from them. Returns how many journeys moved.
     */
    async sweepIdle(limit = 100): Promise<number> {
      const ids = await store.takeIdle(Date.now(), limit);
      let moved = 0;
      for (const journeyId of ids) {
        try {
          const record = await store.get(journeyId);
          if (!record) continue;
          const caller: CommandCaller = { clientId: record.clientId, correlationId: `sweep-${journeyId}`, logger };
          const to: JourneyState[] | undefined = record.state === 'Order_Confirmation' ? ['Ticket_Generation', 'Journey_Complete']
            : record.state === 'Ticket_Generation' ? ['Journey_Complete']
              : JOURNEY_TRANSITIONS[record.state].includes('Journey_Abandoned') ? ['Journey_Abandoned'] : undefined;
          if (!to) continue;
          const step: JourneyStep = { to, channel: record.history.at(-1)?.channel ?? record.channel, at: now(), ...(to[0] === 'Journey_Abandoned' ? { reason: 'timeout' as const } : {}) };
          const next = await write(record, step, logger);
          if (next.state === 'Journey_Abandoned') await releaseHold(next, caller);
          moved += 1;
        } catch (error) {
          // Lost to a step that came in meanwhile: the journey is alive again, which is right.
          logger.warn({ err: error, journeyId }, 'idle journey not swept');
        }
      }
      return moved;
    },

    /** For NDC traffic: writes a step on a journey it found by an offer or order id. */
    write,
    publish,
    hashToken,
  };
}
