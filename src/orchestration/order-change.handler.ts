import type { InventoryHoldResult, InventoryIssueResult } from '../contracts/airline/index.ts';
import { GatewayError } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import type { MessageAudit } from '../orders/audit-trail.ts';
import type { Order, OrderPayment } from '../orders/one-order.ts';
import { assertOrderChangeable } from '../orders/one-order-rules.ts';
import type { HandlerContext } from '../queue/command-queue.ts';
import { AIRLINE_CHANGE_ACCEPTED_EVENT, answerChanges, pendingChanges } from './airline-change.ts';
import type { AuditedHandler } from './audited-handler.ts';
import { toOrderPayment, type CallScope, type CardOnRecord, type DownstreamSteps } from './downstream-steps.ts';
import { requireClient, runIdempotent } from './idempotent-request.ts';
import { cancelOrderItems, type CancellationOutcome } from './order-cancellation.ts';
import type { OrderChangeCommand, PaymentInput } from './order-commands.ts';
import { applyDelivery, countersAfter, planItems, toOrderItems, upsertContacts, withTotal } from './order-items.ts';
import { formatMoney } from '../money/index.ts';
import { fromMinor, toMinor, unpaidItems } from './order-money.ts';
import { toOrderView, type OrderView } from './order-view.ts';
import type { ResolvedDeps } from './orchestration-deps.ts';
import { createStepRunner } from './step-runner.ts';

/** What a change charged. */
export interface ChangePayment {
  readonly paymentId: string;
  readonly amount: number;
  readonly currency: string;
  readonly status: OrderPayment['status'];
}

/** What a cancellation gave back. */
export interface RefundSummary {
  readonly orderItemIds: readonly string[];
  readonly currency: string;
  readonly penalty: number;
  readonly amount: number;
  readonly refunds: readonly { readonly paymentId: string; readonly amount: number; readonly refundId?: string }[];
  readonly voidedDocuments: readonly string[];
}

export interface OrderChangeResult {
  readonly order: OrderView;
  readonly payment?: ChangePayment;
  readonly refund?: RefundSummary;
}

const CHANGED = 'order.changed';

export function toRefundSummary(outcome: CancellationOutcome): RefundSummary {
  return {
    orderItemIds: outcome.orderItemIds, currency: outcome.currency, penalty: outcome.penalty, amount: outcome.refundAmount,
    refunds: outcome.refunds, voidedDocuments: outcome.voidedDocuments,
  };
}

interface ChangeRun {
  readonly command: OrderChangeCommand;
  readonly clientId: string;
  readonly key: string;
  readonly context: HandlerContext;
  readonly logger: Logger;
  readonly audit: MessageAudit;
}

/** The card of the order's latest successful payment, to charge additions to a paid order. */
function cardOnFile(order: Order): CardOnRecord {
  const last = [...order.payments].reverse().find((p) => p.status === 'SUCCESSFUL');
  if (!last) throw new GatewayError('INVALID_BUSINESS_DATA', `Order ${order.orderId} has no card on file; send a payment`, [{ message: 'payment required', path: '/payment' }]);
  const { token, holderName, expiry } = last.method;
  return { token, ...(holderName ? { holderName } : {}), ...(expiry ? { expiry } : {}) };
}

function cardOf(payment: PaymentInput): CardOnRecord {
  const { card, holderName } = payment;
  return { token: card.token, ...(holderName ? { holderName } : {}), ...(card.expiry ? { expiry: card.expiry } : {}) };
}

/**
 * order.change (OrderChangeRQ): add seats or bags, change contacts, pay a hold booking, or cancel
 * items or the whole order, against the version the client saw, idempotently.
 *
 * Additions and payments settle first and commit last: hold at the airline, authorise, issue,
 * capture, then one versioned write of the order. Until that write nothing is in the database, so
 * a failure undoes the downstream steps in reverse (documents voided, hold released, payment
 * voided or refunded), and a re-run after a crash repeats the keyed steps and writes once. A
 * change already written is recognised by its event and answered from the order.
 *
 * Cancellations commit first and settle after (see order-cancellation.ts); a change does one or
 * the other, never both.
 */
