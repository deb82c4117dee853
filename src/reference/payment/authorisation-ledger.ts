import { randomBytes, randomInt } from 'node:crypto';
import { createInsertionOrderedMap } from '../../collections/insertion-ordered-map.ts';
import { currencyDecimals, formatMoney, fromMinorUnits, hasCurrencyDecimals, isKnownCurrency, toMinorUnits } from '../../money/index.ts';
import type { CardVault } from './card-vault.ts';
import { PaymentApiError } from './payment-api-error.ts';
import type { Authorisation, AuthorisationRequest, AuthorisationStatus, DeclineReason, Refund, RefundRequest } from '../../contracts/payment/payment-types.ts';
import type { TestCards } from './test-cards.ts';

export interface AuthorisationLedgerOptions {
  readonly vault: CardVault;
  readonly testCards: TestCards;
  /**
   * Amounts above this many major units of a two-decimal currency are declined with
   * AMOUNT_LIMIT_EXCEEDED. The service has no exchange rates, so every currency gets the same
   * count of minor units: 10,000 → 10,000.00 EUR, 1,000,000 JPY, 1,000.000 KWD.
   */
  readonly amountLimit: number;
  readonly now?: () => Date;
  /**
   * Bound on authorisations held, and apart from them on refunds held under an idempotency key.
   * When full the oldest goes, with its idempotency key: voiding, capturing or refunding it then
   * answers AUTHORISATION_NOT_FOUND. @defaultValue 100000
   */
  readonly maxEntries?: number;
}

/** Whether an answer repeats an earlier one because its idempotency key was seen before. */
export interface Recorded<T> {
  readonly value: T;
  readonly replayed: boolean;
}

/**
 * Authorisations and what follows them (void, capture, refund). Creating calls are idempotent on
 * their key and void and capture on their state, so a caller that lost an answer can always ask
 * again without charging twice.
 */
export interface AuthorisationLedger {
  /** Throws PaymentApiError: TOKEN_NOT_FOUND, IDEMPOTENCY_KEY_REUSED, INVALID_AMOUNT, PROCESSING_ERROR (nothing recorded). */
  authorise(request: AuthorisationRequest): Recorded<Authorisation>;
  get(authorisationId: string): Authorisation;
  /** AUTHORISED → VOIDED; voiding a voided authorisation answers it again. */
  void(authorisationId: string): Authorisation;
  /** AUTHORISED → CAPTURED for the whole amount; capturing again answers it again. */
  capture(authorisationId: string): Authorisation;
  refund(request: RefundRequest): Recorded<Refund>;
  /** Every authorisation held, oldest first, declined ones included; one per charge attempt, never per retry. */
  list(): readonly Authorisation[];
  readonly size: number;
}

interface LedgerEntry {
  readonly authorisationId: string;
  readonly idempotencyKey: string;
  status: AuthorisationStatus;
  readonly declineReason?: DeclineReason;
  readonly authorisationCode?: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly reference: string;
  readonly maskedNumber: string;
  readonly brand: Authorisation['brand'];
  capturedMinor: number;
  refundedMinor: number;
  readonly createdAt: string;
}

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';

/** Amounts are kept in minor units of their currency (ISO 4217: JPY none, EUR 2, KWD 3) so partial refunds add up exactly. */
function toMinor(amount: number, currency: string, path: string): number {
  if (!isKnownCurrency(currency)) {
    throw new PaymentApiError('INVALID_AMOUNT', `${currency} is not an ISO 4217 currency`, [{ message: 'unknown currency', path: '/currency' }]);
  }
  if (!hasCurrencyDecimals(amount, currency) || amount <= 0) {
    const decimals = currencyDecimals(currency);
    throw new PaymentApiError('INVALID_AMOUNT', `Amounts in ${currency} are positive with at most ${decimals} decimals`, [{ message: `more than ${decimals} decimals`, path }]);
  }
  return toMinorUnits(amount, currency);
}

const toMajor = (minor: number, currency: string): number => fromMinorUnits(minor, currency);

const newId = (prefix: string): string => `${prefix}_${randomBytes(12).toString('hex')}`;

