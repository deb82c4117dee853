/**
 * TypeScript view of the command contract in `schemas/commands/`. The schemas are the source of
 * truth; these types describe payloads only after they have been validated against them.
 */

export type Cabin = 'FIRST' | 'BUSINESS' | 'PREMIUM_ECONOMY' | 'ECONOMY';

export const CABINS: readonly Cabin[] = ['FIRST', 'BUSINESS', 'PREMIUM_ECONOMY', 'ECONOMY'];

export interface Passenger {
  readonly id: string;
  readonly type: string;
}

export interface TaxAmount {
  readonly code: string;
  readonly amount: number;
  readonly description: string;
}

/** base + taxes = total; taxes is the sum of taxBreakdown. */
export interface Price {
  readonly base: number;
  readonly taxes: number;
  readonly total: number;
  readonly currency: string;
  readonly taxBreakdown: readonly TaxAmount[];
}

export interface Segment {
  readonly segmentId: string;
  readonly origin: string;
  readonly destination: string;
  /** Local time at the origin, YYYY-MM-DDTHH:MM:SS. */
  readonly departure: string;
  /** Local time at the destination, YYYY-MM-DDTHH:MM:SS. */
  readonly arrival: string;
  readonly carrier: string;
  readonly flightNumber: string;
  readonly aircraft: string;
  readonly durationMinutes: number;
  readonly cabin: Cabin;
}

export interface Journey {
  readonly journeyId: string;
  readonly origin: string;
  readonly destination: string;
  readonly segmentIds: readonly string[];
  readonly durationMinutes: number;
}

export interface FareFamily {
  readonly code: string;
  readonly name: string;
  readonly cabin: Cabin;
  readonly description: string;
  readonly baggageAllowance: { readonly checkedBags: number; readonly checkedBagMaxKg: number; readonly cabinBags: number };
  readonly refundable: boolean;
  readonly changeable: boolean;
}

export interface OfferItem {
  readonly offerItemId: string;
  readonly paxIds: readonly string[];
  readonly ptc: string;
  /** For all paxIds together. */
  readonly price: Price;
  /** For one passenger. */
  readonly unitPrice: Price;
  readonly fareBasisCode: string;
  readonly rbd: string;
  readonly cabin: Cabin;
}

export interface Offer {
  readonly offerId: string;
  readonly owner: string;
  readonly expiresAt: string;
  readonly fareFamily: string;
  readonly cabin: Cabin;
  readonly journeyIds: readonly string[];
  readonly totalPrice: Price;
  readonly offerItems: readonly OfferItem[];
}

export interface OfferShopCommand {
  readonly currency?: string;
  readonly journeys: readonly { readonly origin: string; readonly destination: string; readonly date: string; readonly cabin?: Cabin }[];
  readonly passengers: readonly Passenger[];
  readonly cabin?: Cabin;
  readonly fareFamilies?: readonly string[];
  readonly directOnly?: boolean;
  readonly maxOffers?: number;
}

export interface OfferShopResult {
  readonly shoppingResponseId: string;
  readonly currency: string;
  readonly offers: readonly Offer[];
  readonly passengers: readonly Passenger[];
  readonly journeys: readonly Journey[];
  readonly segments: readonly Segment[];
  readonly fareFamilies: readonly FareFamily[];
}

export interface OfferPriceCommand {
  readonly offerId: string;
  readonly offerItemIds?: readonly string[];
  readonly passengers?: readonly Passenger[];
  readonly currency?: string;
}

export interface OfferPriceResult extends OfferShopResult {
  readonly priceChanged: boolean;
  readonly previousTotal?: Price;
}

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

export interface OrderRulesCommand {
  readonly offerId?: string;
  readonly orderId?: string;
  readonly currency?: string;
}

export type PenaltyType = 'CHANGE' | 'CANCELLATION';

export interface Penalty {
  readonly penaltyId: string;
  readonly type: PenaltyType;
  readonly permitted: boolean;
  /** For the whole offer; absent when not permitted. */
  readonly amount?: number;
  readonly description: string;
}

export interface OrderRulesResult {
  readonly offerId: string;
  readonly owner: string;
  readonly currency: string;
  readonly fareFamily: FareFamily;
  readonly fareBasisCodes: readonly string[];
  readonly journeys: readonly Journey[];
  readonly penalties: readonly Penalty[];
  readonly ruleTexts: readonly { readonly ruleCode?: string; readonly text: string }[];
}

/** The commands the reference airline answers, by name. */
export interface AirlineCommands {
  'offer.shop': { command: OfferShopCommand; result: OfferShopResult };
  'offer.price': { command: OfferPriceCommand; result: OfferPriceResult };
  'service.list': { command: ServiceListCommand; result: ServiceListResult };
  'seat.availability': { command: SeatAvailabilityCommand; result: SeatAvailabilityResult };
  'order.rules': { command: OrderRulesCommand; result: OrderRulesResult };
}

export type AirlineCommandName = keyof AirlineCommands;
