import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../../src/auth/index.ts';
import type { CommandHandler } from '../../../src/queue/index.ts';
import { parseXml, readRootElement } from '../../../src/xml/index.ts';
import { schemaFileOf } from '../../support/samples.ts';
import { postXml, startGatewayWithClients, type RunningGateway } from '../../support/start-gateway.ts';
import { xmllintText } from '../../support/xmllint.ts';

/**
 * An airline's order change notification through the real gateway in this process: detection
 * (17.2's OrderChangeNotif has no RQ), XSD validation (24.4 through the combined schema), the
 * client's permission, the request mapping to order.airline-change, the queue, the response
 * mapping and the Acknowledgement's XSD. The order.airline-change handler is a stand-in here that
 * knows every airline order but XB-MISSING-*: the order store's handler is tested where it lives.
 */
const AIRLINE_KEY = 'airline-notif-key-4c1d9e';
const AGENCY_KEY = 'agency-notif-key-8b2a6f';
const FIXTURES = 'fixtures/mapping';

const received: unknown[] = [];
const airlineChange: CommandHandler = async (payload) => {
  received.push(payload);
  const command = payload as { changeId: string; orders: { orderId?: string; airlineOrderId?: string }[] };
  return {
    changeId: command.changeId,
    orders: command.orders.map((order) => (order.airlineOrderId ?? order.orderId ?? '').startsWith('XB-MISSING')
      ? { ...order, outcome: 'FAILED', error: { code: 'ORDER_NOT_FOUND', message: `No order is linked to the airline order ${order.airlineOrderId}` } }
      : { ...order, orderId: 'ORD-TEST', outcome: 'APPLIED', version: 2 }),
  };
};

const CASES = [
  { version: '21.3', folder: '21.3/order-change-notif-schedule-change', root: 'IATA_Acknowledgement' },
  { version: '24.4', folder: '24.4/order-change-notif-cancellation', root: 'IATA_Acknowledgement' },
  { version: '26.1', folder: '26.1/order-change-notif-unknown-order', root: 'IATA_Acknowledgement' },
  { version: '17.2', folder: '17.2/order-change-notif-schedule-change', root: 'Acknowledgement' },
] as const;

function fixture(folder: string, file: string): string {
  return readFileSync(join(FIXTURES, folder, file), 'utf8');
}

/** StatusCode and the error it carries, wherever the version puts them. */
function ackStatus(xml: string): { status: string | undefined; code: string | undefined; text: string | undefined } {
  const { document } = parseXml(xml);
  const notification = (document.Notification ?? document) as Record<string, unknown>;
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  return { status: text(notification.StatusCode), code: text(notification.WarningCode), text: text(notification.StatusMessageText ?? notification.StatusMessage) };
}

describe('OrderChangeNotif from an airline, answered with an Acknowledgement', () => {
  let gw: RunningGateway;
  const post = (body: string, key = AIRLINE_KEY) => postXml(`${gw.url}/api/v1/ndc`, body, { 'x-api-key': key });

  beforeAll(async () => {
    gw = await startGatewayWithClients([
      { id: 'airline-xb', name: 'Airline XB', apiKeys: [hashApiKey(AIRLINE_KEY)], messages: ['OrderChangeNotifRQ', 'OrderChangeNotif'] },
      { id: 'agency', name: 'Agency', apiKeys: [hashApiKey(AGENCY_KEY)], messages: ['AirShoppingRQ'] },
    ], { NDC_VERSIONS: '17.2,21.3,24.4,26.1' }, undefined, { handlers: new Map([['order.airline-change', airlineChange]]) });
  }, 120_000);

  afterAll(async () => {
    await gw?.close();
  });

  for (const testCase of CASES) {
    it(`${testCase.version}: maps the notification to order.airline-change and answers an XSD-valid ${testCase.root}`, async () => {
      received.length = 0;
      const answer = await post(fixture(testCase.folder, 'request.xml'));
      expect(answer.status, answer.text).toBe(200);
      expect(readRootElement(answer.text).localName).toBe(testCase.root);
      const lint = xmllintText(schemaFileOf(testCase.version, 'Acknowledgement'), answer.text);
      expect(lint.valid, lint.output).toBe(true);
      expect(received).toEqual([JSON.parse(fixture(testCase.folder, 'command.json'))]);
      const expected = JSON.parse(fixture(testCase.folder, 'command.json')) as { orders: { airlineOrderId: string }[] };
      const unknown = expected.orders[0]!.airlineOrderId.startsWith('XB-MISSING');
      expect(ackStatus(answer.text).status).toBe(unknown ? 'ERROR' : 'OK');
    });
  }

  it('answers a notification for an order the gateway does not know with an Acknowledgement carrying the error, in 21.3 and 17.2', async () => {
    const notif21 = fixture('21.3/order-change-notif-schedule-change', 'request.xml').replaceAll('XB-ORDER-77', 'XB-MISSING-1');
    const answer21 = await post(notif21);
    expect(answer21.status).toBe(200);
    expect(ackStatus(answer21.text)).toEqual({ status: 'ERROR', code: 'ORDER_NOT_FOUND', text: 'No order is linked to the airline order XB-MISSING-1' });
    expect(xmllintText(schemaFileOf('21.3', 'Acknowledgement'), answer21.text).valid).toBe(true);

    const notif17 = fixture('17.2/order-change-notif-schedule-change', 'request.xml').replaceAll('XB-ORDER-17', 'XB-MISSING-2');
    const answer17 = await post(notif17);
    expect(answer17.status).toBe(200);
    expect(ackStatus(answer17.text)).toEqual({ status: 'ERROR', text: 'ORDER_NOT_FOUND: No order is linked to the airline order XB-MISSING-2' });
    expect(xmllintText(schemaFileOf('17.2', 'Acknowledgement'), answer17.text).valid).toBe(true);

    const answer26 = await post(fixture('26.1/order-change-notif-unknown-order', 'request.xml'));
    expect(ackStatus(answer26.text)).toMatchObject({ status: 'ERROR', code: 'ORDER_NOT_FOUND' });
  });

  it('answers an XSD-invalid notification with the usual Errors, without running the command', async () => {
    received.length = 0;
    const invalid = fixture('21.3/order-change-notif-schedule-change', 'request.xml').replace(/<Notification>[\s\S]*<\/Notification>/, '');
    const answer = await post(invalid);
    expect(answer.status).toBe(400);
    expect(readRootElement(answer.text).localName).toBe('Errors');
    expect(answer.text).toContain('<Error');
    expect(answer.text).toContain('Notification');
    expect(received).toEqual([]);
  });

  it('refuses the notification from a client whose messages do not include it', async () => {
    received.length = 0;
    const answer = await post(fixture('21.3/order-change-notif-schedule-change', 'request.xml'), AGENCY_KEY);
    expect(answer.status).toBe(403);
    expect(received).toEqual([]);
  });
});
