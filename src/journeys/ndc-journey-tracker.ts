import { randomBytes, randomUUID } from 'node:crypto';
import { GatewayError } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import type { OrderView } from '../orchestration/index.ts';
import type { NdcAnswer } from '../pipeline/ndc-pipeline.ts';
import type { ExperimentSource } from '../analytics/experiment-assignment.ts';
import { assignVariants } from '../analytics/experiment-assignment.ts';
import { featuresOf, journeyDataOf, type JourneyData } from './journey-data.ts';
import { funnelPathTo, toStartEvent } from './journey-move.ts';
import type { JourneyService } from './journey-service.ts';
import { FINAL_STATES, JOURNEY_TRANSITIONS, type AbandonReason, type JourneyState } from './journey-states.ts';
import type { JourneyRecord, JourneyStore } from './journey-store.ts';

/**
 * NDC traffic as journeys: an AirShoppingRQ answered OK opens a journey for its client (channel
 * `ndc`), and the OfferPriceRQ, OrderCreateRQ and OrderChangeRQ that refer to its offers (or to the
 * order made from them) advance it, so the funnel and look-to-book cover NDC sellers. The answer
 * waits for it briefly (ndc.route.ts), so the seller's next message finds this one's journey; it
 * never fails a request: errors are logged. A message that refers to no journey of its client is
 * not tracked.
 */

export interface NdcJourneyTrackerOptions {
  readonly journeys: JourneyService;
  readonly store: JourneyStore;
  readonly logger: Logger;
  readonly maxPaymentRetries: number;
  readonly experiments?: ExperimentSource;
}

/** What the tracker reads of one answered NDC request. */
export interface TrackedRequest {
  readonly answer: NdcAnswer;
  readonly clientId: string | undefined;
  readonly correlationId: string;
  readonly durationMs: number;
}

interface OfferShape { offerId: string }
interface ShopShape { shoppingResponseId: string; offers: OfferShape[]; passengers: unknown[]; segments: { departure: string }[] }

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** An order paid in full with a ticket for every passenger. */
function isTicketed(order: OrderView): boolean {
  return order.amountDue === 0 && order.passengers.every((p) => order.documents.some((d) => d.type === 'ET' && d.status === 'ISSUED' && d.paxId === p.paxId));
}

/** The states from `state` to `target` on the happy path; a journey awaiting a payment retry goes through Payment_Process. */
function pathFrom(state: JourneyState, target: JourneyState): JourneyState[] {
  if (state === 'Payment_Retry') return ['Payment_Process', ...funnelPathTo('Payment_Process', target)];
  return funnelPathTo(state, target);
}

const CONFLICT_RETRIES = 3;