function newAuthorisationCode(): string {
  let code = '';
  for (let i = 0; i < 6; i += 1) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

function view(record: LedgerEntry): Authorisation {
  return {
    authorisationId: record.authorisationId,
    status: record.status,
    ...(record.declineReason ? { declineReason: record.declineReason } : {}),
    ...(record.authorisationCode ? { authorisationCode: record.authorisationCode } : {}),
    amount: toMajor(record.amountMinor, record.currency),
    currency: record.currency,
    reference: record.reference,
    maskedNumber: record.maskedNumber,
    brand: record.brand,
    capturedAmount: toMajor(record.capturedMinor, record.currency),
    refundedAmount: toMajor(record.refundedMinor, record.currency),
    createdAt: record.createdAt,
  };
}

export function createAuthorisationLedger(options: AuthorisationLedgerOptions): AuthorisationLedger {
  const now = options.now ?? (() => new Date());
  const limitMinor = Math.round(options.amountLimit * 100);
  const maxEntries = options.maxEntries ?? 100_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
  const records = createInsertionOrderedMap<string, LedgerEntry>();
  // Read by key only, never walked; an entry leaves with its authorisation.
  const authorisationKeys = new Map<string, { fingerprint: string; authorisationId: string }>();
  const refunds = createInsertionOrderedMap<string, { fingerprint: string; refund: Refund }>();

  function keep(entry: LedgerEntry, fingerprint: string): void {
    while (records.size >= maxEntries) {
      const oldest = records.shift();
      if (oldest) authorisationKeys.delete(oldest.idempotencyKey);
    }
    records.set(entry.authorisationId, entry);
    authorisationKeys.set(entry.idempotencyKey, { fingerprint, authorisationId: entry.authorisationId });
  }

  function find(authorisationId: string): LedgerEntry {
    const record = records.get(authorisationId);
    if (!record) throw new PaymentApiError('AUTHORISATION_NOT_FOUND', `No authorisation ${authorisationId}`, [{ message: 'unknown authorisation', path: '/authorisationId' }]);
    return record;
  }

  function wrongState(record: LedgerEntry, action: string): PaymentApiError {
    return new PaymentApiError('INVALID_STATE', `Authorisation ${record.authorisationId} is ${record.status} and cannot be ${action}`);
  }

  /** The decline reason, if any; a processing-error card throws so that nothing is recorded. */
  function decide(amountMinor: number, expiry: string, pan: string): DeclineReason | undefined {
    const outcome = options.testCards.outcomeOf(pan);
    if (outcome?.outcome === 'PROCESSING_ERROR') {
      throw new PaymentApiError('PROCESSING_ERROR', 'The card network did not complete the authorisation; nothing was charged, try again later');
    }
    if (expiry < now().toISOString().slice(0, 7)) return 'EXPIRED_CARD';
    if (outcome?.outcome === 'DECLINE') return outcome.declineReason;
    if (amountMinor > limitMinor) return 'AMOUNT_LIMIT_EXCEEDED';
    return undefined;
  }

  return {
    authorise(request) {
      const amountMinor = toMinor(request.amount, request.currency, '/amount');
      const fingerprint = JSON.stringify([request.token, amountMinor, request.currency, request.reference]);
      const earlier = authorisationKeys.get(request.idempotencyKey);
      if (earlier) {
        if (earlier.fingerprint !== fingerprint) {
          throw new PaymentApiError('IDEMPOTENCY_KEY_REUSED', 'The idempotency key was used for a different authorisation', [{ message: 'already used with other values', path: '/idempotencyKey' }]);
        }
        return { value: view(find(earlier.authorisationId)), replayed: true };
      }
      const card = options.vault.reveal(request.token);
      if (!card) throw new PaymentApiError('TOKEN_NOT_FOUND', 'The card token is unknown or has expired', [{ message: 'unknown token', path: '/token' }]);
      const declineReason = decide(amountMinor, card.expiry, card.pan);
      const record: LedgerEntry = {
        authorisationId: newId('auth'),
        idempotencyKey: request.idempotencyKey,
        status: declineReason ? 'DECLINED' : 'AUTHORISED',
        ...(declineReason ? { declineReason } : { authorisationCode: newAuthorisationCode() }),
        amountMinor,
        currency: request.currency,
        reference: request.reference,
        maskedNumber: card.maskedNumber,
        brand: card.brand,
        capturedMinor: 0,
        refundedMinor: 0,
        createdAt: now().toISOString(),
      };
      keep(record, fingerprint);
      options.vault.dropCvv(request.token);
      return { value: view(record), replayed: false };
    },

    get: (authorisationId) => view(find(authorisationId)),

    void(authorisationId) {
      const record = find(authorisationId);
      if (record.status === 'AUTHORISED') record.status = 'VOIDED';
      else if (record.status !== 'VOIDED') throw wrongState(record, 'voided');
      return view(record);
    },

    capture(authorisationId) {
      const record = find(authorisationId);
      if (record.status === 'AUTHORISED') {
        record.status = 'CAPTURED';
        record.capturedMinor = record.amountMinor;
      } else if (record.status !== 'CAPTURED' && record.status !== 'REFUNDED') {
        throw wrongState(record, 'captured');
      }
      return view(record);
    },

    refund(request) {
      // The currency is the authorisation's, known once it is found; the key compares the amount as sent.
      const fingerprint = JSON.stringify([request.authorisationId, request.amount]);
      if (request.idempotencyKey !== undefined) {
        const earlier = refunds.get(request.idempotencyKey);
        if (earlier) {
          if (earlier.fingerprint !== fingerprint) {
            throw new PaymentApiError('IDEMPOTENCY_KEY_REUSED', 'The idempotency key was used for a different refund', [{ message: 'already used with other values', path: '/idempotencyKey' }]);
          }
          return { value: earlier.refund, replayed: true };
        }
      }
      const record = find(request.authorisationId);
      if (record.status !== 'CAPTURED') throw wrongState(record, 'refunded');
      const amountMinor = toMinor(request.amount, record.currency, '/amount');
      const left = record.capturedMinor - record.refundedMinor;
      if (amountMinor > left) {
        throw new PaymentApiError('REFUND_EXCEEDS_CAPTURED', `At most ${formatMoney(toMajor(left, record.currency), record.currency)} ${record.currency} can still be refunded`, [{ message: 'over the captured amount not yet refunded', path: '/amount' }]);
      }
      record.refundedMinor += amountMinor;
      if (record.refundedMinor === record.capturedMinor) record.status = 'REFUNDED';
      const refund: Refund = {
        refundId: newId('rf'), authorisationId: record.authorisationId, amount: toMajor(amountMinor, record.currency), currency: record.currency, status: 'REFUNDED', createdAt: now().toISOString(),
      };
      if (request.idempotencyKey !== undefined) {
        while (refunds.size >= maxEntries) refunds.shift();
        refunds.set(request.idempotencyKey, { fingerprint, refund });
      }
      return { value: refund, replayed: false };
    },

    list: () => [...records.values()].map(view),

    get size() {
      return records.size;
    },
  };
}
