import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseXml } from '../../../src/xml/index.ts';
import { OO_MESSAGE_NS, OO_TYPES_NS } from '../../../src/ndc/ndc-versions.ts';
import { expectValidAnswer } from '../../support/expect-valid-answer.ts';
import { asList, dayFromToday, errorCodeOf, type Doc } from '../../support/ndc-doc.ts';
import { postXml, startGateway, type RunningGateway } from '../../support/start-gateway.ts';

/**
 * A newcomer's first AirShoppingRQ is between two airports they know, rarely two of the fixture's
 * 29: the reference airline answers it over its generated network.
 */
function airShopping(origin: string, destination: string, date: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<IATA_AirShoppingRQ xmlns="${OO_MESSAGE_NS}" xmlns:cns="${OO_TYPES_NS}">
  <DistributionChain><cns:DistributionChainLink>
    <cns:Ordinal>1</cns:Ordinal><cns:OrgRole>Seller</cns:OrgRole><cns:ParticipatingOrg><cns:OrgID>AGENCY1</cns:OrgID></cns:ParticipatingOrg>
  </cns:DistributionChainLink></DistributionChain>
  <Request>
    <cns:FlightRequest><cns:FlightRequestOriginDestinationsCriteria><cns:OriginDestCriteria>
      <cns:DestArrivalCriteria><cns:IATA_LocationCode>${destination}</cns:IATA_LocationCode></cns:DestArrivalCriteria>
      <cns:OriginDepCriteria><cns:Date>${date}</cns:Date><cns:IATA_LocationCode>${origin}</cns:IATA_LocationCode></cns:OriginDepCriteria>
    </cns:OriginDestCriteria></cns:FlightRequestOriginDestinationsCriteria></cns:FlightRequest>
    <cns:PaxList><cns:Pax><cns:PaxID>PAX1</cns:PaxID><cns:PTC>ADT</cns:PTC></cns:Pax></cns:PaxList>
  </Request>
</IATA_AirShoppingRQ>`;
}

describe('NDC 21.3 AirShopping between airports outside the fixture network', () => {
  let gw: RunningGateway;

  beforeAll(async () => {
    gw = await startGateway({ NDC_VERSIONS: '21.3' });
  });
  afterAll(async () => {
    await gw?.close();
  });

  async function shop(origin: string, destination: string): Promise<Doc> {
    const answer = await postXml(`${gw.url}/api/v1/ndc`, airShopping(origin, destination, dayFromToday(30)));
    expect(answer.status, answer.text.slice(0, 2000)).toBe(200);
    expect(errorCodeOf(answer.text), answer.text.slice(0, 2000)).toBeUndefined();
    expectValidAnswer(gw, '21.3', 'AirShoppingRS', answer.text, 2000);
    return parseXml(answer.text, { model: gw.gateway.deps.models.get('21.3', 'AirShoppingRS') }).document as Doc;
  }

  it.each([['CPH', 'LIS'], ['SYD', 'NRT']])('returns offers from %s to %s with at most two connections', async (origin, destination) => {
    const response = (await shop(origin, destination)).Response as Doc;
    const offers = asList(response.OffersGroup.CarrierOffers[0].Offer as Doc[]);
    expect(offers.length).toBeGreaterThan(0);
    const segments = asList(response.DataLists.DatedMarketingSegmentList.DatedMarketingSegment as Doc[]);
    const airports = segments.flatMap((s) => [s.Dep.IATA_LocationCode as string, s.Arrival.IATA_LocationCode as string]);
    expect(airports).toContain(origin);
    expect(airports).toContain(destination);
    for (const journey of asList(response.DataLists.PaxJourneyList.PaxJourney as Doc[])) {
      expect(asList(journey.PaxSegmentRefID).length).toBeLessThanOrEqual(3);
    }
  });
});
