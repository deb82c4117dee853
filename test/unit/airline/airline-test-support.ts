import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadAirlineContract, type AirlineContract, type Price } from '../../../src/contracts/airline/index.ts';
import { GatewayError } from '../../../src/errors/index.ts';
import { SAMPLES_PATH } from '../../support/paths.ts';
import { toMinorUnits } from '../../../src/money/index.ts';

/** A fixed "today" so dates in tests mean the same thing on every run. */
export const TODAY = new Date('2026-12-01T09:00:00Z');

/** `days` after TODAY as YYYY-MM-DD. */
export function dayAfterToday(days: number): string {
  return new Date(TODAY.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

/** The code of the GatewayError that `fn` throws, or 'none' when it throws nothing. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof GatewayError) return error.code;
    throw error;
  }
  return 'none';
}

let contract: AirlineContract | undefined;

/** Asserts that a result validates against its result schema in the airline contract (ajv strict mode), showing the errors if not. */
export function expectValidResult(command: string, result: unknown): void {
  contract ??= loadAirlineContract();
  const validate = contract.result(command);
  expect(validate, `schema for ${command}.result`).toBeDefined();
  const ok = validate?.(result);
  expect(validate?.errors ?? [], `${command} result against its schema`).toEqual([]);
  expect(ok).toBe(true);
}

/** base + taxes = total and taxes = sum of the breakdown, to the cent. */
export function expectConsistentPrice(price: Price): void {
  // Whole minor units of the price's currency: cents would hide a wrong third decimal of KWD.
  const minor = (n: number): number => toMinorUnits(n, price.currency);
  expect(minor(price.base) + minor(price.taxes)).toBe(minor(price.total));
  expect(price.taxBreakdown.reduce((sum, t) => sum + minor(t.amount), 0)).toBe(minor(price.taxes));
}

const LOCATION_ELEMENT = /<(?:[\w-]+:)?(IATA_LocationCode|AirportCode|CityCode|LocationCode|OriginCode|DestCode)>\s*([A-Z]{3})\s*</g;

/** Every airport or city code in the request samples (files `*RQ__*` of every version folder). */
export function sampleLocationCodes(): string[] {
  const codes = new Set<string>();
  for (const version of readdirSync(SAMPLES_PATH)) {
    let files: string[];
    try {
      files = readdirSync(join(SAMPLES_PATH, version));
    } catch {
      continue;
    }
    for (const file of files.filter((f) => f.includes('RQ__'))) {
      const xml = readFileSync(join(SAMPLES_PATH, version, file), 'utf8');
      for (const match of xml.matchAll(LOCATION_ELEMENT)) codes.add(match[2] as string);
    }
  }
  return [...codes].sort();
}
