import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY } from '../../../src/auth/index.ts';
import { parseXml } from '../../../src/xml/index.ts';
import { bookOrder, changeFlight, getOrder, laterLocal, shopOffer, type BookedOrder } from '../../support/airline-change-support.ts';
import { expectValidAnswer } from '../../support/expect-valid-answer.ts';
import { asList, attr, text, type Doc } from '../../support/ndc-doc.ts';
import { postXml, startGateway, type RunningGateway } from '../../support/start-gateway.ts';
import { waitFor } from '../../support/wait-for.ts';

/**
 * The seller's answer to an airline's change, in NDC 21.3 and 17.2, end to end: the reference
 * airline's operations move or cancel the flight (`POST /admin/flights/change`), the airline tells
 * the gateway (`POST /api/v1/airline/events`), and the order view shows the new
 * times and a Warning for the change waiting for an answer; OrderChangeRQ accepts it (21.3
 * ChangeOrderChoice/AcceptChange, 17.2 Query/ActionContext 8); or OrderReshopRQ quotes the
 * refund, in full although the fare (ECOLIGHT) keeps its base fare when the passenger cancels,
 * and OrderChangeRQ AcceptCancelledOffer (21.3) or OrderCancelRQ (17.2) takes it. Every answer is
 * checked against its XSD by the gateway's validator and by xmllint.
 */

const MESSAGE_NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage';
const TYPES_NS = 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersCommonTypes';
const EDIST_NS = 'http://www.iata.org/IATA/EDIST/2017.2';

function ndc21(root: string, body: string, messageId?: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<IATA_${root} xmlns="${MESSAGE_NS}" xmlns:c="${TYPES_NS}">
  <DistributionChain><c:DistributionChainLink><c:Ordinal>1</c:Ordinal><c:OrgRole>Seller</c:OrgRole>
    <c:ParticipatingOrg><c:Name>Quay Travel</c:Name><c:OrgID>QUAY01</c:OrgID></c:ParticipatingOrg></c:DistributionChainLink></DistributionChain>
  <PayloadAttributes>${messageId ? `<c:CorrelationID>${messageId}</c:CorrelationID>` : ''}<c:VersionNumber>21.3</c:VersionNumber></PayloadAttributes>
  <Request>${body}
  </Request>
</IATA_${root}>`;
}

function ndc17(root: string, body: string, echoToken?: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<${root} xmlns="${EDIST_NS}" Version="17.2"${echoToken ? ` EchoToken="${echoToken}"` : ''}>
  <Document><Name>QUAY TRAVEL NDC</Name><ReferenceVersion>1.0</ReferenceVersion></Document>
  <Party><Sender><TravelAgencySender><Name>Quay Travel</Name><IATA_Number>23498762</IATA_Number><AgencyID>QUAY-17</AgencyID></TravelAgencySender></Sender></Party>${body}
</${root}>`;
}

const orderRef21 = (orderId: string): string => `<c:Order><c:OrderID>${orderId}</c:OrderID><c:OwnerCode>XR</c:OwnerCode></c:Order>`;
const retrieve21 = (orderId: string): string => ndc21('OrderRetrieveRQ', `
    <c:OrderValidationFilterCriteria><c:OrderFilterCriteria><c:OrderID>${orderId}</c:OrderID><c:OwnerCode>XR</c:OwnerCode></c:OrderFilterCriteria></c:OrderValidationFilterCriteria>`);
const accept21 = (orderId: string, itemIds: readonly string[]): string => ndc21('OrderChangeRQ', `
    <c:ChangeOrderChoice><c:AcceptChange>${itemIds.map((id) => `<c:OrderItemRefID>${id}</c:OrderItemRefID>`).join('')}</c:AcceptChange></c:ChangeOrderChoice>${orderRef21(orderId)}`, `accept-${randomUUID()}`);
const reshop21 = (orderId: string): string => ndc21('OrderReshopRQ', `
    <c:OrderRefID>${orderId}</c:OrderRefID>
    <c:UpdateOrder><c:CancelOrderRef><c:OrderRefID>${orderId}</c:OrderRefID></c:CancelOrderRef></c:UpdateOrder>`);
const cancel21 = (orderId: string, offerId: string): string => ndc21('OrderChangeRQ', `
    <c:ChangeOrderChoice><c:AcceptCancelledOffer><c:OfferID>${offerId}</c:OfferID><c:OwnerCode>XR</c:OwnerCode></c:AcceptCancelledOffer></c:ChangeOrderChoice>${orderRef21(orderId)}`, `cancel-${randomUUID()}`);

const retrieve17 = (orderId: string): string => ndc17('OrderRetrieveRQ', `
  <Query><Filters><OrderID Owner="XR">${orderId}</OrderID></Filters></Query>`);
