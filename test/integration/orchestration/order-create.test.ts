import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SeatAvailabilityResult, ServiceListResult } from '../../../src/contracts/airline/index.ts';
import { COMMAND_SCHEMAS_PATH, loadSchemaFolders } from '../../../src/contracts/schema-folders.ts';
import { deriveOrderId, type OrderCreateResult, type OrderHistoryResult, type OrderListResult } from '../../../src/orchestration/index.ts';
import {
  availabilityOf, codeOf, DECLINED_CARD, errorOf, expectValid, send, shop, silentLogger, startHarness, type Harness,
} from './orchestration-fixtures.ts';

const schemas = loadSchemaFolders([COMMAND_SCHEMAS_PATH]);

const passengers = [{ paxId: 'PAX1', ptc: 'ADT', givenName: 'Anna', surname: 'Muller' }, { paxId: 'PAX2', ptc: 'CHD', givenName: 'Ben', surname: 'Muller' }];
const airlinePassengers = passengers.map((p) => ({ id: p.paxId, type: p.ptc }));

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
});

async function createCommand(options: { card?: string; hold?: boolean; family?: string; extras?: Record<string, unknown> } = {}): Promise<Record<string, unknown>> {
  const { offer } = await shop(h.airline, airlinePassengers, options.family ?? 'ECOCLASSIC');
  const command: Record<string, unknown> = {
    idempotencyKey: `agency-1:${randomUUID()}`,
    offerId: offer.offerId,
    expectedTotal: { total: offer.totalPrice.total, currency: offer.totalPrice.currency },
    passengers,
    contacts: [{ contactId: 'CTC1', emails: [{ address: 'anna@example.com' }] }],
    ...(options.hold ? {} : { payment: { card: await h.card(options.card), holderName: 'ANNA MULLER' } }),
    ...options.extras,
  };
  expectValid('order.create', command);
  return command;
}

