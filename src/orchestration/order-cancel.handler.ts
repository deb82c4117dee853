import type { AuditedHandler } from './audited-handler.ts';
import type { DownstreamSteps } from './downstream-steps.ts';
import { requireClient, runIdempotent } from './idempotent-request.ts';
import { cancelOrderItems } from './order-cancellation.ts';
import { toRefundSummary, type OrderChangeResult } from './order-change.handler.ts';
import type { OrderCancelCommand } from './order-commands.ts';
import { toOrderView } from './order-view.ts';
import type { ResolvedDeps } from './orchestration-deps.ts';

export type OrderCancelResult = Required<Pick<OrderChangeResult, 'order' | 'refund'>>;

/**
 * order.cancel (17.2 OrderCancelRQ): the cancellation of order.change, for the whole order unless
 * items are named, with the same version check, idempotency and roll-forward settling.
 */
export function createOrderCancelHandler(deps: ResolvedDeps, steps: DownstreamSteps): AuditedHandler {
  return async (payload, context, audit) => {
    const command = payload as OrderCancelCommand;
    const clientId = requireClient(context.meta);
    const key = `order.cancel:${command.idempotencyKey}`;
    const logger = context.logger.child({ orderId: command.orderId });
    return runIdempotent<OrderCancelResult>(deps.store, { key, clientId, payload, ttlMs: deps.idempotencyTtlMs, logger }, async () => {
      const outcome = await cancelOrderItems(deps, steps, {
        orderId: command.orderId, clientId, key, correlationId: context.meta.correlationId, deadline: context.meta.deadline, logger, audit,
        ...(command.expectedVersion !== undefined ? { expectedVersion: command.expectedVersion } : {}),
        ...(command.orderItemIds ? { orderItemIds: command.orderItemIds } : {}),
      });
      return { result: { order: toOrderView(outcome.order), refund: toRefundSummary(outcome) }, orderId: command.orderId };
    });
  };
}
