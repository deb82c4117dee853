import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OO_MESSAGE_NS, OO_TYPES_NS } from '../../../src/ndc/ndc-versions.ts';
import { parseXml } from '../../../src/xml/index.ts';
import { expectValidAnswer } from '../../support/expect-valid-answer.ts';
import { asList, attr, dayFromToday, errorCodeOf, text, type Doc } from '../../support/ndc-doc.ts';
import { postXml, startGatewayWithClients, type RunningGateway } from '../../support/start-gateway.ts';

/**
 * Business rules on live traffic: a request that passed its XSD but breaks a rule (an infant
 * travelling with no adult) is answered as usual with an NDC Warning naming the rule (`warn`), with
 * an Error BUSINESS_RULE_VIOLATION naming it and HTTP 200 (`refuse`), or as if there were no
 * rules (`off`); per client in CLIENTS_FILE, REQUEST_RULES for the others. Every answer is
 * XSD-valid, by the gateway's validator and by xmllint.
 */

const KEYS = { warn: 'rules-warn-key-0001', refuse: 'rules-refuse-key-001', off: 'rules-off-key-00001', unset: 'rules-unset-key-0001' } as const;
type Client = keyof typeof KEYS;

const CLIENTS = (Object.keys(KEYS) as Client[]).map((name) => ({
  id: `rules-${name}`, name: `Rules ${name}`, apiKeys: [KEYS[name]], messages: ['*'], ...(name === 'unset' ? {} : { rules: name }),
}));

const DATE = dayFromToday(40);

/** 21.3+ AirShoppingRQ; `infantAlone` adds an infant whose PaxRefID names no adult. */
function airShopping(version: string, infantAlone: boolean): string {
  const infant = infantAlone ? '<cns:Pax><cns:PaxID>PAX2</cns:PaxID><cns:PTC>INF</cns:PTC></cns:Pax>' : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<IATA_AirShoppingRQ xmlns="${OO_MESSAGE_NS}" xmlns:cns="${OO_TYPES_NS}">
  <DistributionChain><cns:DistributionChainLink>
    <cns:Ordinal>1</cns:Ordinal><cns:OrgRole>Seller</cns:OrgRole><cns:ParticipatingOrg><cns:OrgID>AGENCY1</cns:OrgID></cns:ParticipatingOrg>
  </cns:DistributionChainLink></DistributionChain>
  <PayloadAttributes><cns:VersionNumber>${version}</cns:VersionNumber></PayloadAttributes>
  <Request>
    <cns:FlightRequest><cns:FlightRequestOriginDestinationsCriteria><cns:OriginDestCriteria>
      <cns:DestArrivalCriteria><cns:IATA_LocationCode>FRA</cns:IATA_LocationCode></cns:DestArrivalCriteria>
      <cns:OriginDepCriteria><cns:Date>${DATE}</cns:Date><cns:IATA_LocationCode>LHR</cns:IATA_LocationCode></cns:OriginDepCriteria>
    </cns:OriginDestCriteria></cns:FlightRequestOriginDestinationsCriteria></cns:FlightRequest>
    <cns:PaxList><cns:Pax><cns:PaxID>PAX1</cns:PaxID><cns:PTC>ADT</cns:PTC></cns:Pax>${infant}</cns:PaxList>
  </Request>
</IATA_AirShoppingRQ>`;
}

/** 17.2 AirShoppingRQ; `infantAlone` adds an infant no adult's InfantRef names. */
function airShopping172(infantAlone: boolean): string {
  const infant = infantAlone ? '<Passenger PassengerID="PAX2"><PTC>INF</PTC></Passenger>' : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<AirShoppingRQ xmlns="http://www.iata.org/IATA/EDIST/2017.2" Version="17.2" TransactionIdentifier="RULES-0001">
  <Document><Name>RULES TEST</Name><ReferenceVersion>1.0</ReferenceVersion></Document>
  <Party><Sender><TravelAgencySender><Name>Rules Travel</Name><IATA_Number>76312340</IATA_Number><AgencyID>RULES-1</AgencyID></TravelAgencySender></Sender></Party>
  <CoreQuery><OriginDestinations><OriginDestination OriginDestinationKey="OD1">
    <Departure><AirportCode>LHR</AirportCode><Date>${DATE}</Date></Departure><Arrival><AirportCode>FRA</AirportCode></Arrival>
  </OriginDestination></OriginDestinations></CoreQuery>
  <DataLists><PassengerList><Passenger PassengerID="PAX1"><PTC>ADT</PTC></Passenger>${infant}</PassengerList></DataLists>
</AirShoppingRQ>`;
}

function body(version: string, infantAlone: boolean): string {
  return version === '17.2' ? airShopping172(infantAlone) : airShopping(version, infantAlone);
}

