import type { InventoryHoldResult, OfferPriceResult } from '../contracts/airline/index.ts';
import { GatewayError, gatewayErrorFromJSON, toGatewayError } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import type { MessageAudit } from '../orders/audit-trail.ts';
import type { NewOrder, Order, OrderPayment, OrderSegment } from '../orders/one-order.ts';
import { cancelOrder } from '../orders/one-order-rules.ts';
import { isConnectionLost } from '../orders/sql-database.ts';
import type { HandlerContext } from '../queue/command-queue.ts';
import type { AuditedHandler } from './audited-handler.ts';
import type { CallScope, DownstreamSteps } from './downstream-steps.ts';
import { toOrderPayment } from './downstream-steps.ts';
import { deriveOrderId, FinalFailure, requireClient, runIdempotent } from './idempotent-request.ts';
import type { OrderCreateCommand } from './order-commands.ts';
import { applyDelivery, countersAfter, planItems, toOrderItems, type ItemPlan } from './order-items.ts';
import { formatMoney } from '../money/index.ts';
import { fromMinor, orderTotal, toMinor } from './order-money.ts';
import { toOrderView, type OrderView } from './order-view.ts';
import type { ResolvedDeps } from './orchestration-deps.ts';
import { createStepRunner, isTransient, type StepRunner } from './step-runner.ts';

export interface OrderCreateResult {
  readonly order: OrderView;
}

interface CreateRun {
  readonly command: OrderCreateCommand;
  readonly clientId: string;
  readonly orderId: string;
  /** The idempotency key as the store and downstream keys use it. */
  readonly key: string;
  readonly context: HandlerContext;
  readonly logger: Logger;
  readonly runner: StepRunner;
  /** Every write of the order carries the request's audit row. */
  readonly audit: MessageAudit;
}

/**
 * The order was ticketed and paid, and only the record of it could not be written because the
 * order store was away: nothing is undone (voided tickets and a refund under an order a retry
 * then completes would leave the seller a booking without tickets), and the key is released
 * with its link to the order, so the seller's retry carries on and records the delivery.
 */
class DeliveryNotRecorded extends Error {
  readonly error: GatewayError;

  constructor(cause: unknown) {
    const error = toGatewayError(cause);
    super(error.message);
    this.name = 'DeliveryNotRecorded';
    this.error = error;
  }
}

/** The order the request made, and its answer when that was stored with the last write. */
interface Created {
  readonly order: Order;
  readonly stored?: OrderCreateResult;
}

/**
 * A transient failure after the order was written: nothing is undone and the key is released
 * (it keeps its link to the order), so a retry of the same request finishes the order.
 */
class LeftToFinish extends Error {
  readonly error: GatewayError;

  constructor(error: GatewayError) {
    super(error.message);
    this.name = 'LeftToFinish';
    this.error = error;
  }
}

/** How a failure after the order was written ends the attempt: left for the retry when transient, else cancelled for good. */
function afterWritten(error: unknown): LeftToFinish | FinalFailure {
  const failure = toGatewayError(error);
  return isTransient(failure) ? new LeftToFinish(failure) : new FinalFailure(failure);
}

const money = (amount: number, currency: string): string => `${formatMoney(amount, currency)} ${currency}`;

const answerOf = (order: Order): OrderCreateResult => ({ order: toOrderView(order) });

