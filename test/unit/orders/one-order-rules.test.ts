import { describe, expect, it } from 'vitest';
import { GatewayError, type ErrorCode } from '../../../src/errors/index.ts';
import {
  assertOrderChangeable,
  cancelOrder,
  cancelOrderItem,
  deliverService,
  deriveOrderStatus,
  isServiceFinished,
  settleService,
  type Order,
} from '../../../src/orders/index.ts';
import { buildOrder } from './order-fixtures.ts';

const AT = '2026-07-01T08:00:00.000Z';

function codeOf(run: () => unknown): ErrorCode | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof GatewayError ? error.code : undefined;
  }
}

function serviceIds(order: Order): string[] {
  return order.items.flatMap((item) => item.services.filter((s) => s.status !== 'CANCELLED').map((s) => s.serviceId));
}

function deliverAndSettleAll(order: Order): Order {
  return serviceIds(order).reduce((o, id) => settleService(deliverService(o, id, { deliveredAt: AT }), id, AT), order);
}

describe('ONE Order status rules', () => {
  it('a service is finished when cancelled, or delivered and settled', () => {
    const service = buildOrder().items[0]?.services[0];
    if (!service) throw new Error('fixture has a service');

    expect(isServiceFinished(service)).toBe(false);
    expect(isServiceFinished({ ...service, delivery: { status: 'DELIVERED' } })).toBe(false);
    expect(isServiceFinished({ ...service, settlement: { status: 'SETTLED' } })).toBe(false);
    expect(isServiceFinished({ ...service, delivery: { status: 'DELIVERED' }, settlement: { status: 'SETTLED' } })).toBe(true);
    expect(isServiceFinished({ ...service, status: 'CANCELLED' })).toBe(true);
  });

  it('the order closes only when the last active service is delivered and settled', () => {
    const order = buildOrder();
    const ids = serviceIds(order);
    const allButLast = ids.slice(0, -1).reduce((o, id) => settleService(deliverService(o, id, { deliveredAt: AT }), id, AT), order);
    const last = ids.at(-1) ?? '';

    expect(allButLast.status).toBe('OPENED');
    expect(deliverService(allButLast, last, { deliveredAt: AT, documentNumber: '1234567890123' }).status).toBe('OPENED');
    expect(settleService(allButLast, last, AT).status).toBe('OPENED');
    expect(deliverAndSettleAll(order).status).toBe('CLOSED');
  });

  it('records the document number and time of a delivery', () => {
    const order = deliverService(buildOrder(), 'SRV1', { deliveredAt: AT, documentNumber: '1234567890123' });

    expect(order.items[0]?.services[0]?.delivery).toEqual({ status: 'DELIVERED', deliveredAt: AT, documentNumber: '1234567890123' });
    expect(order.items[0]?.services[1]?.delivery).toEqual({ status: 'READY_TO_PROCEED' });
  });

  it('cancelling an item cancels its services and their deliveries, and leaves the others alone', () => {
    const order = cancelOrderItem(buildOrder(), 'ITEM2');

    expect(order.items[1]).toMatchObject({ status: 'CANCELLED', services: [{ status: 'CANCELLED', delivery: { status: 'CANCELLED' } }] });
    expect(order.items[0]?.status).toBe('ACTIVE');
    expect(order.items[0]?.services.every((s) => s.status === 'CONFIRMED')).toBe(true);
    expect(order.status).toBe('OPENED');
  });

  it('cancelled items do not hold an order open', () => {
    const order = deliverAndSettleAll(cancelOrderItem(buildOrder(), 'ITEM3'));

    expect(order.status).toBe('CLOSED');
  });

  it('cancelling the whole order closes it', () => {
    const order = cancelOrder(buildOrder());

    expect(order.status).toBe('CLOSED');
    expect(order.items.every((i) => i.status === 'CANCELLED')).toBe(true);
  });

  it('does not change the record it is given', () => {
    const order = buildOrder();
    const copy = structuredClone(order);

    cancelOrderItem(order, 'ITEM1');
    deliverService(order, 'SRV5', { deliveredAt: AT });

    expect(order).toEqual(copy);
  });

  it('a closed order cannot be changed', () => {
    const closed = cancelOrder(buildOrder());

    expect(codeOf(() => assertOrderChangeable(closed))).toBe('ORDER_NOT_CHANGEABLE');
    expect(codeOf(() => cancelOrderItem(closed, 'ITEM1'))).toBe('ORDER_NOT_CHANGEABLE');
    expect(codeOf(() => deliverService(closed, 'SRV1', { deliveredAt: AT }))).toBe('ORDER_NOT_CHANGEABLE');
    expect(deriveOrderStatus({ ...closed, items: buildOrder().items })).toBe('CLOSED');
  });

  it('an item with a delivered service cannot be cancelled; a cancelled service cannot be delivered', () => {
    const flown = deliverService(buildOrder(), 'SRV1', { deliveredAt: AT });
    const cancelled = cancelOrderItem(buildOrder(), 'ITEM2');

    expect(codeOf(() => cancelOrderItem(flown, 'ITEM1'))).toBe('ORDER_NOT_CHANGEABLE');
    expect(codeOf(() => deliverService(cancelled, 'SRV5', { deliveredAt: AT }))).toBe('ORDER_NOT_CHANGEABLE');
    expect(codeOf(() => settleService(cancelled, 'SRV5', AT))).toBe('ORDER_NOT_CHANGEABLE');
  });

  it('names an unknown item or service as INVALID_BUSINESS_DATA', () => {
    expect(codeOf(() => cancelOrderItem(buildOrder(), 'ITEM9'))).toBe('INVALID_BUSINESS_DATA');
    expect(codeOf(() => deliverService(buildOrder(), 'SRV9', { deliveredAt: AT }))).toBe('INVALID_BUSINESS_DATA');
  });

  it('an order without items stays opened', () => {
    expect(deriveOrderStatus(buildOrder({ items: [] }))).toBe('OPENED');
  });
});
