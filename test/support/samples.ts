import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { NDC_VERSIONS } from '../../src/ndc/ndc-versions.ts';
import { SAMPLES_PATH, SCHEMA_PATH } from './paths.ts';

export interface Sample {
  readonly version: string;
  /** e.g. `AirShoppingRQ`, from the file name prefix before `__`. */
  readonly message: string;
  readonly file: string;
  readonly name: string;
  /** The message XSD in the shared schema package, when the package has one. */
  readonly xsd: string | undefined;
}

/** Samples of one version, optionally only of some messages. */
export function listSamples(version: string, messages?: readonly string[]): Sample[] {
  const folder = join(SAMPLES_PATH, version);
  if (!existsSync(folder)) return [];
  const info = NDC_VERSIONS[version];
  return readdirSync(folder)
    .filter((name) => name.endsWith('.xml'))
    .sort()
    .map((name) => {
      const message = name.split('__')[0]!;
      const xsd = info ? join(SCHEMA_PATH, version, info.schemaFile(info.rootName(message))) : undefined;
      return { version, message, name, file: join(folder, name), xsd: xsd && existsSync(xsd) ? xsd : undefined };
    })
    .filter((sample) => !messages || messages.includes(sample.message));
}

/** XSD of a message in a version's package. */
export function schemaFileOf(version: string, message: string): string {
  const info = NDC_VERSIONS[version]!;
  return join(SCHEMA_PATH, version, info.schemaFile(info.rootName(message)));
}

/**
 * Moves every date in a document so that the earliest lands `daysAhead` days from today,
 * keeping the gaps between dates (outbound/return) as they were.
 */
export function moveDatesIntoFuture(xml: string, daysAhead = 30, today = new Date()): string {
  const dates = [...xml.matchAll(/>(\d{4}-\d{2}-\d{2})(?=[<T])/g)].map((m) => m[1]!);
  if (dates.length === 0) return xml;
  const earliest = dates.map((d) => Date.parse(`${d}T00:00:00Z`)).reduce((a, b) => Math.min(a, b));
  const base = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) + daysAhead * 86_400_000;
  const shift = base - earliest;
  return xml.replace(/>(\d{4}-\d{2}-\d{2})(?=[<T])/g, (_all, d: string) => `>${new Date(Date.parse(`${d}T00:00:00Z`) + shift).toISOString().slice(0, 10)}`);
}
