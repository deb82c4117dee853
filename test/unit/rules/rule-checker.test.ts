import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createRuleChecker, parseRulesConfig, RulesConfigError } from '../../../src/rules/index.ts';
import { loadSchemaModel, parseXml } from '../../../src/xml/index.ts';
import { SCHEMA_PATH } from '../../support/paths.ts';

const NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage';

const orderCreate = (paxList: string, chain = '<DistributionChain><DistributionChainLink><Ordinal>1</Ordinal><OrgRole>Seller</OrgRole></DistributionChainLink></DistributionChain>') => `<?xml version="1.0" encoding="UTF-8"?>
<IATA_OrderCreateRQ xmlns="${NS}">
  ${chain}
  <Request>
    <DataLists>
      <PaxList>${paxList}</PaxList>
    </DataLists>
  </Request>
</IATA_OrderCreateRQ>`;

describe('createRuleChecker', () => {
  it('finds an infant that refers to no adult, with rule id, path, line and column', () => {
    const xml = orderCreate(`
        <Pax><PaxID>P1</PaxID><PTC>ADT</PTC></Pax>
        <Pax><PaxID>P2</PaxID><PTC>INF</PTC><PaxRefID>P9</PaxRefID></Pax>`);
    const findings = createRuleChecker({}, { schemaPath: SCHEMA_PATH }).check({ xml, version: '21.3', message: 'OrderCreateRQ' });
    const infant = findings.filter((f) => f.ruleId === 'infant-with-adult');
    expect(infant).toEqual([expect.objectContaining({
      severity: 'error', path: '/IATA_OrderCreateRQ/Request/DataLists/PaxList/Pax[2]/PaxRefID', line: 8, column: 45,
    })]);
    expect(findings.filter((f) => f.ruleId === 'reference-integrity').map((f) => f.path)).toEqual(['/IATA_OrderCreateRQ/Request/DataLists/PaxList/Pax[2]/PaxRefID']);
  });

  it('passes an infant that travels with an adult', () => {
    const xml = orderCreate(`
        <Pax><PaxID>P1</PaxID><PTC>ADT</PTC></Pax>
        <Pax><PaxID>P2</PaxID><PTC>INF</PTC><PaxRefID>P1</PaxRefID></Pax>`);
    expect(createRuleChecker({}, { schemaPath: SCHEMA_PATH }).check({ xml, version: '21.3', message: 'OrderCreateRQ' })).toEqual([]);
  });

  it('turns rules off and changes severities as the configuration says', () => {
    const xml = orderCreate('<Pax><PaxID>P1</PaxID><PTC>ADT</PTC></Pax>', '');
    const input = { xml, version: '21.3', message: 'OrderCreateRQ' };
    expect(createRuleChecker().check(input).map((f) => `${f.ruleId}:${f.severity}`)).toEqual(['distribution-chain:error']);
    expect(createRuleChecker({ rules: { 'distribution-chain': 'warning' } }).check(input).map((f) => f.severity)).toEqual(['warning']);
    expect(createRuleChecker({ rules: { 'distribution-chain': 'off' } }).check(input)).toEqual([]);
  });

  it('refuses a configuration naming an unknown rule, with file, line and column', () => {
    expect(() => parseRulesConfig('rules:\n  distribution-chain: warning\n  no-such-rule: off\n', 'rules.yaml')).toThrow(RulesConfigError);
    expect(() => parseRulesConfig('rules:\n  distribution-chain: loud\n', 'rules.yaml')).toThrow(/rules\.yaml:2:\d+/);
  });

  it('checks a document parsed already, adding line and column only when given the source', () => {
    const xml = orderCreate('<Pax><PaxID>P1</PaxID><PTC>INF</PTC></Pax>');
    const model = loadSchemaModel(join(SCHEMA_PATH, '21.3', 'IATA_OrderCreateRQ.xsd'));
    const parsed = parseXml(xml, { model });
    const checker = createRuleChecker();
    const input = { parsed, model, version: '21.3', message: 'OrderCreateRQ' };
    expect(checker.checkParsed(input)).toEqual([{
      ruleId: 'infant-with-adult', severity: 'error', message: 'infant P1 names no adult (PaxRefID)', path: '/IATA_OrderCreateRQ/Request/DataLists/PaxList/Pax',
    }]);
    expect(checker.checkParsed({ ...input, source: xml })).toEqual([expect.objectContaining({ path: '/IATA_OrderCreateRQ/Request/DataLists/PaxList/Pax', line: 6, column: 16 })]);
  });

  it('applies a rule only to its versions and messages', () => {
    const xml = orderCreate('<Pax><PaxID>P1</PaxID><PTC>ADT</PTC></Pax>', '').replace(/OrderCreateRQ/g, 'AirShoppingRQ');
    // distribution-chain is for order requests only
    expect(createRuleChecker().check({ xml, version: '21.3', message: 'AirShoppingRQ' })).toEqual([]);
  });
});
