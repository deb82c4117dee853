import { NDC_VERSIONS } from '../../src/ndc/ndc-versions.ts';
import { createRuleChecker, type RuleFinding } from '../../src/rules/index.ts';
import { readRootElement } from '../../src/xml/index.ts';
import { SCHEMA_PATH } from './paths.ts';

/**
 * Findings the gateway's own responses still have, each with why it is not fixed in a mapping.
 * A finding on this list is tolerated only for its version, response and rule; any other fails.
 */
export const KNOWN_RESPONSE_FINDINGS: readonly { version: string; response: string; ruleId: string; why: string }[] = [
  // ServiceListRS and OrderListRS are not here: their infant fixtures give the link, and the response carries it.
  ...['17.2', '21.3', '24.4'].flatMap((version) => ['AirShoppingRS', 'OfferPriceRS', 'SeatAvailabilityRS']
    .map((response) => ({
    version, response, ruleId: 'infant-with-adult',
    why: 'these fixtures\' requests name no adult for their infant, and the response echoes the passengers as asked (accompanyingPaxId carries the link when a request gives it)',
  }))),
  ...['21.3', '24.4', '26.1'].map((version) => ({
    version, response: 'OrderReshopRS', ruleId: 'offer-item-required',
    why: "a REPRICE quote is a ReshopOffers/Offer with a TotalPrice and no items: the Offer's OfferItem requires a NameChangeService, and RepricedOffer names its item price TotalPrice in 21.3/24.4 but Price in 26.1, which one mapping file cannot write",
  })),
];

const checker = createRuleChecker({}, { schemaPath: SCHEMA_PATH });

/** Every business rule finding of a response the gateway built, XSD-valid already. */
export function responseRuleFindings(version: string, xml: string): RuleFinding[] {
  const root = readRootElement(xml).localName;
  return checker.check({ xml, version, message: NDC_VERSIONS[version]!.messageOf(root) });
}

/** The findings of a response the known list does not excuse, as `rule path: message` lines. */
export function unexpectedRuleFindings(version: string, xml: string): string[] {
  const response = NDC_VERSIONS[version]!.messageOf(readRootElement(xml).localName);
  return responseRuleFindings(version, xml)
    .filter((f) => !KNOWN_RESPONSE_FINDINGS.some((k) => k.version === version && k.response === response && k.ruleId === f.ruleId))
    .map((f) => `${f.ruleId} ${f.path}${f.line !== undefined ? ` (line ${f.line})` : ''}: ${f.message}`);
}
