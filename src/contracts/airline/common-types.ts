/**
 * The shared parts of the airline contract (`schemas/commands/common.json`). The schemas are the
 * source of truth; these types describe an airline answer only after it has passed them.
 */

export type Cabin = 'FIRST' | 'BUSINESS' | 'PREMIUM_ECONOMY' | 'ECONOMY';

export const CABINS: readonly Cabin[] = ['FIRST', 'BUSINESS', 'PREMIUM_ECONOMY', 'ECONOMY'];

export interface Passenger {
  readonly id: string;
  readonly type: string;
  /** On an infant: the id of the adult it travels with (NDC 21.3+ Pax/PaxRefID, 17.2 InfantRef). */
  readonly accompanyingPaxId?: string;
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
