import type { AirlineContext } from './airline-context.ts';
import type { Seat, SeatAvailabilityCommand, SeatAvailabilityResult, SeatMap, SeatMapCabin, SeatOfferItem } from '../../contracts/airline/index.ts';
import type { CabinLayout, FreeSeats, SeatBand } from './airline-data.ts';
import { hashString, haulPriceMinor, resolveAncillaryScope } from './ancillary-scope.ts';
import { expiryFrom } from './offer-builder.ts';
import { minorPrice, toPrice } from './money.ts';

const POSITION_CODE = { W: 'W', A: 'A', C: '9' } as const;

/** The price band of a seat from its row. */
export function seatBand(layout: CabinLayout, row: number): SeatBand {
  if (layout.exitRows?.includes(row) || layout.extraLegroomRows?.includes(row)) return 'LEGROOM';
  if (layout.frontRows?.includes(row)) return 'FRONT';
  return 'STANDARD';
}

/** Whether the fare family makes a band free. */
export function isBandFree(freeSeats: FreeSeats, band: SeatBand): boolean {
  return freeSeats === 'ALL' || (freeSeats === 'STANDARD' && band === 'STANDARD');
}

/**
 * seat.availability: the seat map of the booked cabin on each flight of the offer. Occupancy is
 * derived from the flight and seat, so repeated calls agree; paid seats refer to offer items of
 * one a-la-carte offer, one item per flight and price band.
 */
export function showSeats(command: SeatAvailabilityCommand, ctx: AirlineContext): SeatAvailabilityResult {
  const scope = resolveAncillaryScope(command, ctx);
  const now = ctx.now();
  const offerId = `AL${ctx.newId()}`;
  const expiry = expiryFrom(now, ctx.offerTtlSeconds);
  const freeSeats = ctx.data.fares.fareFamilies.find((f) => f.code === scope.offer.fareFamily.code)?.freeSeats ?? 'STANDARD';
  const seated = scope.passengers.filter((p) => ctx.pricer.pricingType(p.type).data.seat).map((p) => p.id);
  const offerItems: SeatOfferItem[] = [];
  const seatMaps: SeatMap[] = [];

  for (const segment of scope.segments) {
    const layout = ctx.data.aircraft[segment.aircraft]?.cabins.find((c) => c.cabin === segment.cabin);
    if (!layout) continue;
    const km = scope.flights.get(segment.segmentId)?.distanceKm ?? 0;
    const long = km >= ctx.data.seatPrices.longHaulKm;
    const bandItems = new Map<SeatBand, SeatOfferItem>();
    const itemFor = (band: SeatBand): SeatOfferItem | undefined => {
      if (isBandFree(freeSeats, band) || seated.length === 0) return undefined;
      let item = bandItems.get(band);
      if (!item) {
        const data = ctx.data.seatPrices.bands[band];
        const amount = haulPriceMinor(ctx, data.prices, long, scope.currency);
        item = {
          offerItemId: `${offerId}-${offerItems.length + 1}`, code: data.code, name: data.name,
          price: toPrice(minorPrice(scope.currency, amount), ctx.converter), paxIds: seated, segmentIds: [segment.segmentId],
        };
        bandItems.set(band, item);
        offerItems.push(item);
      }
      return item;
    };

    const rows: SeatMapCabin['rows'][number][] = [];
    for (let row = layout.firstRow; row <= layout.lastRow; row += 1) {
      if (layout.skipRows?.includes(row)) continue;
      const band = seatBand(layout, row);
      const item = itemFor(band);
      const seats = layout.columns.map((column): Seat => {
        const characteristics = new Set<string>([POSITION_CODE[column.position]]);
        if (layout.exitRows?.includes(row)) { characteristics.add('E'); characteristics.add('L'); }
        if (layout.bulkheadRows?.includes(row)) characteristics.add('K');
        if (item) for (const c of ctx.data.seatPrices.bands[band].characteristics) characteristics.add(c);
        const occupied = hashString(`${segment.segmentId}:${row}${column.id}`) % 100 < layout.occupiedPercent;
        return {
          column: column.id, available: !occupied, characteristics: [...characteristics],
          ...(item ? { offerItemId: item.offerItemId, price: item.price } : {}),
        };
      });
      rows.push({ number: row, seats });
    }
    seatMaps.push({
      segmentId: segment.segmentId, aircraft: segment.aircraft,
      cabins: [{ cabin: layout.cabin, firstRow: layout.firstRow, lastRow: layout.lastRow, columns: layout.columns.map((c) => ({ id: c.id, position: c.position })), rows }],
    });
  }

  ctx.store.save({
    kind: 'alacarte', offerId, owner: ctx.designator, createdAt: now.getTime(), expiresAt: expiry.at, currency: scope.currency,
    passengers: scope.passengers, offerItemIds: offerItems.map((i) => i.offerItemId), parentOfferId: scope.offer.offerId,
    segmentIds: scope.segments.map((s) => s.segmentId),
  });
  return {
    currency: scope.currency, offerId, owner: ctx.designator, expiresAt: expiry.iso, offerItems, seatMaps,
    passengers: scope.passengers, segments: scope.segments,
  };
}
