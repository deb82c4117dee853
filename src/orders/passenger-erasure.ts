import { GatewayError } from '../errors/index.ts';
import type { Order, OrderContact, OrderPassenger } from './one-order.ts';

/**
 * GDPR erasure of passengers from an order record, as a pure rule like those of
 * one-order-rules.ts: the store writes the result as a new version with its event.
 *
 * What goes: a passenger's name (the surname becomes {@link ERASED_NAME}, the rest of it goes),
 * birth date, gender, title, loyalty accounts and identity documents; the e-mails, phones and
 * address of every contact that names only erased passengers; and, once every passenger of the
 * order is erased, the booker's contact (the one naming no passenger) and the card holder names.
 *
 * What stays, for accounting: the passenger's id and type, the items, services and prices, the
 * segments, the payments (amounts, statuses, masked numbers, authorisation codes), and the ticket
 * and EMD numbers.
 */

/** The surname an erased passenger keeps: it still needs one for NDC answers, but not theirs. */
export const ERASED_NAME = 'ERASED';

export interface ErasureOptions {
  /** The passengers to erase. @defaultValue every passenger of the order */
  readonly paxIds?: readonly string[];
}

function erasePassenger(passenger: OrderPassenger): OrderPassenger {
  // The infant-to-adult link names no one: it stays, so the order still says who carries whom.
  return { paxId: passenger.paxId, ptc: passenger.ptc, ...(passenger.accompanyingPaxId === undefined ? {} : { accompanyingPaxId: passenger.accompanyingPaxId }), surname: ERASED_NAME };
}

function eraseContact(contact: OrderContact): OrderContact {
  return { contactId: contact.contactId, ...(contact.paxIds ? { paxIds: contact.paxIds } : {}) };
}

/**
 * The order with the passengers pseudonymised. Erasing what is already erased gives an equal
 * record, so a caller can tell that there is nothing left to write.
 * @throws GatewayError INVALID_BUSINESS_DATA naming a paxId the order does not have
 */
export function erasePassengers(order: Order, options: ErasureOptions = {}): Order {
  const known = new Set(order.passengers.map((p) => p.paxId));
  const unknown = (options.paxIds ?? []).map((paxId, index) => ({ paxId, index })).filter(({ paxId }) => !known.has(paxId));
  if (unknown.length > 0) {
    throw new GatewayError('INVALID_BUSINESS_DATA', `Order ${order.orderId} has no passenger ${unknown.map((u) => u.paxId).join(', ')}`,
      unknown.map(({ paxId, index }) => ({ message: `unknown passenger ${paxId}`, path: `/paxIds/${index}` })));
  }
  const erased = new Set(options.paxIds ?? known);
  // Passengers an earlier erasure took count as erased too.
  for (const p of order.passengers) if (p.surname === ERASED_NAME && p.givenName === undefined) erased.add(p.paxId);
  const everyone = [...known].every((paxId) => erased.has(paxId));
  const contactGoes = (contact: OrderContact): boolean =>
    contact.paxIds === undefined || contact.paxIds.length === 0 ? everyone : contact.paxIds.every((paxId) => erased.has(paxId));
  return {
    ...order,
    passengers: order.passengers.map((p) => (erased.has(p.paxId) ? erasePassenger(p) : p)),
    contacts: order.contacts.map((c) => (contactGoes(c) ? eraseContact(c) : c)),
    payments: everyone
      ? order.payments.map(({ method, ...payment }) => {
        const { holderName: _holder, ...kept } = method;
        return { ...payment, method: kept };
      })
      : order.payments,
  };
}
