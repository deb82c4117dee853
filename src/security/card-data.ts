import type { Logger } from '../log/logger.ts';

/**
 * Card data helpers. A primary account number (PAN) or a card security code (CVV) must never
 * reach a log, a queue or a table in clear: the gateway tokenises cards at the payment service,
 * keeps the masked number, and runs everything else through {@link redactCardData}.
 */

/** Card schemes the gateway recognises. */
export type CardBrand = 'VISA' | 'MASTERCARD' | 'AMEX' | 'DISCOVER' | 'DINERS' | 'JCB' | 'UATP' | 'UNIONPAY' | 'MAESTRO' | 'MIR';

/** IATA two-letter card codes, as NDC `PaymentCard/CardBrandCode` carries them. */
export const CARD_BRAND_CODES: Readonly<Record<CardBrand, string>> = Object.freeze({
  VISA: 'VI', MASTERCARD: 'CA', AMEX: 'AX', DISCOVER: 'DS', DINERS: 'DC', JCB: 'JC', UATP: 'TP', UNIONPAY: 'UP', MAESTRO: 'MA', MIR: 'MR',
});

/** What a masked CVV becomes. */
export const CVV_MASK = '***';

/** `last4`: `************1111`; `first6last4`: `411111XXXXXX1111`, the most PCI DSS allows to be shown. */
export type MaskStyle = 'last4' | 'first6last4';

