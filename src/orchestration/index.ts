import type { CommandHandler } from '../queue/command-queue.ts';
import { auditHandler, type AuditedHandler } from './audited-handler.ts';
import { createDownstreamSteps } from './downstream-steps.ts';
import { createOrderAirlineChangeHandler } from './order-airline-change.handler.ts';
import { createOrderCancelHandler } from './order-cancel.handler.ts';
import { createOrderChangeHandler } from './order-change.handler.ts';
import { createOrderCreateHandler } from './order-create.handler.ts';
import { createOrderHistoryHandler } from './order-history.handler.ts';
import { createOrderListHandler } from './order-list.handler.ts';
import { createOrderQuoteHandler } from './order-quote.handler.ts';
import { createOrderReshopHandler } from './order-reshop.handler.ts';
import { createOrderRetrieveHandler } from './order-retrieve.handler.ts';
import { resolveDeps, type OrchestrationDeps } from './orchestration-deps.ts';

export type { AirlinePort, AirlineOrderLookup, PaymentPort, OrchestrationDeps, OrchestrationOptions } from './orchestration-deps.ts';
export type { AirlineChangeResult, AirlineChangeOrderOutcome } from './order-airline-change.handler.ts';
export type { AirlineChangeCommand } from './airline-change.ts';
export type * from './order-commands.ts';
export type { OrderView, PaymentView, DocumentView } from './order-view.ts';
export type { OrderCreateResult } from './order-create.handler.ts';
export type { OrderChangeResult, ChangePayment, RefundSummary } from './order-change.handler.ts';
export type { OrderCancelResult } from './order-cancel.handler.ts';
export type { OrderRetrieveResult } from './order-retrieve.handler.ts';
export type { OrderListResult } from './order-list.handler.ts';
export type { OrderHistoryResult } from './order-history.handler.ts';
export type { OrderReshopResult, RefundQuote, RepriceQuote } from './order-reshop.handler.ts';
export type { OrderQuoteResult } from './order-quote.handler.ts';
export { toOrderView } from './order-view.ts';
export { createAirlineChangeDefaults, type AirlineChangeDefaultsReport, type AirlineChangeDefaultsRun } from './airline-change-defaults.ts';
export { deriveOrderId, requestHash, FinalFailure, runIdempotent } from './idempotent-request.ts';
export { createHoldExpiry, HOLD_EXPIRY_ACTOR, type ExpireHold, type HoldExpiryOutcome, type HoldExpiryScope } from './hold-expiry.ts';
export { createStepRunner, withRetries, isTransient, type StepRunner, type CompensationReport } from './step-runner.ts';

/** The order commands this module answers; each has a schema pair in schemas/commands/. */
export const ORDER_COMMANDS = [
  'order.create', 'order.retrieve', 'order.change', 'order.reshop', 'order.quote', 'order.list', 'order.history', 'order.cancel',
  'order.airline-change',
] as const;

export type OrderCommandName = (typeof ORDER_COMMANDS)[number];

/**
 * The order lifecycle handlers by command name, to register with the worker next to (and
 * instead of) the default forwarding of order.* commands to the airline. Each leaves its row in
 * the audit trail (audited-handler.ts).
 */
export function createOrderHandlers(deps: OrchestrationDeps): Map<string, CommandHandler> {
  const resolved = resolveDeps(deps);
  const steps = createDownstreamSteps(resolved);
  const handlers: Record<OrderCommandName, AuditedHandler> = {
    'order.create': createOrderCreateHandler(resolved, steps),
    'order.retrieve': createOrderRetrieveHandler(resolved),
    'order.change': createOrderChangeHandler(resolved, steps),
    'order.reshop': createOrderReshopHandler(resolved, steps),
    'order.quote': createOrderQuoteHandler(resolved, steps),
    'order.list': createOrderListHandler(resolved),
    'order.history': createOrderHistoryHandler(resolved),
    'order.cancel': createOrderCancelHandler(resolved, steps),
    'order.airline-change': createOrderAirlineChangeHandler(resolved),
  };
  return new Map(ORDER_COMMANDS.map((name) => [name, auditHandler(resolved.store, handlers[name])]));
}
