import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNdcSchemas, type NdcSchemas } from '../../../src/airlines/ndc/index.ts';
import { loadConfig } from '../../../src/config/config.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { applyMapping, loadMappingRegistry, type MappingRegistry } from '../../../src/mapping/index.ts';
import { NDC_VERSIONS } from '../../../src/ndc/ndc-versions.ts';
import { createNdcNoticeRenderer, isAcknowledgement, noticeMappingName } from '../../../src/notifications/ndc-notice-renderer.ts';
import type { NoticeContent, NoticeRenderer } from '../../../src/notifications/index.ts';
import type { AirlineChange, Order } from '../../../src/orders/index.ts';
import { parseXml, readRootElement } from '../../../src/xml/index.ts';
import { createXsdEngine } from '../../../src/xsd/index.ts';
import { SCHEMA_PATH } from '../../support/paths.ts';
import { schemaFileOf } from '../../support/samples.ts';
import { xmllintText } from '../../support/xmllint.ts';
import { buildOrder } from '../../unit/orders/order-fixtures.ts';

/**
 * The NDC bodies of notices, built by the mapping files under mappings/notices and checked here by
 * xmllint against the published XSD of the seller's version: the airline's change to a seller in
 * 21.3, 26.1 and 17.2 (24.4 falls back to JSON), the sales report to accounting in 21.3 and 26.1.
 * What the gateway sends in 21.3 and 26.1 it reads back with its own inbound mapping, so an
 * aggregator hop (gateway → gateway) carries the change unchanged.
 */
const config = loadConfig({ NDC_SCHEMA_PATH: SCHEMA_PATH });
let schemas: NdcSchemas;
let renderer: NoticeRenderer;
let inbound: MappingRegistry;

const change: AirlineChange = {
  changeId: 'XR-CHG-1',
  kind: 'SCHEDULE_CHANGE',
  reason: 'Flight XR400 leaves 50 minutes later; XR401 is cancelled',
  receivedAt: '2026-05-02T08:00:00.000Z',
  segments: [
    { segmentId: 'SEG1', before: { departure: '2026-07-01T10:15:00', arrival: '2026-07-01T12:55:00', aircraft: '359' }, after: { departure: '2026-07-01T11:05:00', arrival: '2026-07-01T13:45:00', aircraft: '789' } },
    { segmentId: 'SEG2', before: { departure: '2026-07-10T17:30:00', arrival: '2026-07-11T07:20:00', aircraft: '359' }, cancelled: true },
  ],
  actionTimeLimit: '2026-05-05T08:00:00.000Z',
  defaultAction: 'CANCEL',
  status: 'PENDING',
};

function changedOrder(): Order {
  const order = buildOrder({ version: 3, airlineChanges: [change] });
  return {
    ...order,
    segments: order.segments.map((segment) => segment.segmentId === 'SEG1'
      ? { ...segment, departure: '2026-07-01T11:05:00', arrival: '2026-07-01T13:45:00', aircraft: '789' }
      : { ...segment, cancelled: true }),
  };
}

function airlineChangeNotice(order: Order = changedOrder()): NoticeContent {
  return { eventId: '41', type: 'order.airline_initiated_change', createdAt: '2026-05-02T08:00:01.000Z', orderVersion: 3, data: { changeId: change.changeId }, order, airlineChange: change };
}

function salesNotice(): NoticeContent {
  const order = buildOrder({
    version: 4,
    documents: [{ type: 'ET', number: '1234567890123', paxId: 'PAX1', orderItemIds: ['ITEM1'], issuedAt: '2026-05-01T09:05:00.000Z' }],
  });
  return { eventId: '42', type: 'order.sales_reported', createdAt: '2026-05-01T09:05:01.000Z', orderVersion: 4, data: {}, order };
}

beforeAll(async () => {
  schemas = createNdcSchemas({ engine: await createXsdEngine(config.xsdEngine), schemaPath: config.schemaPath });
  renderer = await createNdcNoticeRenderer({ mappingsPath: config.mappingsPath, schemas, config, logger: createLogger(process.env.TEST_LOG_LEVEL === 'debug' ? 'debug' : 'silent') });
  inbound = await loadMappingRegistry({ mappingsPath: config.mappingsPath, versions: ['21.3', '24.4', '26.1', '17.2'] });
}, 120_000);

afterAll(() => {
  schemas?.dispose();
});

