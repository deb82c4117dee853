import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log/logger.ts';
import type { Order, OrderStore } from '../../../src/orders/index.ts';
import type { HandlerContext } from '../../../src/queue/index.ts';
import { createOrderAncillaryHandlers, type AirlineCaller } from '../../../src/worker/index.ts';
import { failure } from '../../support/gateway-failure.ts';
import { buildOrder } from '../orders/order-fixtures.ts';

function recordingAirline(): AirlineCaller & { calls: { command: string; payload: unknown }[] } {
  const calls: { command: string; payload: unknown }[] = [];
  return {
    calls,
    async call(command, payload) {
      calls.push({ command, payload });
      return { answeredBy: command };
    },
  };
}

/** A store holding one order of client-a; only reads by id are needed. */
function storeWith(order: Order): OrderStore {
  return { get: async (orderId: string, clientId: string) => (orderId === order.orderId && clientId === order.ownerClientId ? order : undefined) } as unknown as OrderStore;
}

function context(clientId: string | undefined): HandlerContext {
  return {
    meta: { correlationId: 'c-1', version: '21.3', message: 'ServiceListRQ', deadline: Date.now() + 1000, ...(clientId ? { clientId } : {}) },
    logger: createLogger('silent'),
    signal: new AbortController().signal,
  };
}

describe('service.list and seat.availability for an order', () => {
  const order = buildOrder({ orderId: 'ORD1', ownerClientId: 'client-a' });

  it('forwards a request for an offer to the airline as it is', async () => {
    const airline = recordingAirline();
    const handlers = createOrderAncillaryHandlers({ store: storeWith(order), airline });
    await handlers.get('service.list')!({ offerId: 'OF1', currency: 'EUR' }, context('client-a'));
    expect(airline.calls).toEqual([{ command: 'service.list', payload: { offerId: 'OF1', currency: 'EUR' } }]);
  });

  it('asks the airline\'s booking of the client\'s order, naming the passengers by id', async () => {
    const airline = recordingAirline();
    const handlers = createOrderAncillaryHandlers({ store: storeWith(order), airline });
    const command = { orderId: 'ORD1', segmentIds: ['S1'], passengers: [{ id: 'PAX2', type: 'ADT' }], currency: 'GBP' };
    expect(await handlers.get('service.list')!(command, context('client-a'))).toEqual({ answeredBy: 'inventory.services' });
    await handlers.get('seat.availability')!({ orderId: 'ORD1' }, context('client-a'));
    expect(airline.calls).toEqual([
      { command: 'inventory.services', payload: { orderId: 'ORD1', segmentIds: ['S1'], paxIds: ['PAX2'], currency: 'GBP' } },
      { command: 'inventory.seats', payload: { orderId: 'ORD1' } },
    ]);
  });

  it('answers another client\'s order as unknown, and refuses a closed one, without asking the airline', async () => {
    const airline = recordingAirline();
    const handlers = createOrderAncillaryHandlers({ store: storeWith(order), airline });
    expect((await failure(handlers.get('service.list')!({ orderId: 'ORD1' }, context('client-b')))).code).toBe('ORDER_NOT_FOUND');
    expect((await failure(handlers.get('seat.availability')!({ orderId: 'ORD9' }, context('client-a')))).code).toBe('ORDER_NOT_FOUND');
    expect((await failure(handlers.get('service.list')!({ orderId: 'ORD1' }, context(undefined)))).code).toBe('AUTH_REQUIRED');
    const closed = createOrderAncillaryHandlers({ store: storeWith({ ...order, status: 'CLOSED' }), airline });
    expect((await failure(closed.get('seat.availability')!({ orderId: 'ORD1' }, context('client-a')))).code).toBe('ORDER_NOT_CHANGEABLE');
    expect(airline.calls).toEqual([]);
  });
});
