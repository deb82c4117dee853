import { randomInt } from 'node:crypto';

/** Six upper-case letters or digits, as passengers quote a booking. */
export const BOOKING_REFERENCE_PATTERN = /^[A-Z0-9]{6}$/;

/** Letters and digits that cannot be misread for one another when spelled out (no 0/O, 1/I/L). */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/**
 * A random booking reference: 31^6 ≈ 887 million values, so collisions are rare; the store's
 * unique index catches them and the store draws again.
 */
export function generateBookingReference(): string {
  let reference = '';
  for (let i = 0; i < 6; i++) reference += ALPHABET[randomInt(ALPHABET.length)];
  return reference;
}

/** Booking references are compared upper-case, the way they are printed. */
export function normaliseBookingReference(reference: string): string {
  return reference.trim().toUpperCase();
}