describe('NDC notice renderer', () => {
  it('names the mapping of a notice type after it', () => {
    expect(noticeMappingName('order.airline_initiated_change')).toBe('AirlineInitiatedChange');
    expect(noticeMappingName('order.sales_reported')).toBe('SalesReported');
  });

  for (const [version, root] of [['21.3', 'IATA_OrderChangeNotifRQ'], ['26.1', 'IATA_OrderChangeNotifRQ'], ['17.2', 'OrderChangeNotif']] as const) {
    it(`renders the airline's change as an XSD-valid ${root} in ${version}`, () => {
      const rendered = renderer.render(airlineChangeNotice(), { format: 'ndc', version, kind: 'seller' });
      expect(rendered).toBeDefined();
      expect(rendered!.contentType).toMatch(/^application\/xml/);
      expect(readRootElement(rendered!.body).localName).toBe(root);
      const lint = xmllintText(schemaFileOf(version, NDC_VERSIONS[version]!.messageOf(root)), rendered!.body);
      expect(lint.valid, `${lint.output}\n${rendered!.body}`).toBe(true);
    });
  }

  for (const version of ['21.3', '26.1', '17.2']) {
    it(`reads its own ${version} notification back into the change it tells`, () => {
      const info = NDC_VERSIONS[version]!;
      const order = changedOrder();
      const rendered = renderer.render(airlineChangeNotice(order), { format: 'ndc', version, kind: 'seller' })!;
      const message = info.messageOf(readRootElement(rendered.body).localName);
      const { document } = parseXml(rendered.body, { model: schemas.model(version, message) });
      const command = applyMapping(inbound.request(version, message), document, { config, ctx: { correlationId: 'c', version, message, now: '2026-05-02T08:00:02Z' }, rootName: info.rootName(message) });
      expect(command).toMatchObject({
        kind: 'SCHEDULE_CHANGE',
        reason: change.reason,
        orders: [{ airlineOrderId: order.orderId }],
        actionTimeLimit: change.actionTimeLimit,
        defaultAction: 'CANCEL',
      });
      const segments = (command as { segments: Record<string, unknown>[] }).segments;
      expect(segments.find((s) => s.segmentId === 'SEG1' || s.flightNumber === '400')).toMatchObject({ carrier: 'XR', flightNumber: '400', aircraft: '789' });
      expect(segments.find((s) => s.segmentId === 'SEG2' || s.flightNumber === '401')).toMatchObject({ carrier: 'XR', flightNumber: '401', cancelled: true });
      const seg1 = segments.find((s) => s.flightNumber === '400')!;
      expect(String(seg1.departure)).toMatch(/^2026-07-01T11:05/);
      expect(String(seg1.arrival)).toMatch(/^2026-07-01T13:45/);
    });
  }

  it('has no NDC body for 24.4, whose OrderChangeNotifRQ schema does not compile on its own: the delivery sends JSON', () => {
    expect(renderer.render(airlineChangeNotice(), { format: 'ndc', version: '24.4', kind: 'seller' })).toBeUndefined();
  });

  it('has no NDC body for a notice type without a mapping', () => {
    expect(renderer.render({ ...airlineChangeNotice(), type: 'order.hold_expired' }, { format: 'ndc', version: '21.3', kind: 'seller' })).toBeUndefined();
  });

  for (const version of ['21.3', '26.1']) {
    it(`renders the sales report to accounting as an XSD-valid IATA_OrderSalesInformationNotifRQ in ${version}`, () => {
      const rendered = renderer.render(salesNotice(), { format: 'ndc', version, kind: 'accounting' });
      expect(rendered).toBeDefined();
      expect(readRootElement(rendered!.body).localName).toBe('IATA_OrderSalesInformationNotifRQ');
      const lint = xmllintText(schemaFileOf(version, 'OrderSalesInformationNotifRQ'), rendered!.body);
      expect(lint.valid, `${lint.output}\n${rendered!.body}`).toBe(true);
      expect(rendered!.body).not.toContain('tok_4f9a2c');
    });
  }
});

describe('acknowledged', () => {
  const ack21 = (inner: string) => `<IATA_Acknowledgement xmlns="http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage" xmlns:cns="http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersCommonTypes">${inner}</IATA_Acknowledgement>`;
  const cases: [string, number, string, boolean][] = [
    ['an IATA_Acknowledgement with StatusCode OK', 200, ack21('<Notification><cns:StatusCode>OK</cns:StatusCode></Notification>'), true],
    ['an empty IATA_Acknowledgement', 200, ack21(''), true],
    ['an empty 2xx body', 204, '', true],
    ['a 17.2 Acknowledgement', 200, '<Acknowledgement xmlns="http://www.iata.org/IATA/EDIST/2017.2"><Document/><StatusCode>OK</StatusCode></Acknowledgement>', true],
    ['an Acknowledgement with StatusCode ERROR', 200, ack21('<Notification><cns:StatusCode>ERROR</cns:StatusCode><cns:WarningCode>ORDER_NOT_FOUND</cns:WarningCode></Notification>'), false],
    ['a 17.2 Acknowledgement with StatusCode Rejected', 200, '<Acknowledgement xmlns="http://www.iata.org/IATA/EDIST/2017.2"><Document/><StatusCode>Rejected</StatusCode></Acknowledgement>', false],
    ['an Acknowledgement carrying Errors', 200, ack21('<Errors><Error><cns:Code>911</cns:Code></Error></Errors>'), false],
    ['an Errors document', 200, '<Errors xmlns="http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage"><Error/></Errors>', false],
    ['a 500', 500, ack21(''), false],
    ['a body that is not XML', 200, 'not xml <', false],
  ];
  for (const [name, status, body, expected] of cases) {
    it(`${expected ? 'acknowledges' : 'does not acknowledge'} ${name}`, () => {
      expect(isAcknowledgement(status, body)).toBe(expected);
      expect(renderer.acknowledged(status, body, 'application/xml')).toBe(expected);
    });
  }
});