export function createNdcJourneyTracker(options: NdcJourneyTrackerOptions) {
  const { journeys, store, logger } = options;

  /** Opens a journey for an AirShopping answered OK: Journey_Init → Shopping, its offers linked. */
  async function openJourney(request: TrackedRequest, clientId: string, result: ShopShape): Promise<void> {
    const journeyId = `JRN-${randomUUID()}`;
    const experiments = options.experiments ? await options.experiments.running() : [];
    const at = new Date(Date.now() - request.durationMs).toISOString();
    const firstDeparture = result.segments.map((s) => s.departure).sort()[0];
    const record: JourneyRecord = {
      // The seller never sees this token: an NDC journey is continued through its offers.
      journeyId, resumeTokenHash: journeys.hashToken(randomBytes(24).toString('base64url')), clientId, channel: 'ndc',
      state: 'Journey_Init', version: 1, createdAt: at, updatedAt: at, enteredStateAt: at, history: [],
      variants: assignVariants(journeyId, experiments), data: {},
    };
    await store.create(record);
    await journeys.publish([toStartEvent(record)], logger);
    const data: JourneyData = {
      shoppingResponseId: result.shoppingResponseId, partySize: result.passengers.length,
      ...(firstDeparture ? { departureDate: firstDeparture.slice(0, 10) } : {}),
    };
    const next = await journeys.write(record, { to: ['Shopping'], channel: 'ndc', at: new Date(), data: data as Record<string, unknown> }, logger);
    await store.linkOffers(journeyId, [result.shoppingResponseId, ...result.offers.map((o) => o.offerId)]);
    await publishMessage(next, request);
  }

  async function publishMessage(record: JourneyRecord, request: TrackedRequest): Promise<void> {
    const at = new Date();
    await journeys.publish([{
      eventId: `${record.journeyId}:ndc:${request.correlationId}`,
      type: 'ndc_message', journeyId: record.journeyId, clientId: record.clientId, channel: 'ndc', at: at.toISOString(),
      durationMs: request.durationMs, message: request.answer.message, version: request.answer.version, outcome: request.answer.outcome,
      variants: record.variants, ...featuresOf(journeyDataOf(record), at),
    }], logger);
  }

  /** The journey a command refers to, by its offer (or ShoppingResponseID) or its order; only the client's own. */
  async function findJourney(payload: Record<string, unknown>, clientId: string): Promise<JourneyRecord | undefined> {
    for (const key of ['offerId', 'shoppingResponseId', 'orderId']) {
      const id = payload[key];
      if (typeof id !== 'string') continue;
      const journeyId = await store.journeyOfOffer(id);
      if (!journeyId) continue;
      const record = await store.get(journeyId);
      if (record && record.clientId === clientId) return record;
    }
    return undefined;
  }

  /** The states a command's outcome moves a journey through, and the data it keeps. */
  function movesOf(record: JourneyRecord, name: string, payload: Record<string, unknown>, request: TrackedRequest): { to: JourneyState[]; data?: JourneyData; reason?: AbandonReason; link?: string[] } {
    const data = journeyDataOf(record);
    const { outcome } = request.answer;
    const result = request.answer.command?.result;
    const state = record.state;
    if (name === 'offer.price') {
      if (outcome !== 'ok') return { to: pathFrom(state, 'Offer_Selection') };
      const priced = (result as ShopShape).offers.map((o) => o.offerId);
      return { to: pathFrom(state, 'Booking_Start'), link: priced };
    }
    const paying = name === 'order.create' || (name === 'order.change' && isObject(payload.payment));
    if (paying && outcome === 'ok') {
      const order = (result as { order: OrderView }).order;
      const kept: JourneyData = { ...data, orderId: order.orderId, bookingReference: order.bookingReference };
      if (isTicketed(order)) return { to: pathFrom(state, 'Journey_Complete'), data: { ...kept, paid: true }, link: [order.orderId] };
      // A hold: the seller has given the passengers, the payment is to come (OrderChangeRQ).
      return { to: pathFrom(state, 'Customer_Data'), data: kept, link: [order.orderId] };
    }
    if (paying && outcome === 'PAYMENT_DECLINED') {
      const failures = (data.paymentFailures ?? 0) + 1;
      const exhausted = failures >= options.maxPaymentRetries;
      const to = [...pathFrom(state, 'Payment_Process'), 'Payment_Failed', 'Payment_Retry', ...(exhausted ? ['Journey_Abandoned'] : [])] as JourneyState[];
      return { to, data: { ...data, paymentFailures: failures }, ...(exhausted ? { reason: 'payment_retries_exhausted' as const } : {}) };
    }
    if ((name === 'order.cancel' || (name === 'order.change' && payload.cancelOrder === true)) && outcome === 'ok' && JOURNEY_TRANSITIONS[state].includes('Journey_Abandoned')) {
      return { to: ['Journey_Abandoned'], reason: 'exit' };
    }
    return { to: [] };
  }

  async function advance(request: TrackedRequest, clientId: string, name: string, payload: Record<string, unknown>): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const record = await findJourney(payload, clientId);
      if (!record) return;
      try {
        if (attempt === 1) await publishMessage(record, request);
        if (FINAL_STATES.has(record.state)) return;
        const move = movesOf(record, name, payload, request);
        if (move.to.length === 0 && !move.data) return;
        await journeys.write(record, { to: move.to, channel: 'ndc', at: new Date(), ...(move.data ? { data: move.data as Record<string, unknown> } : {}), ...(move.reason ? { reason: move.reason } : {}) }, logger);
        if (move.link) await store.linkOffers(record.journeyId, move.link);
        return;
      } catch (error) {
        if (!(error instanceof GatewayError && error.code === 'JOURNEY_CONFLICT') || attempt >= CONFLICT_RETRIES) throw error;
      }
    }
  }

  return {
    /** Tracks one answered NDC request; never throws. */
    async track(request: TrackedRequest): Promise<void> {
      const command = request.answer.command;
      const clientId = request.clientId;
      if (!command?.name || !clientId || !isObject(command.payload)) return;
      try {
        if (command.name === 'offer.shop') {
          if (request.answer.outcome === 'ok') await openJourney(request, clientId, command.result as ShopShape);
          return;
        }
        await advance(request, clientId, command.name, command.payload);
      } catch (error) {
        logger.error({ err: error, correlationId: request.correlationId, message: request.answer.message }, 'NDC journey tracking failed');
      }
    },
  };
}

export type NdcJourneyTracker = ReturnType<typeof createNdcJourneyTracker>;
