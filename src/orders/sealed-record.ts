import { GatewayError } from '../errors/index.ts';
import type { IdentityDocument, Order, OrderContact, OrderPassenger } from './one-order.ts';
import { PersonalDataKeyError, type PersonalDataCipher } from './personal-data-cipher.ts';

/**
 * An order record as the `record` column holds it: the record without its contacts and its
 * passengers' identity documents, which are sealed together in `sealed` (one AES-GCM operation per
 * write and per read). Names stay in clear: lists show them and search passengers by surname
 * (`pax_surnames`). The order id is authenticated with the sealed part, so it opens on no other
 * order.
 */
export type StoredRecord = Omit<Order, 'contacts' | 'passengers'> & {
  readonly passengers: readonly Omit<OrderPassenger, 'identityDocuments'>[];
  /** Present on records written before sealing, in clear. */
  readonly contacts?: readonly OrderContact[];
  readonly sealed?: string;
};

interface SealedPart {
  readonly contacts: readonly OrderContact[];
  /** Identity documents by paxId. */
  readonly documents?: { readonly [paxId: string]: readonly IdentityDocument[] };
}

/** The record to store, and the id of the key that sealed it (null: nothing to seal). */
export interface SealedRecord {
  readonly record: StoredRecord;
  readonly keyId: string | null;
}

export function sealRecord(order: Order, cipher: PersonalDataCipher): SealedRecord {
  const { contacts, passengers, ...rest } = order;
  let documents: { [paxId: string]: readonly IdentityDocument[] } | undefined;
  const shown = passengers.map((passenger) => {
    if (passenger.identityDocuments === undefined) return passenger;
    const { identityDocuments, ...others } = passenger;
    (documents ??= {})[passenger.paxId] = identityDocuments;
    return others;
  });
  if (contacts.length === 0 && documents === undefined) return { record: { ...rest, passengers: shown }, keyId: null };
  const part: SealedPart = documents === undefined ? { contacts } : { contacts, documents };
  return { record: { ...rest, passengers: shown, sealed: cipher.seal(JSON.stringify(part), order.orderId) }, keyId: cipher.currentKeyId };
}

/**
 * The order of a stored record. A record written before sealing is returned as it is.
 * @throws GatewayError INTERNAL_ERROR naming the key when the sealed part does not open.
 */
export function openRecord(stored: StoredRecord, cipher: PersonalDataCipher): Order {
  const { sealed, contacts, ...rest } = stored;
  if (sealed === undefined) return { ...rest, contacts: contacts ?? [] };
  let part: SealedPart;
  try {
    part = JSON.parse(cipher.open(sealed, stored.orderId)) as SealedPart;
  } catch (error) {
    if (!(error instanceof PersonalDataKeyError)) throw error;
    throw new GatewayError('INTERNAL_ERROR', `Order ${stored.orderId}: ${error.message}`, [], error);
  }
  const { documents } = part;
  return {
    ...rest,
    contacts: part.contacts,
    passengers: documents === undefined ? rest.passengers : rest.passengers.map((p) => {
      const identityDocuments = documents[p.paxId];
      return identityDocuments === undefined ? p : { ...p, identityDocuments };
    }),
  };
}
