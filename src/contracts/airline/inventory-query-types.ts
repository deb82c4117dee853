import type { InventoryDocument, InventoryItem } from './inventory-item-types.ts';

/** The inventory's reads: an order's items and documents, seats left per flight, and its post-booking offers. */

export interface InventoryOrderQuery {
  readonly orderId: string;
  /** @defaultValue every item that is HELD or ISSUED */
  readonly itemIds?: readonly string[];
}

/** Post-booking service list or seat map of an order's flights (what ServiceList/SeatAvailability by order need). */
export interface InventoryOfferQuery {
  readonly orderId: string;
  readonly segmentIds?: readonly string[];
  readonly paxIds?: readonly string[];
  readonly currency?: string;
}

export interface InventoryAvailabilityQuery {
  readonly offerId?: string;
  readonly orderId?: string;
}

export interface SegmentAvailability {
  readonly segmentId: string;
  readonly cabin: string;
  /** Seats for sale on the flight in that cabin (the seat map's free seats). */
  readonly capacity: number;
  readonly held: number;
  readonly sold: number;
  readonly available: number;
}

export interface InventoryAvailabilityResult {
  readonly segments: readonly SegmentAvailability[];
}

export interface InventoryBookingResult {
  readonly orderId: string;
  readonly offerId: string;
  readonly currency: string;
  readonly items: readonly InventoryItem[];
  readonly documents: readonly InventoryDocument[];
}
