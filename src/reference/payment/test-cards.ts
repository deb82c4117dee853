import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { schemaErrorDetails } from '../../contracts/schema-folders.ts';
import { detectBrand, luhnValid, type CardBrand } from '../../security/card-data.ts';
import { loadPaymentSchemas } from '../../contracts/payment/payment-schemas.ts';
import type { DeclineReason } from '../../contracts/payment/payment-types.ts';

/** The repository's `fixtures/payment/test-cards.json`, found from this file. */
export const DEFAULT_TEST_CARDS_FILE = fileURLToPath(new URL('../../../fixtures/payment/test-cards.json', import.meta.url));

export type TestCardOutcome =
  | { readonly outcome: 'APPROVE' }
  | { readonly outcome: 'DECLINE'; readonly declineReason: DeclineReason }
  | { readonly outcome: 'PROCESSING_ERROR' };

export type TestCard = TestCardOutcome & { readonly number: string; readonly brand: CardBrand; readonly description: string };

/** Cards with a fixed outcome; any other Luhn-valid number is approved (up to the amount limit). */
export interface TestCards {
  readonly cards: readonly TestCard[];
  /** The outcome the card number was given, or undefined for an ordinary card. */
  outcomeOf(cardNumber: string): TestCardOutcome | undefined;
}

/** Thrown when the test-card file breaks its schema or lists a card that could never be entered. */
export class TestCardsError extends Error {
  override name = 'TestCardsError';
}

/**
 * Reads and checks the test-card file: its schema (schemas/payment/test-cards.json), then that
 * every number passes Luhn and names its brand, and that a decline reason comes with exactly the
 * declining cards. Cards are data, so adding one is an edit of the file, not of the service.
 */
export function loadTestCards(file: string = DEFAULT_TEST_CARDS_FILE): TestCards {
  const validate = loadPaymentSchemas().get('test-cards');
  if (!validate) throw new TestCardsError('No test-cards schema in schemas/payment/');
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new TestCardsError(`${file}: ${(error as Error).message}`);
  }
  if (!validate(data)) {
    throw new TestCardsError(`${file} breaks its schema: ${schemaErrorDetails(validate).map((d) => d.message).join('; ')}`);
  }
  const cards = (data as { cards: TestCard[] }).cards;
  const byNumber = new Map<string, TestCard>();
  cards.forEach((card, index) => {
    const where = `${file} /cards/${index}`;
    if (!luhnValid(card.number)) throw new TestCardsError(`${where}: the number fails the Luhn check`);
    if (detectBrand(card.number) !== card.brand) throw new TestCardsError(`${where}: the number is not a ${card.brand} number`);
    if ((card.outcome === 'DECLINE') !== ('declineReason' in card)) throw new TestCardsError(`${where}: a declineReason goes with outcome DECLINE, and only with it`);
    if (byNumber.has(card.number)) throw new TestCardsError(`${where}: the number is listed twice`);
    byNumber.set(card.number, Object.freeze({ ...card }));
  });
  return {
    cards: Object.freeze([...byNumber.values()]),
    outcomeOf(cardNumber) {
      const card = byNumber.get(cardNumber);
      if (!card) return undefined;
      return card.outcome === 'DECLINE' ? { outcome: 'DECLINE', declineReason: card.declineReason } : { outcome: card.outcome };
    },
  };
}