const accept17 = (orderId: string): string => ndc17('OrderChangeRQ', `
  <Query><OrderID Owner="XR">${orderId}</OrderID><ActionContext>8</ActionContext></Query>`, `accept-${randomUUID()}`);
const reshop17 = (orderId: string, itemIds: readonly string[]): string => ndc17('OrderReshopRQ', `
  <Query><OrderID>${orderId}</OrderID><Reshop><OrderServicing><Delete>${itemIds.map((id) => `<OrderItem OrderItemID="${id}"/>`).join('')}</Delete></OrderServicing></Reshop></Query>`);
const cancel17 = (orderId: string): string => ndc17('OrderCancelRQ', `
  <Query><Order OrderID="${orderId}" Owner="XR"/></Query>`, `cancel-${randomUUID()}`);

const cents = (value: unknown): number => Math.round(Number(typeof value === 'object' && value !== null ? (value as Doc)['#text'] : value) * 100);

describe('the seller answers an airline change in NDC 21.3 and 17.2', () => {
  let gw: RunningGateway;
  let day = 20;

  async function send(version: '21.3' | '17.2', xml: string, response: string): Promise<{ doc: Doc; xml: string }> {
    const answer = await postXml(`${gw.url}/api/v1/ndc`, xml);
    expectValidAnswer(gw, version, response, answer.text);
    expect(answer.status, answer.text.slice(0, 2000)).toBe(200);
    const doc = parseXml(answer.text, { model: gw.gateway.deps.models.get(version, response) }).document as Doc;
    expect(doc.Error ?? doc.Errors, answer.text.slice(0, 3000)).toBeUndefined();
    return { doc, xml: answer.text };
  }

  /** A paid ECOLIGHT order whose flight the airline's operations then moved (+2 h) or cancelled (admin route). */
  async function changedOrder(kind: 'SCHEDULE_CHANGE' | 'CANCELLATION'): Promise<BookedOrder> {
    day += 1;
    const booked = await bookOrder(gw.url, DEMO_API_KEY, await shopOffer(gw.airlineUrl, { origin: 'LHR', destination: 'FRA' }, day), `answers-${randomUUID()}`);
    const segmentId = booked.segments[0]!.segmentId;
    const answer = await changeFlight(gw.airlineUrl, kind === 'CANCELLATION'
      ? { segmentId, kind, reason: 'Aircraft unserviceable' }
      : { segmentId, kind, shiftMinutes: 120, reason: 'Slot moved by the airport' });
    expect(answer.orderIds).toEqual([booked.orderId]);
    expect(answer.delivery).toMatchObject({ status: 'DELIVERED' });
    expect((await getOrder(gw.url, DEMO_API_KEY, booked.orderId)).airlineChanges).toHaveLength(1);
    return booked;
  }

  beforeAll(async () => {
    gw = await startGateway({ NDC_VERSIONS: '21.3,17.2', AIRLINE_CHANGE_SWEEP_MS: '200' }, undefined, { airlineEventsKey: DEMO_API_KEY });
  }, 90_000);

  afterAll(async () => {
    await gw?.close();
  });

  describe('NDC 21.3', () => {
    it('shows the new times and the change in OrderViewRS, and accepts it with ChangeOrderChoice/AcceptChange', async () => {
      const booked = await changedOrder('SCHEDULE_CHANGE');
      const { doc } = await send('21.3', retrieve21(booked.orderId), 'OrderViewRS');
      const segment = asList<Doc>(doc.Response.DataLists.DatedMarketingSegmentList.DatedMarketingSegment)[0]!;
      expect(String(segment.Dep.AircraftScheduledDateTime)).toContain(laterLocal(booked.segments[0]!.departure, 120));
      const warnings = asList<Doc>(doc.Response.Warning);
      expect(warnings.map((w) => w.TypeCode)).toEqual(['AIRLINE_CHANGE']);
      expect(warnings[0]!.DescText).toContain('SCHEDULE_CHANGE');

      const accepted = await send('21.3', accept21(booked.orderId, booked.itemIds), 'OrderViewRS');
      const order = asList<Doc>(accepted.doc.Response.Order)[0]!;
      expect(Number(order.OrderVersionNumber)).toBe(booked.version + 2);
      expect(accepted.doc.Response.Warning).toBeUndefined();
      expect((await getOrder(gw.url, DEMO_API_KEY, booked.orderId)).airlineChanges[0]).toMatchObject({ status: 'ACCEPTED', answeredAt: expect.any(String) });
    });

    it('quotes the refund of a cancelled flight in full (OrderReshopRQ) and cancels with AcceptCancelledOffer: the change is REFUNDED', async () => {
      const booked = await changedOrder('CANCELLATION');
      const quote = await send('21.3', reshop21(booked.orderId), 'OrderReshopRS');
      const offer = asList<Doc>(quote.doc.Response.ReshopResults.ReshopOffers.Offer)[0]!;
      const refund = asList<Doc>(offer.DeleteOrderItem).reduce((sum, item) => sum + cents(item.PriceDifferential?.DiffPrice?.Price?.DueByAirlineAmount), 0);
      expect(refund).toBe(Math.round(booked.total * 100));
      const penalties = asList<Doc>(quote.doc.Response.DataLists.PenaltyList.Penalty);
      expect(penalties.map((p) => cents(p.Price.TotalAmount))).toEqual(penalties.map(() => 0));

      const cancelled = await send('21.3', cancel21(booked.orderId, String(offer.OfferID)), 'OrderViewRS');
      const warnings = asList<Doc>(cancelled.doc.Response.Warning);
      expect(warnings.map((w) => w.TypeCode)).toEqual(['REFUND']);
      expect(warnings[0]!.DescText).toContain(`Refunded ${booked.total} EUR`);
      const order = await getOrder(gw.url, DEMO_API_KEY, booked.orderId);
      expect(order.status).toBe('CLOSED');
      expect(order.airlineChanges[0]).toMatchObject({ status: 'REFUNDED' });
      expect(order.payments[0].status).toBe('REFUNDED');
    });
  });

  describe('NDC 17.2', () => {
    it('shows the new times and the change in OrderViewRS, and accepts it with OrderChangeRQ ActionContext 8', async () => {
      const booked = await changedOrder('SCHEDULE_CHANGE');
      const { doc } = await send('17.2', retrieve17(booked.orderId), 'OrderViewRS');
      const segment = asList<Doc>(doc.Response.DataLists.FlightSegmentList.FlightSegment)[0]!;
      const moved = laterLocal(booked.segments[0]!.departure, 120);
      expect(text(segment.Departure.Date)).toBe(moved.slice(0, 10));
      expect(text(segment.Departure.Time)).toBe(moved.slice(11, 16));
      const warnings = asList<Doc>(doc.Warnings.Warning);
      expect(warnings.map((w) => attr(w, 'ShortText'))).toEqual(['AIRLINE_CHANGE']);

      const accepted = await send('17.2', accept17(booked.orderId), 'OrderViewRS');
      expect(accepted.doc.Warnings).toBeUndefined();
      expect((await getOrder(gw.url, DEMO_API_KEY, booked.orderId)).airlineChanges[0]).toMatchObject({ status: 'ACCEPTED' });
    });

    it('quotes the refund of a cancelled flight in full (OrderReshopRQ) and cancels with OrderCancelRQ: the change is REFUNDED', async () => {
      const booked = await changedOrder('CANCELLATION');
      const quote = await send('17.2', reshop17(booked.orderId, booked.itemIds), 'OrderReshopRS');
      const offer = asList<Doc>(quote.doc.Response.ReshopOffers.ReshopOffer)[0]!;
      const deleted = asList<Doc>(offer.DeleteOfferItem);
      const refund = deleted.reduce((sum, d) => sum + cents(d.ReshopDifferential.ReshopDue.ByAirline.Total.Amount), 0);
      const penalty = deleted.reduce((sum, d) => sum + cents(d.ReshopDifferential.PenaltyAmount.Total.Amount), 0);
      expect({ refund, penalty }).toEqual({ refund: Math.round(booked.total * 100), penalty: 0 });

      const cancelled = await send('17.2', cancel17(booked.orderId), 'OrderCancelRS');
      expect(cancelled.xml).toContain(`${booked.total} EUR refunded`);
      const order = await getOrder(gw.url, DEMO_API_KEY, booked.orderId);
      expect(order.airlineChanges[0]).toMatchObject({ status: 'REFUNDED' });
      expect(order.payments[0].status).toBe('REFUNDED');
    });
  });

  describe('without an answer', () => {
    it('the housekeeping job applies the default action at the action time limit: ACCEPT keeps the new times', async () => {
      day += 1;
      const booked = await bookOrder(gw.url, DEMO_API_KEY, await shopOffer(gw.airlineUrl, { origin: 'LHR', destination: 'FRA' }, day), `answers-${randomUUID()}`);
      await changeFlight(gw.airlineUrl, {
        segmentId: booked.segments[0]!.segmentId, kind: 'SCHEDULE_CHANGE', shiftMinutes: 45, defaultAction: 'ACCEPT', actionTimeLimit: new Date(Date.now() + 1500).toISOString(),
      });
      expect((await getOrder(gw.url, DEMO_API_KEY, booked.orderId)).airlineChanges[0].status).toBe('PENDING');
      await waitFor(async () => (await getOrder(gw.url, DEMO_API_KEY, booked.orderId)).airlineChanges[0].status === 'ACCEPTED', 100);
      const order = await getOrder(gw.url, DEMO_API_KEY, booked.orderId);
      expect(order.segments[0].departure).toBe(laterLocal(booked.segments[0]!.departure, 45));
      expect(order.status).toBe('OPENED');
    });
  });
});
