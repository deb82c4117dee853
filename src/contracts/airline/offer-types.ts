import type { Cabin, FareFamily, Journey, Passenger, Price, Segment } from './common-types.ts';

/** offer.shop and offer.price (`schemas/commands/offer.*.json`). */

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
  /** The airline that owns the offer (OwnerCode); an aggregator routes the command to it. */
  readonly owner?: string;
  readonly offerId: string;
  readonly offerItemIds?: readonly string[];
  readonly passengers?: readonly Passenger[];
  readonly currency?: string;
}

export interface OfferPriceResult extends OfferShopResult {
  readonly priceChanged: boolean;
  readonly previousTotal?: Price;
}
