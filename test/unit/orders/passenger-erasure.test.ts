import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors/index.ts';
import { erasePassengers, validateOrderRecord, type Order } from '../../../src/orders/index.ts';
import { buildOrder } from './order-fixtures.ts';

function withBooker(order: Order): Order {
  return { ...order, contacts: [...order.contacts, { contactId: 'BOOKER', emails: [{ address: 'booker@example.com' }] }] };
}

describe('erasePassengers', () => {
  it('pseudonymises the passenger named and the contact only they use; the other passenger, the booker and the payment stay', () => {
    const order = withBooker(buildOrder());

    const erased = erasePassengers(order, { paxIds: ['PAX1'] });

    expect(erased.passengers).toEqual([{ paxId: 'PAX1', ptc: 'ADT', surname: 'ERASED' }, order.passengers[1]]);
    expect(erased.contacts).toEqual([{ contactId: 'CTC1', paxIds: ['PAX1'] }, order.contacts[1]]);
    expect(erased.payments).toEqual(order.payments);
    expect(validateOrderRecord(erased)).toEqual([]);
  });

  it('once every passenger is erased, the booker\'s contact and the card holder name go too; what accounting needs stays', () => {
    const order = withBooker(buildOrder({ documents: [{ type: 'ET', number: '1234567890123', paxId: 'PAX1', orderItemIds: ['ITEM1'] }] }));

    const first = erasePassengers(order, { paxIds: ['PAX2'] });
    const erased = erasePassengers(first, { paxIds: ['PAX1'] });

    expect(first.contacts[1]).toEqual(order.contacts[1]);
    expect(erased.contacts).toEqual([{ contactId: 'CTC1', paxIds: ['PAX1'] }, { contactId: 'BOOKER' }]);
    expect(erased.payments[0]?.method).toEqual({ type: 'CARD', token: 'tok_4f9a2c', maskedNumber: '************1111', brand: 'VI', expiry: '2028-12' });
    expect(erased.payments[0]).toMatchObject({ paymentId: 'PAY1', amount: 1054.9, currency: 'EUR', authorisationCode: 'A1B2C3', status: 'SUCCESSFUL' });
    expect({ items: erased.items, segments: erased.segments, documents: erased.documents, totalPrice: erased.totalPrice })
      .toEqual({ items: order.items, segments: order.segments, documents: order.documents, totalPrice: order.totalPrice });
    expect(erasePassengers(order)).toEqual(erased);
  });

  it('erasing again changes nothing, so there is nothing new to write', () => {
    const erased = erasePassengers(buildOrder());

    expect(erasePassengers(erased)).toEqual(erased);
    expect(erasePassengers(erased, { paxIds: ['PAX2'] })).toEqual(erased);
  });

  it('refuses a passenger the order does not have, naming it', () => {
    const error = (() => {
      try {
        erasePassengers(buildOrder(), { paxIds: ['PAX1', 'PAX9'] });
      } catch (e) {
        return e;
      }
      return undefined;
    })();

    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'INVALID_BUSINESS_DATA', details: [{ message: 'unknown passenger PAX9', path: '/paxIds/1' }] });
  });
});