/**
 * order.create (OrderCreateRQ), in steps that are each safe to repeat, so the job can be run again
 * after a crash at any point and still make exactly one order:
 *
 * 1. claim the idempotency key: a finished request answers again, a running one is
 *    REQUEST_IN_PROGRESS, and an order left by a crashed attempt is carried on (step 6);
 * 2. verify the offer at the airline: not expired, and the price the seller accepted;
 * 3. hold seats and ancillaries (the airline keys the hold by the request, so a re-run finds it);
 * 4. authorise the payment with the token the edge obtained (keyed likewise), unless it is a hold
 *    booking: then the order is created unpaid, with the hold's time limit to pay by;
 * 5. write the order, linked to the key, with its first event;
 * 6. issue tickets and EMDs, capture the payment, and record documents and deliveries;
 * 7. store the answer under the key (with step 6's record, in the same statement).
 *
 * PostgreSQL sees three statements per paid order: the claim (which also finds the order of an
 * earlier attempt), the order with its event, key link and audit row, and the delivery with its
 * event, the answer and audit row; test/integration/orchestration/order-create.test.ts counts them.
 *
 * A failure undoes the finished steps in reverse (documents voided, hold released, authorisation
 * voided) and frees the key, so nothing is left half-made. Once the order was written (step 5),
 * a refusal to issue or capture cancels the order, with the reason in its history, and that error
 * becomes the request's stored answer: the database keeps the cancelled order as the audit record,
 * never an order that looks bookable but is not. A crash (no code left to compensate) rolls
 * forward instead: the re-run finds the order through the key and finishes issuing it. So does a
 * transient failure then (a service unreachable or too slow, its circuit open): the order is kept
 * as written and the key released with its link to it, so the sender's retry of the 502/504 it
 * got carries on from the order instead of replaying that 5xx for good. And an order
 * store that went away just when the delivery was to be recorded: the tickets and the capture
 * stand, and the retry records them.
 *
 * The handler's abort signal is not passed on: each call has its deadline, and a request given up
 * by its sender still ends whole or undone, its answer kept for the replay.
 */