interface BrandRule {
  readonly brand: CardBrand;
  /** Inclusive ranges of leading digits, compared on the length of their bounds. */
  readonly prefixes: readonly (readonly [string, string])[];
  readonly lengths: readonly number[];
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Most specific ranges first: a Discover range lies inside UnionPay's 62, and Maestro's inside Mastercard-free space. */
const BRAND_RULES: readonly BrandRule[] = [
  { brand: 'AMEX', prefixes: [['34', '34'], ['37', '37']], lengths: [15] },
  { brand: 'UATP', prefixes: [['1', '1']], lengths: [15] },
  { brand: 'MIR', prefixes: [['2200', '2204']], lengths: range(16, 19) },
  { brand: 'MASTERCARD', prefixes: [['51', '55'], ['2221', '2720']], lengths: [16] },
  { brand: 'DISCOVER', prefixes: [['6011', '6011'], ['644', '649'], ['65', '65'], ['622126', '622925']], lengths: range(16, 19) },
  { brand: 'UNIONPAY', prefixes: [['62', '62']], lengths: range(16, 19) },
  { brand: 'JCB', prefixes: [['3528', '3589']], lengths: range(16, 19) },
  { brand: 'DINERS', prefixes: [['300', '305'], ['36', '36'], ['38', '39']], lengths: range(14, 19) },
  { brand: 'MAESTRO', prefixes: [['5018', '5018'], ['5020', '5020'], ['5038', '5038'], ['5893', '5893'], ['6304', '6304'], ['6759', '6759'], ['6761', '6763']], lengths: range(12, 19) },
  { brand: 'VISA', prefixes: [['4', '4']], lengths: [13, 16, 19] },
];

function matchesPrefix(digits: string, rule: BrandRule): boolean {
  return rule.prefixes.some(([from, to]) => {
    const head = digits.slice(0, from.length);
    return head.length === from.length && head >= from && head <= to;
  });
}

/** Digits of a card number typed with spaces or hyphens, or undefined when it holds anything else. */
export function normaliseCardNumber(value: string): string | undefined {
  const digits = value.replace(/[ -]/g, '');
  return /^\d+$/.test(digits) ? digits : undefined;
}

/** The Luhn (mod 10) check every payment card number carries in its last digit. */
export function luhnValid(digits: string): boolean {
  if (!/^\d{2,}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * The scheme of a card number from its leading digits (IIN), or undefined when no known scheme
 * claims them. The length is not checked here, so a number typed short still names its brand.
 */
export function detectBrand(cardNumber: string): CardBrand | undefined {
  const digits = normaliseCardNumber(cardNumber);
  if (digits === undefined) return undefined;
  return BRAND_RULES.find((rule) => matchesPrefix(digits, rule))?.brand;
}

/**
 * Whether a value is a card number: 13–19 digits (spaces and hyphens allowed), Luhn-valid, and
 * leading digits and length that a known scheme issues. The scheme check keeps 13-digit airline
 * ticket numbers and millisecond timestamps, which pass Luhn one time in ten, from being taken
 * for cards.
 */
export function looksLikeCardNumber(value: string): boolean {
  const digits = normaliseCardNumber(value);
  if (digits === undefined || digits.length < 13 || digits.length > 19 || !luhnValid(digits)) return false;
  const rule = BRAND_RULES.find((r) => matchesPrefix(digits, r));
  return rule !== undefined && rule.lengths.includes(digits.length);
}

/**
 * Masks a card number so only what PCI DSS allows is shown. Short numbers are masked whole:
 * showing four digits of seven reveals too much.
 */
export function maskCardNumber(cardNumber: string, style: MaskStyle = 'last4'): string {
  const digits = cardNumber.replace(/\D/g, '');
  if (digits.length < 8) return '*'.repeat(digits.length);
  if (style === 'first6last4' && digits.length >= 13) {
    return `${digits.slice(0, 6)}${'X'.repeat(digits.length - 10)}${digits.slice(-4)}`;
  }
  return `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
}

const normaliseKey = (key: string): string => key.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Field names that hold a PAN: their digits are masked even when they fail Luhn (a mistyped card is still a card). */
const PAN_KEYS = new Set(['pan', 'primaryaccountnumber', 'cardno', 'cardnum', 'ccnumber']);

/** Field names that hold a card security code; NDC calls it `SeriesCode`. */
const CVV_KEYS = new Set(['csc', 'cvn', 'seriescode', 'cardverificationvalue', 'cardverificationcode']);

const isPanKey = (name: string): boolean => PAN_KEYS.has(name) || name.endsWith('cardnumber');
const isCvvKey = (name: string): boolean => CVV_KEYS.has(name) || /(cvv|cvc)2?$/.test(name) || name.endsWith('securitycode');

/** Runs of digit groups joined by one space or hyphen, e.g. `4111 1111 1111 1111`. */
// A number stands apart from letters: digits inside identifiers (UUIDs, booking codes) are not card numbers.
const DIGIT_RUN = /(?<![0-9A-Za-z])\d+(?:[ -]\d+)*(?![0-9A-Za-z])/g;

/** A CVV written after its label in JSON, query strings, key=value text or XML (`<SeriesCode>123<`). */
const LABELLED_CVV = /(cvv2?|cvc2?|csc|card[_ -]?security[_ -]?code|security[_ -]?code|series[_ -]?code)(\\?["']?\s*[:=>]\s*\\?["']?)(\d{3,4})(?!\d)/gi;

/**
 * Whether digit groups are laid out as a card number is written: one unbroken run, groups of four
 * (the last may be shorter), or Amex/Diners 4-6-5 / 4-6-4. Other groupings of the same digits
 * (UUIDs 8-4-4-4-12, phone numbers, dates) are not card numbers even when their digits pass Luhn.
 */
function isCardGrouping(groups: readonly string[]): boolean {
  if (groups.length === 1) return true;
  const lengths = groups.map((g) => g.length);
  const shape = lengths.join('-');
  if (shape === '4-6-5' || shape === '4-6-4') return true;
  const last = lengths[lengths.length - 1] ?? 0;
  return lengths.slice(0, -1).every((length) => length === 4) && last >= 1 && last <= 4;
}

/** Masks the card numbers inside one run of digit groups, trying every window of whole groups. */
function maskRun(run: string): string {
  const groups = run.split(/([ -])/);
  // groups alternates digits, separator, digits, ...
  const numbers = groups.filter((_, i) => i % 2 === 0);
  const masked = new Set<number>();
  const replacement = new Map<number, string>();
  for (let start = 0; start < numbers.length; start += 1) {
    if (masked.has(start)) continue;
    let digits = '';
    let found: number | undefined;
    for (let end = start; end < numbers.length && digits.length + (numbers[end]?.length ?? 0) <= 19; end += 1) {
      digits += numbers[end] ?? '';
      if (digits.length >= 13 && isCardGrouping(numbers.slice(start, end + 1)) && looksLikeCardNumber(digits)) found = end;
    }
    if (found === undefined) continue;
    const pan = numbers.slice(start, found + 1).join('');
    replacement.set(start, maskCardNumber(pan));
    for (let i = start; i <= found; i += 1) masked.add(i);
    start = found;
  }
  if (masked.size === 0) return run;
  let out = '';
  for (let i = 0; i < numbers.length; i += 1) {
    const text = replacement.get(i);
    if (text !== undefined) out += text;
    else if (!masked.has(i)) out += numbers[i] ?? '';
    const next = i + 1;
    // Keep the separator unless both sides belong to the same masked card number.
    if (next < numbers.length && !(masked.has(i) && masked.has(next) && !replacement.has(next))) out += groups[i * 2 + 1] ?? '';
  }
  return out;
}

/** Masks card numbers and labelled CVVs inside free text: log messages, raw bodies, error messages. */
export function redactText(text: string): string {
  if (!/\d/.test(text)) return text;
  return text.replace(DIGIT_RUN, (run) => (run.replace(/\D/g, '').length >= 13 ? maskRun(run) : run))
    .replace(LABELLED_CVV, (_match, label: string, separator: string) => `${label}${separator}${CVV_MASK}`);
}

function redactPanField(value: unknown): unknown {
  if (typeof value === 'number' && Number.isFinite(value)) return maskCardNumber(String(value));
  if (typeof value === 'string') {
    const digits = normaliseCardNumber(value);
    if (digits !== undefined && digits.length >= 8) return maskCardNumber(digits);
  }
  return undefined;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function walk(value: unknown, seen: WeakMap<object, unknown>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 1e12 && looksLikeCardNumber(String(value)) ? maskCardNumber(String(value)) : value;
  if (typeof value === 'bigint') return looksLikeCardNumber(value.toString()) ? maskCardNumber(value.toString()) : value;
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return seen.get(value);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(walk(item, seen));
    return out;
  }
  if (value instanceof Error) {
    // Keep the prototype so loggers still see an error (type, stack) after the copy.
    const copy = Object.create(Object.getPrototypeOf(value) as object) as Record<string, unknown>;
    seen.set(value, copy);
    copy.message = redactText(value.message);
    if (value.stack !== undefined) copy.stack = redactText(value.stack);
    if (value.cause !== undefined) copy.cause = walk(value.cause, seen);
    copyFields(value as unknown as Record<string, unknown>, copy, seen);
    return copy;
  }
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  copyFields(value as Record<string, unknown>, out, seen);
  return out;
}

function copyFields(from: Record<string, unknown>, to: Record<string, unknown>, seen: WeakMap<object, unknown>): void {
  for (const [key, item] of Object.entries(from)) {
    const name = normaliseKey(key);
    const safeKey = redactText(key);
    if (isCvvKey(name) && (typeof item === 'string' || typeof item === 'number') && item !== '') {
      to[safeKey] = CVV_MASK;
      continue;
    }
    if (isPanKey(name)) {
      const masked = redactPanField(item);
      if (masked !== undefined) {
        to[safeKey] = masked;
        continue;
      }
    }
    to[safeKey] = walk(item, seen);
  }
}

/**
 * A copy of a JSON-like value with card data masked, for anything about to reach a queue, a log
 * or a table: card numbers anywhere (whole values, numbers, or inside text) become
 * `************1111`, fields named like a PAN are masked even when they fail Luhn, and fields
 * named like a CVV become `***`. Errors are copied with their prototype so loggers still see an
 * error. The input is not changed. A number holding a PAN comes back as its masked string, so the
 * result's type is only as exact as the input was free of card data.
 */
export function redactCardData<T>(value: T): T {
  return walk(value, new WeakMap()) as T;
}

/**
 * A child logger that masks card data in every object it logs, as a guard behind the rule that
 * code logs only masked data. Messages are not rewritten: keep them constant and put values in
 * the object.
 */
export function withCardDataRedaction(logger: Logger, bindings: Record<string, unknown> = {}): Logger {
  return logger.child(redactCardData(bindings), { formatters: { log: (object: object) => redactCardData(object) } });
}