export function createOrderChangeHandler(deps: ResolvedDeps, steps: DownstreamSteps): AuditedHandler {
  const requestScope = (run: ChangeRun): CallScope => ({ correlationId: run.context.meta.correlationId, deadline: run.context.meta.deadline });
  const undoScope = (run: ChangeRun): CallScope => ({ correlationId: run.context.meta.correlationId, deadline: Date.now() + deps.undoBudgetMs });

  async function applyChange(run: ChangeRun): Promise<OrderChangeResult> {
    const { command, clientId } = run;
    const order = await deps.store.get(command.orderId, clientId);
    if (!order) throw new GatewayError('ORDER_NOT_FOUND', `Order ${command.orderId} is unknown`);
    const history = await deps.store.history(order.orderId, clientId);
    const done = history.find((e) => e.type === CHANGED && e.data.idempotencyKey === run.key);
    if (done) {
      run.logger.info({ orderId: order.orderId, version: done.version }, 'change was already written');
      const paid = order.payments.find((p) => p.paymentId === done.data.paymentId);
      return { order: toOrderView(order), ...(paid ? { payment: { paymentId: paid.paymentId, amount: paid.amount, currency: paid.currency, status: paid.status } } : {}) };
    }
    if (command.expectedVersion !== undefined && order.version !== command.expectedVersion) {
      throw new GatewayError('ORDER_VERSION_CONFLICT', `Order ${order.orderId} is at version ${order.version}, not ${command.expectedVersion}`);
    }
    assertOrderChangeable(order);

    const adding = (command.addServices?.length ?? 0) + (command.addSeats?.length ?? 0) > 0;
    const flying = new Set(order.items.filter((i) => i.status === 'ACTIVE' && i.services.some((s) => s.type === 'FLIGHT')).flatMap((i) => i.paxIds));
    const addedFor = [...(command.addServices ?? []).flatMap((s) => s.paxIds), ...(command.addSeats ?? []).map((s) => s.paxId)];
    const grounded = addedFor.find((paxId) => !flying.has(paxId));
    if (grounded !== undefined) {
      throw new GatewayError('INVALID_BUSINESS_DATA', `Passenger ${grounded} has no active flight in order ${order.orderId}`, [{ message: `no flight for ${grounded}`, path: '/' }]);
    }
    const unpaidBefore = unpaidItems(order);
    const paying = command.payment !== undefined || (adding && unpaidBefore.length === 0);
    const timeLimit = order.paymentTimeLimit === undefined ? undefined : Date.parse(order.paymentTimeLimit);
    if (unpaidBefore.length > 0 && (adding || command.payment) && timeLimit !== undefined && timeLimit <= deps.now().getTime()) {
      throw new GatewayError('ORDER_NOT_CHANGEABLE', `The payment time limit of order ${order.orderId} passed at ${order.paymentTimeLimit}`);
    }

    const runner = createStepRunner(run.logger);
    try {
      const counters = countersAfter(order);
      const plan = planItems(counters, { ...(command.addServices ? { services: command.addServices } : {}), ...(command.addSeats ? { seats: command.addSeats } : {}) });
      const holdKey = `${run.key}:hold`;
      let hold: InventoryHoldResult | undefined;
      if (adding) {
        hold = await runner.run('hold-inventory',
          () => steps.inventory('inventory.hold', { requestKey: holdKey, orderId: order.orderId, services: plan.services, seats: plan.seats }, requestScope(run)),
          () => steps.inventory('inventory.release', { orderId: order.orderId, requestKey: holdKey }, undoScope(run)),
          { undoEvenIfFailed: true });
      }
      const added = hold ? toOrderItems(hold.items, undefined, counters, plan) : [];
      const toSettle = paying ? [...unpaidBefore, ...added] : [];
      const due = fromMinor(toSettle.reduce((sum, i) => sum + toMinor(i.price.total, order.currency), 0), order.currency);
      if (command.payment && toSettle.length === 0) {
        throw new GatewayError('INVALID_BUSINESS_DATA', `Order ${order.orderId} has nothing to pay`, [{ message: 'nothing due', path: '/payment' }]);
      }
      if (command.payment?.amount !== undefined && toMinor(command.payment.amount, order.currency) !== toMinor(due, order.currency)) {
        throw new GatewayError('OFFER_PRICE_CHANGED', `The change costs ${formatMoney(due, order.currency)} ${order.currency}, not ${formatMoney(command.payment.amount, order.currency)} ${order.currency}`,
          [{ message: 'payment amount differs from what is due', path: '/payment/amount' }]);
      }

      let payment: OrderPayment | undefined;
      if (due > 0) {
        const card = command.payment ? cardOf(command.payment) : cardOnFile(order);
        const authorisation = await runner.run('authorise-payment',
          () => steps.authorise({ token: card.token, amount: due, currency: order.currency, orderId: order.orderId, key: run.key }, requestScope(run)),
          (auth) => (auth ? steps.releasePayment(auth.authorisationId, run.key, undoScope(run)) : Promise.resolve()));
        payment = toOrderPayment(authorisation, card);
      }
      let issue: InventoryIssueResult | undefined;
      if (toSettle.length > 0) {
        const issueKey = `${run.key}:issue`;
        issue = await runner.run('issue-documents',
          () => steps.inventory('inventory.issue', { orderId: order.orderId, requestKey: issueKey, itemIds: toSettle.map((i) => i.orderItemId) }, requestScope(run)),
          () => steps.inventory('inventory.void', { orderId: order.orderId, issueRequestKey: issueKey }, undoScope(run)),
          { undoEvenIfFailed: true });
      }
      if (payment) {
        const captured = await runner.run('capture-payment', () => steps.capture((payment as OrderPayment).paymentId, requestScope(run)));
        payment = { ...payment, status: captured.status === 'CAPTURED' ? 'SUCCESSFUL' : payment.status };
      }

      const recorded = payment;
      const updated = await runner.run('write-order', () => run.audit.write((audit) => deps.store.updateFrom(order, (current) => {
        let next: Order = { ...current, items: [...current.items, ...added], payments: recorded ? [...current.payments, { ...recorded, status: 'PENDING' }] : current.payments };
        if (command.contacts) next = upsertContacts(next, command.contacts);
        if (issue) next = applyDelivery(next, issue, new Date().toISOString(), recorded ? [recorded.paymentId] : []);
        else if (hold && next.paymentTimeLimit === undefined) next = { ...next, paymentTimeLimit: hold.expiresAt };
        return withTotal(next);
      }, {
        type: CHANGED, clientId, correlationId: run.context.meta.correlationId,
        data: {
          idempotencyKey: run.key,
          ...(added.length > 0 ? { addedItems: added.map((i) => i.orderItemId), holdId: hold?.holdId ?? null } : {}),
          ...(command.contacts ? { contacts: command.contacts.map((c) => c.contactId) } : {}),
          ...(recorded ? { paymentId: recorded.paymentId, amount: recorded.amount, currency: recorded.currency } : {}),
          ...(issue ? { settledItems: [...issue.issued] } : {}),
          ...(issue ? { documents: issue.documents.map((d) => ({ type: d.type, number: d.number, paxId: d.paxId })) } : {}),
        },
      }, { audit })));
      run.logger.info({ orderId: order.orderId, version: updated.version, added: added.length, paid: recorded?.amount ?? 0 }, 'order changed');
      const shown = recorded ? updated.payments.find((p) => p.paymentId === recorded.paymentId) : undefined;
      return { order: toOrderView(updated), ...(shown ? { payment: { paymentId: shown.paymentId, amount: shown.amount, currency: shown.currency, status: shown.status } } : {}) };
    } catch (error) {
      await runner.compensate(error);
      throw error;
    }
  }

  /**
   * The seller keeps the new itinerary: every pending airline change of the order becomes
   * ACCEPTED, in one versioned write. Nothing is asked of the airline, which made the change.
   */
  async function acceptChanges(run: ChangeRun): Promise<OrderChangeResult> {
    const { command, clientId } = run;
    const order = await deps.store.get(command.orderId, clientId);
    if (!order) throw new GatewayError('ORDER_NOT_FOUND', `Order ${command.orderId} is unknown`);
    const history = await deps.store.history(order.orderId, clientId);
    if (history.some((e) => e.type === AIRLINE_CHANGE_ACCEPTED_EVENT && e.data.idempotencyKey === run.key)) return { order: toOrderView(order) };
    if (command.expectedVersion !== undefined && order.version !== command.expectedVersion) {
      throw new GatewayError('ORDER_VERSION_CONFLICT', `Order ${order.orderId} is at version ${order.version}, not ${command.expectedVersion}`);
    }
    assertOrderChangeable(order);
    const pending = pendingChanges(order).map((c) => c.changeId);
    if (pending.length === 0) throw new GatewayError('ORDER_NOT_CHANGEABLE', `Order ${order.orderId} has no airline change waiting for an answer`);
    const updated = await run.audit.write((audit) => deps.store.updateFrom(order, (current) => answerChanges(current, 'ACCEPTED', deps.now().toISOString(), pending), {
      type: AIRLINE_CHANGE_ACCEPTED_EVENT, clientId, correlationId: run.context.meta.correlationId,
      data: { idempotencyKey: run.key, changeIds: pending, by: 'seller' },
    }, { audit }));
    run.logger.info({ orderId: order.orderId, version: updated.version, changeIds: pending }, 'airline change accepted');
    return { order: toOrderView(updated) };
  }

  return async (payload, context, audit) => {
    const command = payload as OrderChangeCommand;
    const clientId = requireClient(context.meta);
    const key = `order.change:${command.idempotencyKey}`;
    const logger = context.logger.child({ orderId: command.orderId });
    const cancelling = command.cancelOrder === true || (command.cancelOrderItemIds?.length ?? 0) > 0;
    const other = (command.addServices?.length ?? 0) + (command.addSeats?.length ?? 0) + (command.contacts?.length ?? 0) > 0 || command.payment !== undefined;
    const accepting = command.acceptAirlineChange === true;
    if (accepting && (cancelling || other)) {
      throw new GatewayError('INVALID_BUSINESS_DATA', 'Send the acceptance of an airline change as a request of its own', [{ message: 'acceptance mixed with other changes', path: '/acceptAirlineChange' }]);
    }
    if (cancelling && other) {
      throw new GatewayError('INVALID_BUSINESS_DATA', 'Send cancellations and other changes as separate requests', [{ message: 'cancellation mixed with other changes', path: '/' }]);
    }
    if (!cancelling && !other && !accepting) throw new GatewayError('INVALID_BUSINESS_DATA', 'The change asks for nothing', [{ message: 'no change', path: '/' }]);
    const run: ChangeRun = { command, clientId, key, context, logger, audit };
    return runIdempotent<OrderChangeResult>(deps.store, { key, clientId, payload, ttlMs: deps.idempotencyTtlMs, logger }, async () => {
      if (accepting) return { result: await acceptChanges(run), orderId: command.orderId };
      if (!cancelling) return { result: await applyChange(run), orderId: command.orderId };
      const outcome = await cancelOrderItems(deps, steps, {
        orderId: command.orderId, clientId, key, correlationId: context.meta.correlationId, deadline: context.meta.deadline, logger, audit,
        ...(command.expectedVersion !== undefined ? { expectedVersion: command.expectedVersion } : {}),
        ...(command.cancelOrder ? {} : { orderItemIds: command.cancelOrderItemIds ?? [] }),
      });
      return { result: { order: toOrderView(outcome.order), refund: toRefundSummary(outcome) }, orderId: command.orderId };
    });
  };
}
