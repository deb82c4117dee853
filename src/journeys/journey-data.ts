import type { JourneyRecord } from './journey-store.ts';

/** A passenger as the search asked for it: the id offers are made for, and the IATA type. */
export interface SearchPassenger {
  readonly id: string;
  readonly type: 'ADT' | 'CHD' | 'INF';
}

/** What a search asked for. */
export interface SearchCriteria {
  readonly origin: string;
  readonly destination: string;
  /** YYYY-MM-DD */
  readonly date: string;
  readonly returnDate?: string;
  readonly cabin?: string;
  /** ISO 4217 code the offers are priced in; without it, the gateway's default currency. */
  readonly currency?: string;
  readonly passengers: readonly SearchPassenger[];
}

/** The compact form of an offer the journey keeps: enough to filter, sort and show it. */
export interface OfferSummary {
  readonly offerId: string;
  readonly total: number;
  readonly currency: string;
  /** Most stops on any of the offer's journeys (0: direct). */
  readonly stops: number;
  /** Local time at the origin of the first flight, and at the destination of the last one of the outbound. */
  readonly departure: string;
  readonly arrival: string;
  readonly carriers: readonly string[];
  readonly cabin: string;
  readonly flightNumbers: readonly string[];
  readonly expiresAt: string;
  /** The airline that owns the offer (OwnerCode); pricing and booking it go to that airline (aggregator mode). */
  readonly owner?: string;
}

/** Filters and preferences applied to a journey's offers. */
export interface OfferFilter {
  readonly maxPrice?: number;
  readonly maxStops?: number;
  /** Local departure time window, `HH:MM`. */
  readonly departureFrom?: string;
  readonly departureTo?: string;
  readonly cabin?: string;
  readonly carriers?: readonly string[];
}

export interface CustomerPassenger {
  readonly paxId: string;
  readonly ptc: string;
  readonly givenName: string;
  readonly surname: string;
  readonly birthdate?: string;
  readonly gender?: string;
  readonly title?: string;
}

export interface CustomerContact {
  readonly email: string;
  readonly phone: { readonly countryDialingCode?: string; readonly number: string };
}

/** The journey service's part of a journey record. No card data: cards are tokens before they get here. */
export interface JourneyData {
  readonly search?: SearchCriteria;
  readonly shoppingResponseId?: string;
  readonly offers?: readonly OfferSummary[];
  readonly filter?: OfferFilter;
  readonly selectedOfferId?: string;
  readonly priced?: { readonly offerId: string; readonly total: number; readonly currency: string; readonly priceChanged: boolean };
  readonly customer?: { readonly passengers: readonly CustomerPassenger[]; readonly contact: CustomerContact };
  readonly orderId?: string;
  readonly bookingReference?: string;
  readonly paid?: boolean;
  readonly paymentFailures?: number;
  readonly tickets?: readonly { readonly paxId: string; readonly number: string }[];
  /** NDC traffic: the passengers of the shop, when no JSON search gave them. */
  readonly partySize?: number;
  readonly departureDate?: string;
}

/** The service's data of a record (the store keeps it as it was given). */
export function journeyDataOf(record: JourneyRecord): JourneyData {
  return record.data as JourneyData;
}

/** The features events carry, from the journey's data at `now`. */
export function featuresOf(data: JourneyData, now: Date): { partySize?: number; daysToDeparture?: number; paymentFailures?: number; orderId?: string } {
  const partySize = data.search?.passengers.length ?? data.partySize;
  const departure = data.search?.date ?? data.departureDate;
  const days = departure ? Math.floor((Date.parse(`${departure}T00:00:00Z`) - Date.parse(`${now.toISOString().slice(0, 10)}T00:00:00Z`)) / 86_400_000) : undefined;
  return {
    ...(partySize !== undefined ? { partySize } : {}),
    ...(days !== undefined && Number.isFinite(days) ? { daysToDeparture: days } : {}),
    paymentFailures: data.paymentFailures ?? 0,
    ...(data.orderId ? { orderId: data.orderId } : {}),
  };
}
