import { isDeepStrictEqual } from 'node:util';
import type { Logger } from '../log/logger.ts';
import type { OrderView } from '../orchestration/index.ts';
import { erasePassengers, type OrderStore } from '../orders/index.ts';
import { changeRecord, type RecordChangeRequest } from './one-order-record-change.ts';

/**
 * GDPR erasure of passengers, for `POST /{id}/erasure`: the passengers' personal data is
 * pseudonymised in the order record (passenger-erasure.ts says what goes and what accounting
 * keeps), the answers stored for replays are deleted with it, and the erasure is one new version
 * with its event and its audit row. Erasing what is already erased writes nothing.
 */

export interface ErasureRequest extends RecordChangeRequest {
  /** @defaultValue every passenger of the order */
  readonly paxIds?: readonly string[];
}

/** @throws GatewayError ORDER_NOT_FOUND, ORDER_VERSION_CONFLICT, INVALID_BUSINESS_DATA (unknown passenger) */
export function erasePassengerData(store: OrderStore, request: ErasureRequest, logger: Logger): Promise<OrderView> {
  const options = request.paxIds ? { paxIds: request.paxIds } : {};
  return changeRecord(store, 'one-order.erase', request, logger, (order) => {
    const erased = erasePassengers(order, options);
    if (isDeepStrictEqual(erased, order)) return undefined;
    const paxIds = request.paxIds ?? order.passengers.map((p) => p.paxId);
    return { change: (current) => erasePassengers(current, options), event: 'order.passengers-erased', data: { paxIds: [...paxIds] }, forgetAnswers: true };
  });
}