export function createOrderCreateHandler(deps: ResolvedDeps, steps: DownstreamSteps): AuditedHandler {
  /** Until when the steps before the order exists may run: the request's deadline. */
  const requestScope = (run: CreateRun): CallScope => ({ correlationId: run.context.meta.correlationId, deadline: run.context.meta.deadline });
  /** Once the order exists, finishing beats stopping at the deadline: a replay gets the finished order. */
  const completionScope = (run: CreateRun): CallScope => ({
    correlationId: run.context.meta.correlationId, deadline: Math.max(run.context.meta.deadline, Date.now() + deps.completionBudgetMs),
  });
  const undoScope = (run: CreateRun): CallScope => ({ correlationId: run.context.meta.correlationId, deadline: Date.now() + deps.undoBudgetMs });

  async function verifyOffer(run: CreateRun): Promise<OfferPriceResult> {
    const { command } = run;
    const priced = await steps.priceOffer({
      ...(command.owner ? { owner: command.owner } : {}),
      offerId: command.offerId,
      passengers: command.passengers.map((p) => ({ id: p.paxId, type: p.ptc, ...(p.accompanyingPaxId === undefined ? {} : { accompanyingPaxId: p.accompanyingPaxId }) })),
      ...(command.offerItemIds ? { offerItemIds: command.offerItemIds } : {}),
    }, requestScope(run));
    const offer = priced.offers[0] as OfferPriceResult['offers'][number];
    const now = offer.totalPrice;
    if (command.expectedTotal) {
      const expected = command.expectedTotal;
      if (expected.currency !== now.currency || toMinor(expected.total, now.currency) !== toMinor(now.total, now.currency)) {
        throw new GatewayError('OFFER_PRICE_CHANGED', `Offer ${command.offerId} now costs ${money(now.total, now.currency)}, not ${money(expected.total, expected.currency)}`,
          [{ message: `price changed from ${money(expected.total, expected.currency)} to ${money(now.total, now.currency)}`, path: '/expectedTotal' }]);
      }
    } else if (priced.priceChanged && priced.previousTotal) {
      const before = priced.previousTotal;
      throw new GatewayError('OFFER_PRICE_CHANGED', `Offer ${command.offerId} now costs ${money(now.total, now.currency)}, not ${money(before.total, before.currency)}`,
        [{ message: `price changed from ${money(before.total, before.currency)} to ${money(now.total, now.currency)}`, path: '/offerId' }]);
    }
    const covered = new Set(offer.offerItems.flatMap((i) => i.paxIds));
    command.passengers.forEach((p, index) => {
      if (!covered.has(p.paxId)) throw new GatewayError('INVALID_BUSINESS_DATA', `Passenger ${p.paxId} is not covered by the selected offer items`, [{ message: 'passenger without a flight', path: `/passengers/${index}` }]);
    });
    return priced;
  }

  function segmentsOf(priced: OfferPriceResult, hold: InventoryHoldResult): OrderSegment[] {
    const flight = hold.items.find((i) => i.kind === 'FLIGHT');
    return priced.segments.map((s) => ({
      segmentId: s.segmentId, origin: s.origin, destination: s.destination, departure: s.departure, arrival: s.arrival,
      carrier: s.carrier, flightNumber: s.flightNumber, aircraft: s.aircraft, cabin: s.cabin, durationMinutes: s.durationMinutes,
      ...(flight?.rbd ? { rbd: flight.rbd } : {}), ...(flight?.fareBasisCode ? { fareBasisCode: flight.fareBasisCode } : {}),
    }));
  }

  function draftOrder(run: CreateRun, priced: OfferPriceResult, hold: InventoryHoldResult, plan: ItemPlan, payment: OrderPayment | undefined): NewOrder {
    const { command } = run;
    const offer = priced.offers[0] as OfferPriceResult['offers'][number];
    const items = toOrderItems(hold.items, command.offerId, countersAfter(undefined), plan);
    const journeyIds = new Set(offer.journeyIds);
    const base = { currency: priced.currency, items };
    return {
      orderId: run.orderId,
      ownerClientId: run.clientId,
      status: 'OPENED',
      currency: priced.currency,
      totalPrice: orderTotal(base),
      ...(payment ? {} : { paymentTimeLimit: hold.expiresAt }),
      ...(hold.airlineOrder ? { airline: hold.airlineOrder } : {}),
      passengers: command.passengers,
      contacts: command.contacts ?? [],
      items,
      segments: segmentsOf(priced, hold),
      journeys: priced.journeys.filter((j) => journeyIds.has(j.journeyId)).map((j) => ({
        journeyId: j.journeyId, origin: j.origin, destination: j.destination, segmentIds: j.segmentIds, durationMinutes: j.durationMinutes,
      })),
      payments: payment ? [payment] : [],
      documents: [],
    };
  }

  /** Cancels the record of an order whose creation failed after it was written, saying why. */
  async function cancelRecord(run: CreateRun, cause: GatewayError): Promise<void> {
    await run.audit.write((stamp) => deps.store.update(run.orderId, run.clientId, undefined, (order) => ({
      ...cancelOrder(order),
      payments: order.payments.map((p) => (p.status === 'PENDING' ? { ...p, status: 'VOIDED' as const } : p)),
    }), {
      type: 'order.cancelled', clientId: run.clientId, correlationId: run.context.meta.correlationId,
      data: { reason: 'creation-failed', code: cause.code, message: cause.message, idempotencyKey: run.key },
    }, { audit: stamp }), cause.code);
  }

  /**
   * Step 6: tickets and EMDs, the capture, and the record of both, written with the request's
   * answer (step 7) in one statement; undone by voiding what was issued.
   */
  async function deliver(run: CreateRun, order: Order, payment: OrderPayment): Promise<Created> {
    const scope = completionScope(run);
    const issueKey = `${run.key}:issue`;
    const issue = await run.runner.run('issue-documents',
      () => steps.inventory('inventory.issue', { orderId: run.orderId, requestKey: issueKey }, scope),
      () => steps.inventory('inventory.void', { orderId: run.orderId, issueRequestKey: issueKey }, undoScope(run)),
      { undoEvenIfFailed: true });
    const captured = await run.runner.run('capture-payment', () => steps.capture(payment.paymentId, scope));
    const created = await run.runner.run('record-delivery', async (): Promise<Created> => {
      let stored: OrderCreateResult | undefined;
      try {
        const delivered = await run.audit.write((audit) => deps.store.updateFrom(order, (current) => applyDelivery(current, issue, new Date().toISOString(), [payment.paymentId]), {
          type: 'order.delivered', clientId: run.clientId, correlationId: run.context.meta.correlationId,
          data: {
            idempotencyKey: run.key, paymentId: payment.paymentId, captured: captured.capturedAmount, currency: captured.currency, settledItems: [...issue.issued],
            documents: issue.documents.map((d) => ({ type: d.type, number: d.number, paxId: d.paxId })),
          },
        }, {
          audit,
          complete: {
            key: run.key,
            response: (next) => {
              stored = answerOf(next);
              return JSON.stringify(stored);
            },
          },
        }));
        return { order: delivered, ...(stored ? { stored } : {}) };
      } catch (error) {
        if (isConnectionLost(error)) throw new DeliveryNotRecorded(error);
        // Another attempt of the same request may have recorded it first; then this one is done too.
        if (toGatewayError(error).code !== 'ORDER_VERSION_CONFLICT') throw error;
        const current = await deps.store.get(run.orderId, run.clientId);
        if (current && !current.payments.some((p) => p.paymentId === payment.paymentId && p.status === 'PENDING')) return { order: current };
        throw error;
      }
    });
    // An earlier attempt whose authorisation answer was lost left that authorisation open (the retry's
    // new card token made a new one): released here, once the order is paid. Best effort: the order stands.
    await steps.voidOtherAuthorisations(captured, scope).then(
      (voided) => { if (voided.length > 0) run.logger.info({ voided }, 'authorisations of earlier attempts voided'); },
      (error: unknown) => run.logger.warn({ err: toGatewayError(error) }, 'authorisations of earlier attempts not checked; they expire at the payment service'));
    return created;
  }

  async function createFresh(run: CreateRun): Promise<Created> {
    const { command, runner } = run;
    const priced = await runner.run('verify-offer', () => verifyOffer(run));
    const offer = priced.offers[0] as OfferPriceResult['offers'][number];
    const plan = planItems(countersAfter(undefined), {
      offerItemIds: offer.offerItems.map((i) => i.offerItemId),
      ...(command.services ? { services: command.services } : {}),
      ...(command.seats ? { seats: command.seats } : {}),
    });
    const holdKey = `${run.key}:hold`;
    const hold = await runner.run('hold-inventory',
      () => steps.inventory('inventory.hold', {
        ...(command.owner ? { owner: command.owner } : {}),
        requestKey: holdKey, orderId: run.orderId, offerId: command.offerId,
        passengers: command.passengers.map((p) => ({ id: p.paxId, type: p.ptc, ...(p.accompanyingPaxId === undefined ? {} : { accompanyingPaxId: p.accompanyingPaxId }) })),
        paxDetails: command.passengers,
        flights: plan.flights, services: plan.services, seats: plan.seats,
      }, requestScope(run)),
      () => steps.inventory('inventory.release', { orderId: run.orderId, requestKey: holdKey }, undoScope(run)),
      { undoEvenIfFailed: true });

    const heldFlights = hold.items.filter((i) => i.kind === 'FLIGHT').reduce((sum, i) => sum + toMinor(i.price.total, priced.currency), 0);
    if (heldFlights !== toMinor(offer.totalPrice.total, priced.currency)) {
      throw new GatewayError('OFFER_PRICE_CHANGED', `Offer ${command.offerId} was held at ${money(fromMinor(heldFlights, priced.currency), priced.currency)}, priced at ${money(offer.totalPrice.total, priced.currency)}`);
    }
    const total = orderTotal({ currency: priced.currency, items: toOrderItems(hold.items, command.offerId, countersAfter(undefined), plan) });
    if (command.payment?.amount !== undefined && toMinor(command.payment.amount, total.currency) !== toMinor(total.total, total.currency)) {
      throw new GatewayError('OFFER_PRICE_CHANGED', `The order costs ${money(total.total, total.currency)}, not ${money(command.payment.amount, total.currency)}`,
        [{ message: 'payment amount differs from the order total', path: '/payment/amount' }]);
    }

    let payment: OrderPayment | undefined;
    if (command.payment) {
      const { card, holderName } = command.payment;
      const authorisation = await runner.run('authorise-payment',
        () => steps.authorise({ token: card.token, amount: total.total, currency: total.currency, orderId: run.orderId, key: run.key }, requestScope(run)),
        (done) => (done ? steps.releasePayment(done.authorisationId, run.key, undoScope(run)) : Promise.resolve()));
      payment = toOrderPayment(authorisation, { token: card.token, ...(holderName ? { holderName } : {}), ...(card.expiry ? { expiry: card.expiry } : {}) });
    }

    const draft = draftOrder(run, priced, hold, plan, payment);
    let failure: GatewayError | undefined;
    const order = await runner.run('write-order',
      () => run.audit.write((audit) => deps.store.create(draft, {
        idempotencyKey: run.key,
        audit,
        event: {
          type: 'order.created', clientId: run.clientId, correlationId: run.context.meta.correlationId,
          data: {
            idempotencyKey: run.key, offerId: command.offerId, holdId: hold.holdId, holdExpiresAt: hold.expiresAt,
            total: draft.totalPrice.total, currency: draft.currency, ...(payment ? { paymentId: payment.paymentId } : { holdBooking: true }),
          },
        },
      })),
      () => cancelRecord(run, failure ?? new GatewayError('INTERNAL_ERROR')));
    if (!payment) return { order };
    try {
      return await deliver(run, order, payment);
    } catch (error) {
      if (error instanceof DeliveryNotRecorded) throw error;
      const ending = afterWritten(error);
      failure = ending.error;
      throw ending;
    }
  }

  /** Carries on with the order an earlier attempt of the same request wrote before it stopped. */
  async function resume(run: CreateRun, orderId: string, order: Order | undefined): Promise<Created> {
    if (!order) throw new GatewayError('INTERNAL_ERROR', `Order ${orderId} is linked to the request but missing`);
    if (order.status === 'CLOSED') {
      const history = await deps.store.history(orderId, run.clientId);
      const cancelled = history.find((e) => e.type === 'order.cancelled' && e.data.reason === 'creation-failed');
      // The earlier attempt failed after writing and cancelled the order: its error is the answer.
      throw new FinalFailure(gatewayErrorFromJSON({
        code: cancelled?.data.code ?? 'ORDER_NOT_CHANGEABLE',
        message: typeof cancelled?.data.message === 'string' ? cancelled.data.message : `Order ${orderId} was cancelled while being created`,
      }));
    }
    const payment = order.payments.find((p) => p.status === 'PENDING');
    // A hold booking, or an order whose delivery was recorded: nothing left to do.
    if (!payment) return { order };
    run.logger.info({ orderId }, 'carrying on with the order of an earlier attempt');
    const holdKey = `${run.key}:hold`;
    run.runner.adopt('hold-inventory', () => steps.inventory('inventory.release', { orderId, requestKey: holdKey }, undoScope(run)));
    run.runner.adopt('authorise-payment', () => steps.releasePayment(payment.paymentId, run.key, undoScope(run)));
    let failure: GatewayError | undefined;
    run.runner.adopt('write-order', () => cancelRecord(run, failure ?? new GatewayError('INTERNAL_ERROR')));
    try {
      return await deliver(run, order, payment);
    } catch (error) {
      if (error instanceof DeliveryNotRecorded) throw error;
      const ending = afterWritten(error);
      failure = ending.error;
      throw ending;
    }
  }

  return async (payload, context, audit) => {
    const command = payload as OrderCreateCommand;
    const clientId = requireClient(context.meta);
    const orderId = deriveOrderId(clientId, command.idempotencyKey);
    audit.about({ orderId });
    const key = `order.create:${command.idempotencyKey}`;
    const logger = context.logger.child({ orderId });
    return runIdempotent<OrderCreateResult>(deps.store, { key, clientId, payload, ttlMs: deps.idempotencyTtlMs, logger, orderId }, async (claim) => {
      const run: CreateRun = { command, clientId, orderId, key, context, logger, runner: createStepRunner(logger), audit };
      try {
        // Without a link from the key, an order of this id was made by the same request before its answer expired.
        const { order, stored } = claim.orderId !== undefined ? await resume(run, claim.orderId, claim.order)
          : claim.order ? { order: claim.order } : await createFresh(run);
        logger.info({ orderId, bookingReference: order.bookingReference, status: order.status }, 'order created');
        return { result: stored ?? answerOf(order), orderId, answered: stored !== undefined };
      } catch (error) {
        if (error instanceof DeliveryNotRecorded) {
          logger.warn({ err: error.error }, 'order ticketed and paid, its record not written: the retry records it');
          throw error.error;
        }
        if (error instanceof LeftToFinish) {
          logger.warn({ orderId, code: error.error.code }, 'order written but not finished; the retry of the request finishes it');
          throw error.error;
        }
        await run.runner.compensate(error instanceof FinalFailure ? error.error : error);
        throw error;
      }
    });
  };
}
