import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyMapping, loadOutboundMappings } from '../../../src/mapping/index.ts';
import { NDC_VERSIONS } from '../../../src/ndc/ndc-versions.ts';
import { loadSchemaModel, parseXml, readRootElement } from '../../../src/xml/index.ts';
import { SCHEMA_PATH } from '../../support/paths.ts';

/**
 * The outbound response mappings read back what the inbound response mappings write: on the RS
 * of an inbound fixture case (expected.xml, built from result.json), an outbound mapping gives
 * that case's result.json again, but for what 21.3 cannot carry (there is no ShoppingResponseID,
 * an OfferPriceRS tells the previous total only in a Warning's text, a price class name is cut
 * to 64 characters).
 */

const cases = [
  { name: 'air-shopping-round-trip-multi-ptc', command: 'offer.shop', lost: ['shoppingResponseId'] },
  { name: 'air-shopping-fare-family-connection', command: 'offer.shop', lost: ['shoppingResponseId'] },
  { name: 'offer-price-all-items', command: 'offer.price', lost: ['shoppingResponseId'] },
  { name: 'offer-price-subset-currency-price-changed', command: 'offer.price', lost: ['shoppingResponseId', 'previousTotal'] },
  { name: 'service-list-offer', command: 'service.list', lost: [] },
  { name: 'service-list-connection-taxed', command: 'service.list', lost: [] },
  { name: 'seat-availability-offer', command: 'seat.availability', lost: [] },
  { name: 'seat-availability-order-seat-taken', command: 'seat.availability', lost: [] },
];

describe('outbound 21.3 response mappings read what the inbound ones write', async () => {
  const mappings = await loadOutboundMappings({ mappingsPath: 'mappings', version: '21.3' });
  it.each(cases)('$command from $name', ({ name, command, lost }) => {
    const dir = join('fixtures/mapping/21.3', name);
    const xml = readFileSync(join(dir, 'expected.xml'), 'utf8');
    const rs = NDC_VERSIONS['21.3']!.messageOf(readRootElement(xml).localName);
    const content = parseXml(xml, { model: loadSchemaModel(join(SCHEMA_PATH, '21.3', `IATA_${rs}.xsd`)) }).document;
    const payload = JSON.parse(readFileSync(join(dir, 'command.json'), 'utf8')) as Record<string, unknown>;
    const result = applyMapping(mappings.find(command)!.response, content, { ctx: { correlationId: 'RT', command: payload, airline: { designator: 'XR' } } });
    const expected = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as Record<string, unknown>;
    for (const field of lost) delete expected[field];
    // A PriceClass Name holds at most 64 characters: the inbound mapping cuts longer names.
    for (const family of (expected.fareFamilies ?? []) as { name: string }[]) family.name = family.name.slice(0, 64).trim();
    const { shoppingResponseId, ...rest } = result;
    // 21.3 has no ShoppingResponseID: the RS's CorrelationID stands for it.
    if (lost.includes('shoppingResponseId')) expect(shoppingResponseId).toBe((content.PayloadAttributes as { CorrelationID: string }).CorrelationID);
    expect(lost.includes('shoppingResponseId') ? rest : result).toEqual(expected);
  });
});
