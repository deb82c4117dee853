import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAirlineContract } from '../../../src/contracts/airline/index.ts';
import { applyMapping, loadOutboundMappings } from '../../../src/mapping/index.ts';
import { loadSchemaModel, parseXml, readRootElement } from '../../../src/xml/index.ts';
import { SCHEMA_PATH } from '../../support/paths.ts';

/**
 * The outbound 17.2 response mappings read back what the inbound 17.2 response mappings write: on
 * the RS of an inbound fixture case (expected.xml, built from result.json), an outbound mapping
 * gives that case's result.json again, but for what 17.2 (as the inbound mapping writes it) cannot
 * carry: the shopped total of a changed price (a Warning's text), service names over 50
 * characters, the expiry of a seat offer without paid seats, and rows without seats.
 */

interface Case {
  readonly name: string;
  readonly command: string;
  /** Removes from the expected result what the 17.2 RS does not carry. */
  readonly lost?: (expected: any) => void;
}

const cases: Case[] = [
  { name: 'air-shopping-business-nonstop', command: 'offer.shop' },
  { name: 'air-shopping-city-codes-connections', command: 'offer.shop' },
  { name: 'air-shopping-one-way-single-adult', command: 'offer.shop' },
  { name: 'air-shopping-round-trip-family', command: 'offer.shop' },
  { name: 'offer-price-price-changed', command: 'offer.price', lost: (e) => delete e.previousTotal },
  { name: 'offer-price-selected-item', command: 'offer.price' },
  { name: 'offer-price-whole-offer', command: 'offer.price' },
  // ServiceDefinition/Name holds at most 50 characters: the inbound mapping cuts longer names.
  { name: 'service-list-offer', command: 'service.list', lost: (e) => e.services.forEach((s: any) => { s.name = s.name.slice(0, 50).trim(); }) },
  { name: 'service-list-order', command: 'service.list' },
  { name: 'service-list-order-bags', command: 'service.list' },
  { name: 'service-list-taxes-infant', command: 'service.list' },
  { name: 'seat-availability-offer', command: 'seat.availability' },
  // No paid seat: no ALaCarteOffer, so no expiry (the answer's time stands in).
  { name: 'seat-availability-order', command: 'seat.availability', lost: (e) => delete e.expiresAt },
  {
    name: 'seat-availability-segment-free-seats',
    command: 'seat.availability',
    // 17.2 needs a Seat in every Row: the inbound mapping leaves rows without seats out.
    lost: (e) => {
      delete e.expiresAt;
      for (const map of e.seatMaps) for (const cabin of map.cabins) cabin.rows = cabin.rows.filter((r: any) => r.seats.length > 0);
    },
  },
];

describe('outbound 17.2 response mappings read what the inbound 17.2 ones write', async () => {
  const mappings = await loadOutboundMappings({ mappingsPath: 'mappings', version: '17.2' });
  const contract = loadAirlineContract();
  it.each(cases)('$command from $name', ({ name, command, lost }) => {
    const dir = join('fixtures/mapping/17.2', name);
    const xml = readFileSync(join(dir, 'expected.xml'), 'utf8');
    const content = parseXml(xml, { model: loadSchemaModel(join(SCHEMA_PATH, '17.2', `${readRootElement(xml).localName}.xsd`)) }).document;
    const payload = JSON.parse(readFileSync(join(dir, 'command.json'), 'utf8')) as Record<string, unknown>;
    const result = applyMapping(mappings.find(command)!.response, content, { ctx: { correlationId: 'RT', now: '2026-01-01T00:00:00Z', command: payload, airline: { designator: 'XR' } } }) as any;
    const validate = contract.result(command)!;
    expect(validate(result), JSON.stringify(validate.errors)).toBe(true);
    const expected = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
    if (lost) {
      lost(expected);
      lost(result);
    }
    expect(result).toEqual(expected);
  });
});