describe('order.create', () => {
  it('with an approving card: an open order, ticketed, paid, seats sold', async () => {
    const client = `client-${randomUUID()}`;
    const command = await createCommand({ extras: {} });
    const before = await availabilityOf(h.airline, { offerId: command.offerId as string });

    const result = await send<OrderCreateResult>(h.handlers, 'order.create', command, client);

    expectValid('order.create.result', result);
    const { order } = result;
    expect(order.orderId).toBe(deriveOrderId(client, command.idempotencyKey as string));
    expect(order.status).toBe('OPENED');
    expect(order.version).toBe(2);
    expect(order.amountDue).toBe(0);
    expect(order.paymentTimeLimit).toBeUndefined();
    expect(order.items.every((i) => i.status === 'ACTIVE')).toBe(true);
    const services = order.items.flatMap((i) => i.services);
    expect(services.length).toBe(4);
    for (const service of services) {
      expect(service.status).toBe('CONFIRMED');
      expect(service.delivery.status).toBe('READY_TO_PROCEED');
      expect(service.delivery.documentNumber).toMatch(/^\d{13}$/);
      expect(service.settlement?.status).toBe('SETTLED');
    }
    expect(order.documents.map((d) => [d.type, d.paxId]).sort()).toEqual([['ET', 'PAX1'], ['ET', 'PAX2']]);
    expect(order.payments).toHaveLength(1);
    expect(order.payments[0]?.status).toBe('SUCCESSFUL');
    expect(order.payments[0]?.method).toEqual({ type: 'CARD', maskedNumber: '************1111', brand: 'VI', expiry: '2035-12', holderName: 'ANNA MULLER' });
    expect(JSON.stringify(result)).not.toContain('tok_');
    expect(order.totalPrice.total).toBe((command.expectedTotal as { total: number }).total);

    const after = await availabilityOf(h.airline, { offerId: command.offerId as string });
    expect(after.map((s) => s.sold - (before.find((b) => b.segmentId === s.segmentId)?.sold ?? 0))).toEqual([2, 2]);
    expect(after.every((s) => s.held === before.find((b) => b.segmentId === s.segmentId)?.held)).toBe(true);

    const authorisations = h.paymentService.authorisations().filter((a) => a.reference === order.orderId);
    expect(authorisations).toHaveLength(1);
    expect(authorisations[0]?.status).toBe('CAPTURED');

    const history = await send<OrderHistoryResult>(h.handlers, 'order.history', { orderId: order.orderId }, client);
    expectValid('order.history.result', history);
    expect(history.events.map((e) => e.type)).toEqual(['order.created', 'order.delivered']);
  });

  it('with a bag from the service list and a seat from the seat map: EMDs for what is paid', async () => {
    const client = `client-${randomUUID()}`;
    const { offer } = await shop(h.airline, airlinePassengers, 'ECOLIGHT');
    const services = await h.airline.call('service.list', { offerId: offer.offerId }, { correlationId: 'sl' }) as ServiceListResult;
    const bag = services.services.find((s) => s.code === 'XBAG');
    const seats = await h.airline.call('seat.availability', { offerId: offer.offerId }, { correlationId: 'sa' }) as SeatAvailabilityResult;
    const seatMap = seats.seatMaps[0];
    const row = seatMap?.cabins[0]?.rows.find((r) => r.seats.some((x) => x.available));
    const seat = row?.seats.find((x) => x.available);
    const command = {
      idempotencyKey: `agency-1:${randomUUID()}`, offerId: offer.offerId, passengers,
      services: [{ paxIds: ['PAX1', 'PAX2'], offerId: services.offerId, offerItemId: bag?.offerItemId }],
      seats: [{ paxId: 'PAX2', segmentId: seatMap?.segmentId, row: row?.number, column: seat?.column }],
      payment: { card: await h.card(), amount: offer.totalPrice.total + 2 * (bag?.price.total ?? 0) + (seat?.price?.total ?? 0) },
    };
    expectValid('order.create', command);

    const { order } = await send<OrderCreateResult>(h.handlers, 'order.create', command, client);

    expect(order.items.map((i) => i.services[0]?.type)).toEqual(['FLIGHT', 'FLIGHT', 'BAGGAGE', 'SEAT']);
    expect(order.items[2]).toEqual(expect.objectContaining({ offerId: services.offerId, offerItemId: bag?.offerItemId, paxIds: ['PAX1', 'PAX2'] }));
    expect(order.documents.map((d) => `${d.type}:${d.paxId}`).sort()).toEqual(['EMD:PAX1', 'EMD:PAX2', 'EMD:PAX2', 'ET:PAX1', 'ET:PAX2']);
    expect(order.payments[0]?.amount).toBe(command.payment.amount);
  });

  it('has no place for a card in clear in the command', async () => {
    const command = await createCommand();
    const validate = schemas.get('order.create');
    expect(validate?.({ ...command, payment: { card: { number: '4111111111111111', expiry: '12/35', cvv: '123', holderName: 'A' } } })).toBe(false);
    expect(validate?.({ ...command, payment: { card: { token: 't', maskedNumber: '4111111111111111' } } })).toBe(false);
  });

  it('refuses an inventory command that breaks its schema', async () => {
    expect(await codeOf(h.airline.call('inventory.hold', { orderId: 'X' }, { correlationId: 'bad' }))).toBe('INVALID_COMMAND');
  });

  it('answers a repeat of the request with the same order, and refuses the key for another body', async () => {
    const client = `client-${randomUUID()}`;
    const command = await createCommand();
    const first = await send<OrderCreateResult>(h.handlers, 'order.create', command, client);
    const again = await send<OrderCreateResult>(h.handlers, 'order.create', command, client);
    expect(again).toEqual(first);
    const list = await send<OrderListResult>(h.handlers, 'order.list', {}, client);
    expectValid('order.list.result', list);
    expect(list.orders).toHaveLength(1);
    expect(list.orders[0]).toEqual(expect.objectContaining({ orderId: first.order.orderId, bookingReference: first.order.bookingReference, version: 2 }));
    expect(h.paymentService.authorisations().filter((a) => a.reference === first.order.orderId)).toHaveLength(1);
    expect(await codeOf(send(h.handlers, 'order.create', { ...command, contacts: [] }, client))).toBe('INVALID_BUSINESS_DATA');
  });

  it('costs PostgreSQL three statements for a paid order, audit rows included, and three for its replay, with no explicit transaction', async () => {
    const client = `client-${randomUUID()}`;
    const command = await createCommand();
    // Every statement of every pg pool passes through Client#query (the spy calls through); nothing else uses pg meanwhile.
    const query = vi.spyOn(pg.Client.prototype, 'query');
    const statements = (): string[] => query.mock.calls.map(([config]) => {
      const text = typeof config === 'string' ? config : (config as { text: string }).text;
      return text.replace(/\s+/g, ' ').trim();
    });
    try {
      const first = await send<OrderCreateResult>(h.handlers, 'order.create', command, client);
      const created = statements();
      query.mockClear();
      expect(await send<OrderCreateResult>(h.handlers, 'order.create', command, client)).toEqual(first);
      const replayed = statements();

      expect(created).toEqual([
        expect.stringMatching(/^INSERT INTO "\w+".idempotency_keys/),
        expect.stringMatching(/^WITH linked AS \( UPDATE "\w+".idempotency_keys.* INSERT INTO "\w+".audit_trail/),
        expect.stringMatching(/^WITH updated AS \( UPDATE "\w+".orders.* INSERT INTO "\w+".audit_trail/),
      ]);
      // A replay writes nothing, so its audit row is a statement of its own.
      expect(replayed).toEqual([
        expect.stringMatching(/^INSERT INTO "\w+".idempotency_keys/), expect.stringMatching(/^SELECT .* FROM "\w+".idempotency_keys/),
        expect.stringMatching(/^INSERT INTO "\w+".audit_trail/),
      ]);
    } finally {
      query.mockRestore();
    }
  });

  it('with a declining card: PAYMENT_DECLINED, the hold released, no order, the key free again', async () => {
    const client = `client-${randomUUID()}`;
    const command = await createCommand({ card: DECLINED_CARD });
    const before = await availabilityOf(h.airline, { offerId: command.offerId as string });

    const error = await errorOf(send(h.handlers, 'order.create', command, client));

    expect(error.code).toBe('PAYMENT_DECLINED');
    expect(error.message).toContain('CARD_DECLINED');
    expect(await availabilityOf(h.airline, { offerId: command.offerId as string })).toEqual(before);
    const orderId = deriveOrderId(client, command.idempotencyKey as string);
    expect(await h.store.get(orderId, client)).toBeUndefined();
    expect((await send<OrderListResult>(h.handlers, 'order.list', {}, client)).orders).toEqual([]);
    const keys = await h.sql(`SELECT key FROM "${h.schema}".idempotency_keys WHERE key = $1`, [`order.create:${command.idempotencyKey as string}`]);
    expect(keys).toEqual([]);
    // The same request again runs again (and is declined again), rather than REQUEST_IN_PROGRESS.
    expect(await codeOf(send(h.handlers, 'order.create', command, client))).toBe('PAYMENT_DECLINED');
    expect(await availabilityOf(h.airline, { offerId: command.offerId as string })).toEqual(before);
  });

  it('refuses a price the seller did not accept, naming both totals', async () => {
    const command = await createCommand();
    const accepted = command.expectedTotal as { total: number; currency: string };
    const error = await errorOf(send(h.handlers, 'order.create', { ...command, expectedTotal: { ...accepted, total: accepted.total - 10 } }, `client-${randomUUID()}`));
    expect(error.code).toBe('OFFER_PRICE_CHANGED');
    expect(error.message).toContain(accepted.total.toFixed(2));
    expect(error.message).toContain((accepted.total - 10).toFixed(2));
  });

  it('refuses an unknown offer and an order without a client', async () => {
    const command = await createCommand();
    expect(await codeOf(send(h.handlers, 'order.create', { ...command, offerId: 'SRNOSUCH-OF1' }, `client-${randomUUID()}`))).toBe('OFFER_NOT_FOUND');
    const handler = h.handlers.get('order.create');
    const error = await errorOf(Promise.resolve().then(() => handler?.(command, { meta: { correlationId: 'c', version: '21.3', message: 'OrderCreateRQ', deadline: Date.now() + 5000 }, logger: silentLogger, signal: new AbortController().signal })));
    expect(error.code).toBe('AUTH_REQUIRED');
  });
});
