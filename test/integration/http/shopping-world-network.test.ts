import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseXml } from '../../../src/xml/index.ts';
import { expectValidAnswer } from '../../support/expect-valid-answer.ts';
import { airShopping213, asList, dayFromToday, errorCodeOf, type Doc } from '../../support/ndc-doc.ts';
import { postXml, startGateway, type RunningGateway } from '../../support/start-gateway.ts';

/**
 * A newcomer's first AirShoppingRQ is between two airports they know, rarely two of the fixture's
 * 29: the reference airline answers it over its generated network.
 */
describe('NDC 21.3 AirShopping between airports outside the fixture network', () => {
  let gw: RunningGateway;

  beforeAll(async () => {
    gw = await startGateway({ NDC_VERSIONS: '21.3' });
  });
  afterAll(async () => {
    await gw?.close();
  });

  async function shop(origin: string, destination: string): Promise<Doc> {
    const answer = await postXml(`${gw.url}/api/v1/ndc`, airShopping213(origin, destination, dayFromToday(30)));
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
