import { randomBytes } from 'node:crypto';
import { createInsertionOrderedMap } from '../../collections/insertion-ordered-map.ts';
import { detectBrand, luhnValid, maskCardNumber, normaliseCardNumber, type CardBrand, type MaskStyle } from '../../security/card-data.ts';
import { PaymentApiError } from './payment-api-error.ts';
import type { CardInput, CardToken } from '../../contracts/payment/payment-types.ts';

/** A card as the vault holds it. Only the authorisation step reads the PAN and CVV. */
export interface VaultedCard {
  readonly pan: string;
  /** Present until the first authorisation with the card, then dropped, as PCI DSS requires. */
  readonly cvv: string | undefined;
  /** `YYYY-MM`. */
  readonly expiry: string;
  readonly brand: CardBrand | 'UNKNOWN';
  readonly maskedNumber: string;
  readonly holderName: string;
}

export interface CardVaultOptions {
  readonly now?: () => Date;
  /** How long a token can be used. @defaultValue 3600 */
  readonly tokenTtlSeconds?: number;
  /**
   * Bound on cards held; when full, the oldest token is dropped before its time, so a card on
   * file can be charged again for as long as the bound lasts at the current rate. @defaultValue 100000
   */
  readonly maxEntries?: number;
  /** @defaultValue 'last4' */
  readonly maskStyle?: MaskStyle;
}

/**
 * The service's memory vault: card numbers and CVVs live here, keyed by token, and nowhere else.
 * Nothing is written to disk; closing the vault drops every card.
 */
export interface CardVault {
  /** Checks the card (Luhn, length, CVV length for the brand) and stores it under a new token. */
  tokenise(card: CardInput): CardToken;
  /** The card behind a live token, or undefined when unknown or expired. */
  reveal(token: string): VaultedCard | undefined;
  /** Drops the CVV of a card; called after its first authorisation. */
  dropCvv(token: string): void;
  readonly size: number;
  close(): void;
}

interface Entry {
  card: VaultedCard;
  expiresAt: number;
}

/** `MM/YY` or `YYYY-MM` as `YYYY-MM`; the schema has checked the shape. */
export function normaliseExpiry(expiry: string): string {
  const short = /^(\d{2})\/(\d{2})$/.exec(expiry);
  return short ? `20${short[2]}-${short[1]}` : expiry;
}

export function createCardVault(options: CardVaultOptions = {}): CardVault {
  const now = options.now ?? (() => new Date());
  const ttlMs = (options.tokenTtlSeconds ?? 3600) * 1000;
  const maskStyle = options.maskStyle ?? 'last4';
  const maxEntries = options.maxEntries ?? 100_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
  const entries = createInsertionOrderedMap<string, Entry>();

  /** Tokens are created in expiry order (one TTL), so the expired ones are the oldest. */
  function makeRoom(at: number): void {
    entries.dropOldestWhile((entry) => entry.expiresAt <= at);
    while (entries.size >= maxEntries) entries.shift();
  }

  return {
    tokenise(input) {
      const pan = normaliseCardNumber(input.cardNumber);
      if (pan === undefined || pan.length < 12 || pan.length > 19) {
        throw new PaymentApiError('INVALID_CARD_NUMBER', 'The card number must have 12 to 19 digits', [{ message: 'wrong number of digits', path: '/cardNumber' }]);
      }
      if (!luhnValid(pan)) {
        throw new PaymentApiError('INVALID_CARD_NUMBER', 'The card number fails the Luhn check; it was probably mistyped', [{ message: 'fails the Luhn check', path: '/cardNumber' }]);
      }
      const brand = detectBrand(pan) ?? 'UNKNOWN';
      const cvvLength = brand === 'AMEX' ? 4 : 3;
      if (input.cvv.length !== cvvLength) {
        throw new PaymentApiError('INVALID_CVV', `The security code of this card has ${cvvLength} digits`, [{ message: `must have ${cvvLength} digits`, path: '/cvv' }]);
      }
      const at = now().getTime();
      makeRoom(at);
      const token = `tok_${randomBytes(16).toString('hex')}`;
      const card: VaultedCard = {
        pan, cvv: input.cvv, expiry: normaliseExpiry(input.expiry), brand, maskedNumber: maskCardNumber(pan, maskStyle), holderName: input.holderName,
      };
      entries.set(token, { card, expiresAt: at + ttlMs });
      return { token, maskedNumber: card.maskedNumber, brand, expiry: card.expiry };
    },

    reveal(token) {
      const entry = entries.get(token);
      if (!entry) return undefined;
      if (entry.expiresAt <= now().getTime()) {
        entries.delete(token);
        return undefined;
      }
      return entry.card;
    },

    dropCvv(token) {
      const entry = entries.get(token);
      if (entry && entry.card.cvv !== undefined) entry.card = { ...entry.card, cvv: undefined };
    },

    get size() {
      return entries.size;
    },

    close() {
      entries.clear();
    },
  };
}
