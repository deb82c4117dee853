import { GatewayError } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import { toOrderView, type OrderView } from '../orchestration/index.ts';
import { runAudited, type JsonValue, type Order, type OrderStore } from '../orders/index.ts';

/**
 * A change the REST API makes on the order record itself, with no airline or payment call
 * (delivery, settlement, erasure): one new version with one event, audited as its REST operation,
 * the audit row written with the change.
 */

export interface RecordChangeRequest {
  readonly orderId: string;
  /** The client asking. */
  readonly clientId: string;
  /** The order's owner when an operator acts on another client's order. @defaultValue clientId */
  readonly ownerClientId?: string;
  readonly correlationId: string;
  /** The version the caller saw; another one is ORDER_VERSION_CONFLICT. */
  readonly expectedVersion?: number;
}

/** What a change writes; see {@link changeRecord}. */
export interface RecordWrite {
  readonly change: (order: Order) => Order;
  readonly event: string;
  /** The event's data, and the audit row's detail: never personal data. */
  readonly data: { readonly [key: string]: JsonValue };
  /** See UpdateOptions.forgetAnswers. */
  readonly forgetAnswers?: boolean;
}

/** Attempts when the caller named no version and another writer got in between the read and the write. */
const UNVERSIONED_ATTEMPTS = 3;

/**
 * Reads the order, asks `decide` what to write (nothing: the order is answered as it is, no new
 * version, no event) and writes it over the version just read. Without an expected version, a
 * concurrent writer makes it read and decide again, a few times.
 * @param operation the REST operation as the audit trail names it, e.g. `one-order.deliver`
 */
export function changeRecord(
  store: OrderStore, operation: string, request: RecordChangeRequest, logger: Logger, decide: (order: Order) => RecordWrite | undefined,
): Promise<OrderView> {
  const { orderId, clientId, correlationId } = request;
  const origin = { clientId, message: operation, channel: 'rest', correlationId };
  return runAudited(store, origin, logger, async (audit) => {
    audit.about({ orderId });
    for (let attempt = 1; ; attempt += 1) {
      const order = await store.get(orderId, request.ownerClientId ?? clientId);
      if (!order) throw new GatewayError('ORDER_NOT_FOUND', `Order ${orderId} is unknown`, [{ message: 'unknown order', path: '/orderId' }]);
      if (request.expectedVersion !== undefined && order.version !== request.expectedVersion) {
        throw new GatewayError('ORDER_VERSION_CONFLICT', `Order ${orderId} is at version ${order.version}, not ${request.expectedVersion}`);
      }
      const write = decide(order);
      if (!write) return toOrderView(order);
      audit.about({ detail: write.data });
      try {
        const updated = await audit.write((stamp) => store.updateFrom(order, write.change, { type: write.event, clientId, correlationId, data: write.data }, {
          audit: stamp, ...(write.forgetAnswers ? { forgetAnswers: true } : {}),
        }));
        return toOrderView(updated);
      } catch (error) {
        const raced = error instanceof GatewayError && error.code === 'ORDER_VERSION_CONFLICT';
        if (!raced || request.expectedVersion !== undefined || attempt >= UNVERSIONED_ATTEMPTS) throw error;
      }
    }
  }, (view) => ({ orderVersion: view.version }));
}
