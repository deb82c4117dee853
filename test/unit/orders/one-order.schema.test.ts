import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors/index.ts';
import { assertValidOrderRecord, validateOrderRecord, type Order } from '../../../src/orders/index.ts';
import { buildOrder } from './order-fixtures.ts';

function withCard(order: Order, method: Record<string, unknown>): unknown {
  const [payment] = order.payments;
  return { ...order, payments: [{ ...payment, method: { ...payment?.method, ...method } }] };
}

describe('ONE Order schema', () => {
  it('accepts a complete record', () => {
    expect(validateOrderRecord(buildOrder())).toEqual([]);
  });

  it('accepts a minimal record without passengers details, contacts or payments', () => {
    const order = buildOrder({ passengers: [{ paxId: 'PAX1', ptc: 'ADT' }], contacts: [], payments: [], documents: [] });

    expect(validateOrderRecord(order)).toEqual([]);
  });

  it.each([
    ['cardNumber', { cardNumber: '4111111111111111' }],
    ['cvv', { cvv: '123' }],
    ['securityCode', { securityCode: '123' }],
  ])('refuses a card method carrying %s, naming it', (name, extra) => {
    const details = validateOrderRecord(withCard(buildOrder(), extra));

    expect(details).toContainEqual({ path: '/payments/0/method', message: `/payments/0/method must NOT have additional properties (${name})` });
  });

  it.each(['************1111', '411111******1111', 'XXXX-XXXX-XXXX-1111', 'xxxx xxxx xxxx 1111'])('accepts the masked number %s', (maskedNumber) => {
    expect(validateOrderRecord(withCard(buildOrder(), { maskedNumber }))).toEqual([]);
  });

  it.each(['4111111111111111', '4111 1111 1111 1111', '41111111***11111', '1111', '***1111'])('refuses %s as a masked number', (maskedNumber) => {
    expect(validateOrderRecord(withCard(buildOrder(), { maskedNumber })).map((d) => d.path)).toEqual(['/payments/0/method/maskedNumber']);
  });

  it('refuses unknown properties anywhere, wrong statuses and a lower-case booking reference', () => {
    const order = buildOrder();
    const broken = {
      ...order,
      bookingReference: 'abc123',
      status: 'PAID',
      passengers: [{ ...order.passengers[0], passport: 'X1234567' }],
    };

    expect(validateOrderRecord(broken).map((d) => d.path).sort()).toEqual(['/bookingReference', '/passengers/0', '/status']);
  });

  it('assertValidOrderRecord throws INTERNAL_ERROR with the details', () => {
    const error = (() => {
      try {
        assertValidOrderRecord({ ...buildOrder(), version: 0 });
        return undefined;
      } catch (e) {
        return e;
      }
    })();

    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('INTERNAL_ERROR');
    expect((error as GatewayError).details).toEqual([{ path: '/version', message: '/version must be >= 1' }]);
  });
});
