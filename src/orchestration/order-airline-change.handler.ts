import { GatewayError, toGatewayError } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import type { MessageAudit } from '../orders/audit-trail.ts';
import type { Order } from '../orders/one-order.ts';
import { AIRLINE_CHANGE_EVENT } from '../orders/order-notices.ts';
import { assertOrderChangeable } from '../orders/one-order-rules.ts';
import { applyAirlineChange, isOrderOfAirline, type AirlineChangeCommand } from './airline-change.ts';
import type { AuditedHandler } from './audited-handler.ts';
import { requireClient } from './idempotent-request.ts';
import type { ResolvedDeps } from './orchestration-deps.ts';

export interface AirlineChangeOrderOutcome {
  readonly orderId?: string;
  readonly airlineOrderId?: string;
  readonly outcome: 'APPLIED' | 'ALREADY_APPLIED' | 'FAILED';
  readonly version?: number;
  readonly error?: { readonly code: string; readonly message: string };
}

/** The `order.airline-change` result (schemas/commands/order.airline-change.result.json). */
export interface AirlineChangeResult {
  readonly changeId: string;
  readonly orders: readonly AirlineChangeOrderOutcome[];
}

const ATTEMPTS = 5;

interface Located {
  readonly orderId: string;
  readonly ownerClientId: string;
}

/**
 * order.airline-change (the airline's JSON event, or OrderChangeNotifRQ from an airline): each
 * order named gets one new version that moves or cancels its flights and records the change as
 * PENDING, with event `order.airline-change` (whose notice tells the seller). An order that
 * cannot take it (unknown, another airline's, closed, none of its flights named) is answered FAILED with
 * its error and does not stop the others; the same changeId again is ALREADY_APPLIED and writes
 * nothing. A write that loses a race is read and tried again.
 */
export function createOrderAirlineChangeHandler(deps: ResolvedDeps): AuditedHandler {
  /** The gateway order named: our id, or the airline's OrderID through the links, else taken as our id. */
  async function locate(entry: AirlineChangeCommand['orders'][number], owner: string | undefined): Promise<Located | undefined> {
    let orderId = entry.orderId;
    if (orderId === undefined && entry.airlineOrderId !== undefined) {
      const link = owner !== undefined ? await deps.links?.findByAirlineOrderId(owner, entry.airlineOrderId) : undefined;
      orderId = link?.gatewayOrderId ?? entry.airlineOrderId;
    }
    if (orderId === undefined) return undefined;
    const ownerClientId = await deps.store.ownerOf(orderId);
    return ownerClientId === undefined ? undefined : { orderId, ownerClientId };
  }

  async function applyTo(command: AirlineChangeCommand, found: Located, clientId: string, correlationId: string, audit: MessageAudit, logger: Logger): Promise<AirlineChangeOrderOutcome> {
    const unknown = (): GatewayError => new GatewayError('ORDER_NOT_FOUND', `Order ${found.orderId} is unknown${command.owner ? ` to airline ${command.owner}` : ''}`);
    for (let attempt = 1; ; attempt += 1) {
      const order: Order | undefined = await deps.store.get(found.orderId, found.ownerClientId);
      if (!order) throw unknown();
      // Another airline's order is answered as unknown: an airline learns nothing of the others'.
      if (command.owner !== undefined && !isOrderOfAirline(order, command.owner)) throw unknown();
      if (order.airlineChanges?.some((c) => c.changeId === command.changeId)) {
        return { orderId: order.orderId, outcome: 'ALREADY_APPLIED', version: order.version };
      }
      // A closed order (flown, or cancelled) is a record of what happened: a later change does not reach it.
      assertOrderChangeable(order);
      const applied = applyAirlineChange(order, command, deps.now().toISOString());
      try {
        const updated = await audit.write((stamp) => deps.store.updateFrom(order, () => applied.order, {
          type: AIRLINE_CHANGE_EVENT, clientId, correlationId, data: applied.data,
        }, { audit: stamp }));
        logger.info({ orderId: updated.orderId, version: updated.version, changeId: command.changeId }, 'airline change applied');
        return { orderId: updated.orderId, outcome: 'APPLIED', version: updated.version };
      } catch (error) {
        if (toGatewayError(error).code !== 'ORDER_VERSION_CONFLICT' || attempt >= ATTEMPTS) throw error;
      }
    }
  }

  return async (payload, context, audit) => {
    const command = payload as AirlineChangeCommand;
    const clientId = requireClient(context.meta);
    const logger = context.logger.child({ changeId: command.changeId });
    const outcomes: AirlineChangeOrderOutcome[] = [];
    for (const entry of command.orders) {
      const named = { ...(entry.orderId !== undefined ? { orderId: entry.orderId } : {}), ...(entry.airlineOrderId !== undefined ? { airlineOrderId: entry.airlineOrderId } : {}) };
      try {
        const found = await locate(entry, command.owner);
        if (!found) throw new GatewayError('ORDER_NOT_FOUND', `Order ${entry.orderId ?? entry.airlineOrderId ?? ''} is unknown`);
        const outcome = await applyTo(command, found, clientId, context.meta.correlationId, audit, logger);
        outcomes.push({ ...named, ...outcome });
      } catch (thrown) {
        const error = toGatewayError(thrown);
        // A failure of the gateway, not of the order: the airline sends the change again, and what was applied is ALREADY_APPLIED then.
        if (error.definition.kind !== 'business') throw thrown;
        logger.warn({ ...named, code: error.code }, 'airline change not applied to an order');
        outcomes.push({ ...named, outcome: 'FAILED', error: { code: error.code, message: error.message } });
      }
    }
    const result: AirlineChangeResult = { changeId: command.changeId, orders: outcomes };
    return result;
  };
}
