import type { Price } from './common-types.ts';
import type { ServiceType } from './ancillary-types.ts';

/**
 * What the airline's inventory holds for an order (`schemas/airline/inventory.common.json`): the
 * selections a hold names, the items it makes of them and the documents issued for them. The
 * inventory is keyed by the gateway's order and item ids, so the gateway needs no airline ids.
 */

export type InventoryItemKind = 'FLIGHT' | 'SERVICE' | 'SEAT';

/** HELD: seats taken, nothing issued. ISSUED: ticketed (flights) or EMD issued (paid ancillaries). */
export type InventoryItemStatus = 'HELD' | 'RELEASED' | 'ISSUED' | 'CANCELLED';

export interface SeatSelection {
  readonly paxId: string;
  readonly segmentId: string;
  readonly row: number;
  readonly column: string;
}

export interface FlightSelection {
  /** The gateway's order item id; unique within the order. */
  readonly itemId: string;
  /** An offer item of the flight offer. */
  readonly offerItemId: string;
}

/**
 * An ancillary from the service list of the order's flights: either an item of an a-la-carte
 * offer made by service.list (`offerId` + `offerItemId`), or a service `code` with the
 * `segmentIds` it covers (needed when the code is sold per journey or segment more than once).
 */
export interface ServiceSelection {
  readonly itemId: string;
  readonly paxIds: readonly string[];
  readonly code?: string;
  readonly segmentIds?: readonly string[];
  readonly offerId?: string;
  readonly offerItemId?: string;
}

export interface InventoryItem {
  readonly itemId: string;
  readonly kind: InventoryItemKind;
  readonly status: InventoryItemStatus;
  readonly paxIds: readonly string[];
  readonly segmentIds: readonly string[];
  /** For all paxIds together. */
  readonly price: Price;
  readonly offerItemId?: string;
  readonly ptc?: string;
  readonly fareBasisCode?: string;
  readonly rbd?: string;
  readonly code?: string;
  readonly name?: string;
  readonly serviceType?: ServiceType;
  readonly seat?: SeatSelection;
}

export interface InventoryDocument {
  readonly type: 'ET' | 'EMD';
  /** 13 digits: the accounting code and a 10-digit serial. */
  readonly number: string;
  readonly paxId: string;
  readonly itemIds: readonly string[];
  readonly status: 'ISSUED' | 'VOIDED';
  readonly issuedAt: string;
}
