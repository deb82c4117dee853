import { expect } from 'vitest';
import { currencyDecimals, decimalPlaces, isKnownCurrency, toMinorUnits } from '../../src/money/index.ts';
import { asList, text, type Doc } from './ndc-doc.ts';

/** An amount as written in an NDC document: its element, currency code and text. */
export interface WrittenAmount {
  readonly element: string;
  readonly currency: string;
  readonly text: string;
}

/**
 * Every amount of an NDC document, read from the XML text as written (so trailing zeros count):
 * an element with a currency attribute (`CurCode` in 21.3+, `Code` in 17.2) naming an ISO 4217
 * currency, and a decimal number as its content.
 */
export function writtenAmounts(xml: string): WrittenAmount[] {
  const found: WrittenAmount[] = [];
  const element = /<((?:[\w-]+:)?[\w-]+)\s[^>]*?\b(?:CurCode|Code)="([A-Z]{3})"[^>]*>\s*(-?\d+(?:\.\d+)?)\s*</g;
  for (const match of xml.matchAll(element)) {
    const [, name, currency, amount] = match;
    if (isKnownCurrency(currency!)) found.push({ element: name!, currency: currency!, text: amount! });
  }
  return found;
}

/** Asserts the document has amounts, all in `currency` and each with exactly its ISO 4217 decimals. */
export function expectAmountsInCurrency(xml: string, currency: string): WrittenAmount[] {
  const amounts = writtenAmounts(xml);
  expect(amounts.length, `amounts in ${xml.slice(0, 1500)}`).toBeGreaterThan(0);
  const decimals = currencyDecimals(currency);
  const wrong = amounts.filter((a) => a.currency !== currency || decimalPlaces(a.text) !== decimals);
  expect(wrong, `every amount in ${currency} with ${decimals} decimals`).toEqual([]);
  return amounts;
}

/** The amount text of a 17.2 or 21.3 amount element: plain, or inside SimpleCurrencyPrice / DetailCurrencyPrice. */
function amountText(node: unknown): string | undefined {
  if (node === undefined || node === null) return undefined;
  if (typeof node !== 'object') return String(node);
  const doc = node as Doc;
  if (doc['#text'] !== undefined) return String(doc['#text']);
  if (doc.SimpleCurrencyPrice !== undefined) return amountText(doc.SimpleCurrencyPrice);
  if (doc.DetailCurrencyPrice !== undefined) return amountText(doc.DetailCurrencyPrice.Total);
  return undefined;
}

const minor = (value: string | undefined, currency: string): number => toMinorUnits(Number(value ?? 0), currency);

/**
 * Walks a parsed NDC document and checks every price it finds: base + taxes = total (21.3
 * BaseAmount, TaxSummary/TotalTaxAmount, TotalAmount; 17.2 BaseAmount, Taxes/Total,
 * TotalAmount) and the tax breakdown adds up to the taxes, exactly in minor units of `currency`.
 * Returns how many prices were checked.
 */
export function expectPricesAddUp(document: Doc, currency: string): number {
  let checked = 0;
  const visit = (node: unknown, path: string): void => {
    if (Array.isArray(node)) {
      node.forEach((entry, i) => visit(entry, `${path}[${i}]`));
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const doc = node as Doc;
    // 21.3 TaxSummary repeats (one per summary); the gateway writes one.
    const summary = asList<Doc>(doc.TaxSummary)[0];
    const taxes = summary?.TotalTaxAmount ?? doc.Taxes?.Total;
    const breakdown = summary ? asList<Doc>(summary.Tax).map((t) => t.Amount) : asList<Doc>(doc.Taxes?.Breakdown?.Tax).map((t) => t.Amount);
    if (doc.BaseAmount !== undefined && doc.TotalAmount !== undefined) {
      const total = amountText(doc.TotalAmount);
      if (total !== undefined) {
        expect(minor(text(doc.BaseAmount), currency) + minor(amountText(taxes), currency), `base + taxes = total at ${path}`).toBe(minor(total, currency));
        checked += 1;
      }
    }
    if (taxes !== undefined && breakdown.length > 0) {
      expect(breakdown.reduce((sum: number, amount) => sum + minor(amountText(amount), currency), 0), `tax breakdown = taxes at ${path}`).toBe(minor(amountText(taxes), currency));
    }
    for (const [key, value] of Object.entries(doc)) if (!key.startsWith('@') && key !== '#text') visit(value, `${path}/${key}`);
  };
  visit(document, '');
  return checked;
}

/**
 * Checks the amounts of a JSON answer (REST API): every object with a `currency` has its amount
 * fields (`base`, `taxes`, `total`, `amount`, `amountDue`, …) with no more than that currency's
 * decimals, and base + taxes = total where all three are given. Returns how many amounts were seen.
 */
export function expectJsonAmounts(value: unknown, currency: string): number {
  let seen = 0;
  const decimals = currencyDecimals(currency);
  const visit = (node: unknown, path: string, inherited: string | undefined): void => {
    if (Array.isArray(node)) {
      node.forEach((entry, i) => visit(entry, `${path}/${i}`, inherited));
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const doc = node as Record<string, unknown>;
    const own = typeof doc.currency === 'string' ? doc.currency : inherited;
    if (typeof doc.currency === 'string') expect(doc.currency, `currency at ${path}`).toBe(currency);
    for (const [key, entry] of Object.entries(doc)) {
      if (typeof entry === 'number' && own !== undefined && /^(base|taxes|total|amount|amountDue|penalty|refundAmount|previousTotal|currentTotal|difference)$/.test(key)) {
        expect(decimalPlaces(entry), `${path}/${key} = ${entry} has at most ${decimals} decimals`).toBeLessThanOrEqual(decimals);
        seen += 1;
      }
    }
    if (typeof doc.base === 'number' && typeof doc.taxes === 'number' && typeof doc.total === 'number') {
      expect(toMinorUnits(doc.base, currency) + toMinorUnits(doc.taxes, currency), `base + taxes = total at ${path}`).toBe(toMinorUnits(doc.total, currency));
    }
    for (const [key, entry] of Object.entries(doc)) visit(entry, `${path}/${key}`, own);
  };
  visit(value, '', undefined);
  return seen;
}
