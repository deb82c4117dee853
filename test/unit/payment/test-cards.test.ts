import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, it, expect } from 'vitest';
import { loadPaymentSchemas, loadTestCards, TestCardsError } from '../../../src/reference/payment/index.ts';
import { detectBrand, luhnValid } from '../../../src/security/card-data.ts';

const cards = loadTestCards();
const folder = mkdtempSync(join(tmpdir(), 'test-cards-'));

afterAll(() => rmSync(folder, { recursive: true, force: true }));

function fileWith(data: unknown): string {
  const file = join(folder, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(data));
  return file;
}

describe('test cards', () => {
  it('lists the documented cards with their outcomes', () => {
    expect(cards.outcomeOf('4111111111111111')).toEqual({ outcome: 'APPROVE' });
    expect(cards.outcomeOf('5555555555554444')).toEqual({ outcome: 'APPROVE' });
    expect(cards.outcomeOf('4000000000000002')).toEqual({ outcome: 'DECLINE', declineReason: 'CARD_DECLINED' });
    expect(cards.outcomeOf('4000000000009995')).toEqual({ outcome: 'DECLINE', declineReason: 'INSUFFICIENT_FUNDS' });
    expect(cards.outcomeOf('4000000000000119')).toEqual({ outcome: 'PROCESSING_ERROR' });
    expect(cards.outcomeOf('6011111111111117')).toBeUndefined();
  });

  it('holds only numbers that pass Luhn and name their brand', () => {
    for (const card of cards.cards) {
      expect(luhnValid(card.number), card.number).toBe(true);
      expect(detectBrand(card.number), card.number).toBe(card.brand);
    }
  });

  it('matches the table in docs/payments.md, card for card', () => {
    const doc = readFileSync(resolve(import.meta.dirname, '../../../docs/payments.md'), 'utf8');
    const section = doc.slice(doc.indexOf('### Test cards'), doc.indexOf('## The payment client'));
    const rows = [...section.matchAll(/^\| `(\d{13,19})` \| (\w+) \| (.+) \|$/gm)].map((m) => ({ number: m[1], brand: m[2], text: m[3] ?? '' }));
    expect(rows.map((r) => r.number)).toEqual(cards.cards.map((c) => c.number));
    for (const card of cards.cards) {
      const row = rows.find((r) => r.number === card.number);
      expect(row?.brand, card.number).toBe(card.brand);
      const expected = card.outcome === 'APPROVE' ? /^approved/ : card.outcome === 'DECLINE' ? new RegExp(`^declined, \`${card.declineReason}\``) : /^processing error/;
      expect(row?.text, card.number).toMatch(expected);
    }
  });

  it('compiles every payment API schema in ajv strict mode', () => {
    const schemas = loadPaymentSchemas();
    for (const name of ['token.create', 'token', 'authorisation.create', 'authorisation', 'refund.create', 'refund', 'test-cards']) {
      expect(schemas.get(name), name).toBeDefined();
    }
  });

  it('refuses a file that breaks its schema', () => {
    expect(() => loadTestCards(fileWith({ cards: [{ number: '4111111111111111', brand: 'VISA', outcome: 'MAYBE', description: 'x' }] }))).toThrow(TestCardsError);
    expect(() => loadTestCards(fileWith({ cards: [] }))).toThrow(/breaks its schema/);
  });

  it('refuses cards that could never be entered or that contradict themselves', () => {
    expect(() => loadTestCards(fileWith({ cards: [{ number: '4111111111111112', brand: 'VISA', outcome: 'APPROVE', description: 'x' }] }))).toThrow(/Luhn/);
    expect(() => loadTestCards(fileWith({ cards: [{ number: '4111111111111111', brand: 'AMEX', outcome: 'APPROVE', description: 'x' }] }))).toThrow(/not a AMEX number/);
    expect(() => loadTestCards(fileWith({ cards: [{ number: '4111111111111111', brand: 'VISA', outcome: 'DECLINE', description: 'x' }] }))).toThrow(/declineReason/);
    expect(() => loadTestCards(fileWith({ cards: [{ number: '4111111111111111', brand: 'VISA', outcome: 'APPROVE', declineReason: 'CARD_DECLINED', description: 'x' }] }))).toThrow(/declineReason/);
    const twice = { number: '4111111111111111', brand: 'VISA', outcome: 'APPROVE', description: 'x' };
    expect(() => loadTestCards(fileWith({ cards: [twice, twice] }))).toThrow(/twice/);
  });
});