/** The warnings of an AirShoppingRS as code (rule id) and text, whatever the version. */
function warningsOf(version: string, doc: Doc): { code: string | undefined; text: string | undefined; tag: string | undefined }[] {
  if (version === '17.2') {
    return asList<Doc>(doc.Warnings?.Warning).map((w) => ({ code: attr(w, 'ShortText'), text: text(w), tag: attr(w, 'Tag') }));
  }
  return asList<Doc>(doc.Response?.Warning).map((w) => ({ code: text(w.TypeCode), text: text(w.DescText), tag: text(w.TagText) }));
}

/** The Error descriptions of an RS, whatever the version. */
function errorTextsOf(version: string, doc: Doc): string[] {
  if (version === '17.2') return asList<Doc>(doc.Errors?.Error).map((e) => text(e) ?? '');
  return asList<Doc>(doc.Error).map((e) => text(e.DescText) ?? '');
}

describe('business rules on live traffic (CLIENTS_FILE rules, REQUEST_RULES)', () => {
  let gw: RunningGateway;

  beforeAll(async () => {
    gw = await startGatewayWithClients(CLIENTS, { REQUEST_RULES: 'warn' });
  }, 180_000);

  afterAll(async () => {
    await gw?.close();
  });

  async function shop(version: string, client: Client, infantAlone: boolean): Promise<{ status: number; xml: string; doc: Doc }> {
    const answer = await postXml(`${gw.url}/api/v1/ndc`, body(version, infantAlone), { authorization: `Bearer ${KEYS[client]}` });
    const model = gw.gateway.deps.models.get(version, 'AirShoppingRS');
    return { status: answer.status, xml: answer.text, doc: parseXml(answer.text, { model }).document as Doc };
  }

  for (const version of ['21.3', '17.2', '26.1']) {
    describe(`NDC ${version}`, () => {
      it('warn: answers the offers with a Warning naming the rule and where the request breaks it', async () => {
        const { status, xml, doc } = await shop(version, 'warn', true);
        expect(status, xml.slice(0, 600)).toBe(200);
        expect(errorCodeOf(xml)).toBeUndefined();
        const warnings = warningsOf(version, doc).filter((w) => w.code === 'infant-with-adult');
        expect(warnings, xml.slice(0, 600)).toHaveLength(1);
        expect(warnings[0]!.text).toMatch(/PAX2.*\(line \d+, column \d+\)$/);
        expect(warnings[0]!.tag).toMatch(version === '17.2' ? /\/Passenger(\[2\])?$/ : /\/Pax(\[2\])?$/);
        expect(xml).toMatch(/OffersGroup>/);
        expectValidAnswer(gw, version, 'AirShoppingRS', xml);
      }, 60_000);

      it('warn: a request that breaks no rule gets no rule warning', async () => {
        const { status, xml, doc } = await shop(version, 'warn', false);
        expect(status).toBe(200);
        expect(warningsOf(version, doc).filter((w) => w.code === 'infant-with-adult')).toEqual([]);
        expectValidAnswer(gw, version, 'AirShoppingRS', xml);
      }, 60_000);

      it('refuse: answers 200 with an Error BUSINESS_RULE_VIOLATION that names the rule, never 500', async () => {
        const { status, xml, doc } = await shop(version, 'refuse', true);
        expect(status, xml.slice(0, 600)).toBe(200);
        expect(errorCodeOf(xml)).toBe('BUSINESS_RULE_VIOLATION');
        expect(errorTextsOf(version, doc).some((t) => t.includes('infant-with-adult: '))).toBe(true);
        expect(xml).not.toMatch(/OffersGroup>/);
        expectValidAnswer(gw, version, 'AirShoppingRS', xml);
      }, 60_000);

      it('refuse: a request that breaks no rule is served', async () => {
        const { status, xml } = await shop(version, 'refuse', false);
        expect(status).toBe(200);
        expect(errorCodeOf(xml)).toBeUndefined();
        expect(xml).toMatch(/OffersGroup>/);
      }, 60_000);

      it('off: the rules are not run', async () => {
        const { status, xml, doc } = await shop(version, 'off', true);
        expect(status).toBe(200);
        expect(errorCodeOf(xml)).toBeUndefined();
        expect(warningsOf(version, doc).filter((w) => w.code === 'infant-with-adult')).toEqual([]);
      }, 60_000);
    });
  }

  it('a client without `rules` gets REQUEST_RULES (warn here)', async () => {
    const { xml, doc } = await shop('21.3', 'unset', true);
    expect(warningsOf('21.3', doc).map((w) => w.code)).toContain('infant-with-adult');
    expectValidAnswer(gw, '21.3', 'AirShoppingRS', xml);
  }, 60_000);

  it('counts each finding by rule and action', async () => {
    const metrics = await gw.gateway.deps.metrics.registry.getSingleMetricAsString('ndc_rule_findings_total');
    expect(metrics).toMatch(/ndc_rule_findings_total\{rule="infant-with-adult",message="AirShoppingRQ",version="21.3",action="warn"\} [1-9]/);
    expect(metrics).toMatch(/ndc_rule_findings_total\{rule="infant-with-adult",message="AirShoppingRQ",version="21.3",action="refuse"\} [1-9]/);
  });
});
