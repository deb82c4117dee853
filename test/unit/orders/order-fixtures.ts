import { randomUUID } from 'node:crypto';
import type { NewOrder, Order, OrderService } from '../../../src/orders/index.ts';

function flight(serviceId: string, paxId: string, segmentId: string): OrderService {
  return { serviceId, type: 'FLIGHT', status: 'CONFIRMED', paxId, segmentId, delivery: { status: 'READY_TO_PROCEED' } };
}

/**
 * A FRA–JFK return for two adults with a seat and a bag, paid by a tokenised card: every part of
 * the record is present once, so round-trip tests see all of it.
 */
export function buildNewOrder(ownerClientId: string, overrides: Partial<NewOrder> = {}): NewOrder {
  return {
    orderId: `ORD-${randomUUID()}`,
    ownerClientId,
    status: 'OPENED',
    currency: 'EUR',
    totalPrice: { base: 800, taxes: 254.9, total: 1054.9, currency: 'EUR' },
    paymentTimeLimit: '2026-06-01T12:00:00Z',
    passengers: [
      { paxId: 'PAX1', ptc: 'ADT', givenName: 'Anna', surname: 'Müller', birthdate: '1985-03-14', gender: 'FEMALE', title: 'MS',
        loyalty: [{ programOwner: 'XR', accountNumber: '123456789', tierLevel: 'GOLD' }],
        identityDocuments: [{ typeCode: 'PT', number: 'C01X00T47', issuingCountryCode: 'DE', citizenshipCountryCode: 'DE', expiryDate: '2031-08-30' }] },
      { paxId: 'PAX2', ptc: 'ADT', givenName: 'Jonas', surname: 'Weber' },
    ],
    contacts: [
      { contactId: 'CTC1', paxIds: ['PAX1'], emails: [{ address: 'anna@example.com', label: 'home' }],
        phones: [{ number: '1701234567', countryDialingCode: '49' }],
        address: { street: ['Hauptstraße 1'], cityName: 'Frankfurt', postalCode: '60311', countryCode: 'DE' } },
    ],
    items: [
      {
        orderItemId: 'ITEM1', offerId: 'OF1', offerItemId: 'OF1-1', status: 'ACTIVE', paxIds: ['PAX1', 'PAX2'],
        price: { base: 700, taxes: 254.9, total: 954.9, currency: 'EUR', taxBreakdown: [{ code: 'DE', amount: 254.9, description: 'Air transport tax' }] },
        services: [flight('SRV1', 'PAX1', 'SEG1'), flight('SRV2', 'PAX2', 'SEG1'), flight('SRV3', 'PAX1', 'SEG2'), flight('SRV4', 'PAX2', 'SEG2')],
      },
      {
        orderItemId: 'ITEM2', offerItemId: 'SEAT-12A', status: 'ACTIVE', paxIds: ['PAX1'],
        price: { base: 40, taxes: 0, total: 40, currency: 'EUR' },
        services: [{ serviceId: 'SRV5', type: 'SEAT', status: 'CONFIRMED', paxId: 'PAX1', segmentId: 'SEG1', seat: { row: 12, column: 'A' },
          code: '0B5', name: 'Window seat', delivery: { status: 'READY_TO_PROCEED' } }],
      },
      {
        orderItemId: 'ITEM3', offerItemId: 'BAG-23', status: 'ACTIVE', paxIds: ['PAX2'],
        price: { base: 60, taxes: 0, total: 60, currency: 'EUR' },
        services: [{ serviceId: 'SRV6', type: 'BAGGAGE', status: 'CONFIRMED', paxId: 'PAX2', segmentId: 'SEG1', code: '0C3',
          name: 'Checked bag 23 kg', delivery: { status: 'READY_TO_PROCEED' }, settlement: { status: 'PENDING' } }],
      },
    ],
    segments: [
      { segmentId: 'SEG1', origin: 'FRA', destination: 'JFK', departure: '2026-07-01T10:15:00', arrival: '2026-07-01T12:55:00',
        carrier: 'XR', flightNumber: '400', aircraft: '359', cabin: 'ECONOMY', durationMinutes: 520, rbd: 'Y', fareBasisCode: 'YLOW' },
      { segmentId: 'SEG2', origin: 'JFK', destination: 'FRA', departure: '2026-07-10T17:30:00', arrival: '2026-07-11T07:20:00',
        carrier: 'XR', flightNumber: '401', aircraft: '359', cabin: 'ECONOMY' },
    ],
    journeys: [
      { journeyId: 'J1', origin: 'FRA', destination: 'JFK', segmentIds: ['SEG1'], durationMinutes: 520 },
      { journeyId: 'J2', origin: 'JFK', destination: 'FRA', segmentIds: ['SEG2'] },
    ],
    payments: [
      { paymentId: 'PAY1', status: 'SUCCESSFUL', amount: 1054.9, currency: 'EUR', authorisationCode: 'A1B2C3', createdAt: '2026-05-01T09:00:00.000Z',
        method: { type: 'CARD', token: 'tok_4f9a2c', maskedNumber: '************1111', brand: 'VI', expiry: '2028-12', holderName: 'ANNA MULLER' } },
    ],
    documents: [],
    ...overrides,
  };
}

/** The same order as a stored record, for the pure rules. */
export function buildOrder(overrides: Partial<Order> = {}): Order {
  return {
    ...buildNewOrder('client-a'),
    bookingReference: 'ABC234',
    version: 1,
    createdAt: '2026-05-01T09:00:00.000Z',
    updatedAt: '2026-05-01T09:00:00.000Z',
    ...overrides,
  };
}
