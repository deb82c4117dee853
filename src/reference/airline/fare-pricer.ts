import type { AirlineData, FareFamilyData, PassengerTypeData, TaxRule } from './airline-data.ts';
import type { Cabin } from '../../contracts/airline/index.ts';
import type { DatedFlight, FlightNetwork } from './flight-network.ts';
import { greatCircleKm } from './flight-network.ts';
import { addTax, type CurrencyConverter, type MinorPrice } from './money.ts';

/** A journey as priced: its flights and the cabin flown on each (lower on legs without the cabin). */
export interface PricedJourney {
  readonly flights: readonly DatedFlight[];
  readonly segmentCabins: readonly Cabin[];
}

/** What a unit fare depends on; kept with a stored offer so it can be repriced later. */
export interface FareQuote {
  readonly journeys: readonly PricedJourney[];
  readonly fareFamily: string;
  readonly ptc: string;
  readonly currency: string;
}

/** Prices fares and taxes from the fare data. Amounts in the data are in the base currency. */
export interface FarePricer {
  /** The passenger type whose rules apply to `ptc` (unknown PTCs are priced as ADT). */
  pricingType(ptc: string): { readonly code: string; readonly data: PassengerTypeData };
  fareFamily(code: string): FareFamilyData | undefined;
  /** The fare of one passenger of type `ptc`, taxes included. */
  priceUnit(quote: FareQuote): MinorPrice;
  fareBasisCode(fareFamily: string, ptc: string): string;
}

function bandAmount(rule: TaxRule, distanceKm: number): number {
  if (rule.amount !== undefined) return rule.amount;
  for (const band of rule.bands ?? []) if (band.upToKm === undefined || distanceKm <= band.upToKm) return band.amount;
  return 0;
}

/** Builds a pricer over the given data; pass new data to model a fare change. */
export function createFarePricer(data: AirlineData, network: FlightNetwork, converter: CurrencyConverter): FarePricer {
  const families = new Map(data.fares.fareFamilies.map((f) => [f.code, f]));

  function pricingType(ptc: string): { code: string; data: PassengerTypeData } {
    const own = data.passengerTypes.types[ptc];
    if (own) return { code: ptc, data: own };
    const pricedAs = data.passengerTypes.pricedAs;
    return { code: pricedAs, data: data.passengerTypes.types[pricedAs] as PassengerTypeData };
  }

  function country(airport: string): string {
    return network.airport(airport)?.country ?? '';
  }

  function matches(rule: TaxRule, from: string, to: string): boolean {
    const where = rule.where;
    if (!where) return true;
    const fromCountry = country(from);
    const toCountry = country(to);
    if (where.departureCountry && !where.departureCountry.includes(fromCountry)) return false;
    if (where.arrivalCountry && !where.arrivalCountry.includes(toCountry)) return false;
    if (where.departureAirport && !where.departureAirport.includes(from)) return false;
    if (where.excludeDepartureAirport?.includes(from)) return false;
    if (where.international !== undefined && where.international !== (fromCountry !== toCountry)) return false;
    return true;
  }

  function taxFactor(rule: TaxRule, cabin: Cabin, typeCode: string): number {
    return (rule.cabinFactors?.[cabin] ?? 1) * (rule.ptcFactors?.[typeCode] ?? 1);
  }

  return {
    pricingType,
    fareFamily: (code) => families.get(code),

    fareBasisCode(fareFamily, ptc) {
      const family = families.get(fareFamily);
      return `${family?.fareBasis ?? 'Y'}${pricingType(ptc).data.fareBasisSuffix}`;
    },

    priceUnit(quote) {
      const family = families.get(quote.fareFamily);
      if (!family) throw new Error(`fare family ${quote.fareFamily} is not filed`);
      const type = pricingType(quote.ptc);
      let fareInBase = 0;
      for (const journey of quote.journeys) {
        let journeyFare = data.fares.cabins[family.cabin].fixedPerJourney;
        journey.flights.forEach((flight, i) => {
          const cabin = journey.segmentCabins[i] ?? family.cabin;
          journeyFare += flight.distanceKm * data.fares.cabins[cabin].perKm;
        });
        fareInBase += journeyFare * family.factor * type.data.fareFactor;
      }
      const taxes = new Map<string, { description: string; amount: number }>();
      for (const rule of data.taxes) {
        for (const journey of quote.journeys) {
          if (rule.scope === 'journey') {
            const first = journey.flights[0];
            const last = journey.flights[journey.flights.length - 1];
            if (!first || !last || !matches(rule, first.origin, last.destination)) continue;
            const from = network.airport(first.origin);
            const to = network.airport(last.destination);
            const distance = from && to ? greatCircleKm(from, to) : 0;
            const amount = bandAmount(rule, distance) * taxFactor(rule, family.cabin, type.code);
            if (amount > 0) addTax(taxes, rule.code, rule.description, converter.toMinor(amount, quote.currency));
            continue;
          }
          journey.flights.forEach((flight, i) => {
            if (!matches(rule, flight.origin, flight.destination)) return;
            const amount = bandAmount(rule, flight.distanceKm) * taxFactor(rule, journey.segmentCabins[i] ?? family.cabin, type.code);
            if (amount > 0) addTax(taxes, rule.code, rule.description, converter.toMinor(amount, quote.currency));
          });
        }
      }
      return { currency: quote.currency, base: converter.toMinor(fareInBase, quote.currency), taxes };
    },
  };
}
