import type { Cabin, Passenger, Price, Segment } from './common-types.ts';

/** service.list and seat.availability (`schemas/commands/service.list*.json`, `seat.availability*.json`). */

/** Command shape shared by service.list and seat.availability. */
export interface PostShoppingCommand {
  readonly offerId?: string;
  readonly orderId?: string;
  readonly segmentIds?: readonly string[];
  readonly passengers?: readonly Passenger[];
  readonly currency?: string;
}

export type ServiceListCommand = PostShoppingCommand;
export type SeatAvailabilityCommand = PostShoppingCommand;

export type ServiceType = 'BAGGAGE' | 'MEAL' | 'SEAT' | 'LOUNGE';

export interface ServiceOffered {
  readonly serviceId: string;
  readonly offerItemId: string;
  readonly code: string;
  readonly name: string;
  readonly type: ServiceType;
  readonly description: string;
  /** For one passenger over all segmentIds. */
  readonly price: Price;
  readonly paxIds: readonly string[];
  readonly segmentIds: readonly string[];
}

export interface ServiceListResult {
  readonly currency: string;
  readonly offerId: string;
  readonly owner: string;
  readonly expiresAt: string;
  readonly services: readonly ServiceOffered[];
  readonly passengers: readonly Passenger[];
  readonly segments: readonly Segment[];
}

export interface SeatOfferItem {
  readonly offerItemId: string;
  readonly code: string;
  readonly name: string;
  readonly price: Price;
  readonly paxIds: readonly string[];
  readonly segmentIds: readonly string[];
}

export interface Seat {
  readonly column: string;
  readonly available: boolean;
  readonly characteristics: readonly string[];
  readonly offerItemId?: string;
  readonly price?: Price;
}

export interface SeatMapCabin {
  readonly cabin: Cabin;
  readonly firstRow: number;
  readonly lastRow: number;
  readonly columns: readonly { readonly id: string; readonly position: 'W' | 'C' | 'A' }[];
  readonly rows: readonly { readonly number: number; readonly seats: readonly Seat[] }[];
}

export interface SeatMap {
  readonly segmentId: string;
  readonly aircraft: string;
  readonly cabins: readonly SeatMapCabin[];
}

export interface SeatAvailabilityResult {
  readonly currency: string;
  readonly offerId: string;
  readonly owner: string;
  readonly expiresAt: string;
  readonly offerItems: readonly SeatOfferItem[];
  readonly seatMaps: readonly SeatMap[];
  readonly passengers: readonly Passenger[];
  readonly segments: readonly Segment[];
}
