import { toGatewayError } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import { runAudited } from '../orders/audit-trail.ts';
import type { Order } from '../orders/one-order.ts';
import { cancelOrderItem } from '../orders/one-order-rules.ts';
import { HOLD_EXPIRED_EVENT } from '../orders/order-notices.ts';
import type { ExpiredHold } from '../orders/order-store.ts';
import { createDownstreamSteps } from './downstream-steps.ts';
import { cancelOrderItems, resolveCancellation } from './order-cancellation.ts';
import { resolveDeps, type OrchestrationDeps } from './orchestration-deps.ts';

/** Who releases expired holds, in the order's events and the audit trail. */
export const HOLD_EXPIRY_ACTOR = 'housekeeping';

/** What became of one expired hold. */
export type HoldExpiryOutcome =
  /** Cancelled and its seats released at the airline. */
  | 'expired'
  /** Somebody changed the order since it was found (paid it, cancelled it, or another sweep won): left alone. */
  | 'changed'
  /** The order cannot be cancelled as it stands (e.g. a service of it was delivered): left to its seller. */
  | 'kept';

export interface HoldExpiryScope {
  readonly correlationId: string;
  readonly logger: Logger;
  /** Time allowed to the airline calls. @defaultValue 30000 */
  readonly timeoutMs?: number;
}

/** Releases one hold that passed its payment time limit. */
export type ExpireHold = (hold: ExpiredHold, scope: HoldExpiryScope) => Promise<HoldExpiryOutcome>;

/**
 * Cancels a hold past its payment time limit through the cancellation every order command uses:
 * the decision is written (event `order.hold-expired`, which gives the seller the
 * `order.hold_expired` notice), then the airline gives the seats back. The decision is written
 * only over the version the sweep found, under a key of the sweep's own run, so of two sweeps
 * that find the same hold (two processes, or two overlapping ticks) exactly one cancels it and
 * releases its seats; the other sees a version conflict and leaves it. A settling cut short
 * (crash) is not retried by a later sweep: the airline's own hold ends at the same time limit.
 */
export function createHoldExpiry(deps: OrchestrationDeps): ExpireHold {
  const resolved = resolveDeps(deps);
  const steps = createDownstreamSteps(resolved);
  /** Whether cancelling every active item would be refused, tried on the order as read (pure rules, no write). */
  const refused = (order: Order): boolean => {
    try {
      let next = order;
      for (const id of resolveCancellation(order, undefined)) next = cancelOrderItem(next, id);
      return false;
    } catch {
      return true;
    }
  };

  return async (hold, scope) => {
    const logger = scope.logger.child({ orderId: hold.orderId });
    // Settled before any write, so an order that stays as it is leaves no audit row at every tick.
    const current = await resolved.store.get(hold.orderId, hold.ownerClientId);
    if (current?.version !== hold.version) return 'changed';
    if (refused(current)) {
      logger.debug('expired hold cannot be cancelled as it stands; left to its seller');
      return 'kept';
    }
    const origin = { clientId: HOLD_EXPIRY_ACTOR, message: 'holds.expire', channel: 'housekeeping', correlationId: scope.correlationId };
    try {
      await runAudited<Order>(resolved.store, origin, logger, (audit) => {
        audit.about({ orderId: hold.orderId });
        return cancelOrderItems(resolved, steps, {
          orderId: hold.orderId,
          clientId: hold.ownerClientId,
          // A key of this run alone: a run that finds another's decision must not settle it again.
          key: `holds.expire:${hold.orderId}:${scope.correlationId}`,
          expectedVersion: hold.version,
          correlationId: scope.correlationId,
          deadline: Date.now() + (scope.timeoutMs ?? 30_000),
          logger,
          audit,
          eventType: HOLD_EXPIRED_EVENT,
          actor: HOLD_EXPIRY_ACTOR,
          reason: 'hold-expired',
        }).then((outcome) => outcome.order);
      }, (order) => ({ orderId: order.orderId, orderVersion: order.version }));
    } catch (error) {
      const { code } = toGatewayError(error);
      if (code === 'ORDER_VERSION_CONFLICT') {
        logger.debug({ code }, 'expired hold changed meanwhile; left alone');
        return 'changed';
      }
      throw error;
    }
    logger.info({ paymentTimeLimit: hold.paymentTimeLimit }, 'hold past its payment time limit cancelled and released');
    return 'expired';
  };
}
