import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { detectFileMessage } from '../../src/tools/conformance/detect-file-message.ts';
import { NDC_VERSIONS } from '../../src/ndc/ndc-versions.ts';
import { FIXTURES_PATH, missingShared, SAMPLES_PATH, SCHEMA_PATH } from './paths.ts';

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
  if (missingShared([folder]).length > 0) return [];
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

/** A document to validate as the message its root element names. */
export interface DocumentCase {
  readonly version: string;
  readonly message: string;
  readonly file: string;
  /** e.g. `ndc-samples/21.3/AirShoppingRQ__….xml`, `fixtures/mapping/21.3/<case>/request.xml`. */
  readonly name: string;
  /** The message's own XSD in the shared package; it may not exist. */
  readonly xsd: string;
}

function listXmlFiles(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.xml'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

function toCase(file: string, name: string, version: string | undefined): DocumentCase {
  const detected = detectFileMessage(readFileSync(file), version === undefined ? {} : { version });
  if (!detected.ok) throw new Error(`${name}: ${detected.error.message}`);
  const { message, version: found } = detected.file;
  return { version: found, message, file, name, xsd: schemaFileOf(found, message) };
}

/**
 * Every shared sample of `versions` and every XML document under fixtures/ of those versions,
 * each as the message its root element names. A sample's version is its folder's; a fixture's is
 * its folder's under fixtures/mapping/<version>/, else what the document says (PayloadAttributes,
 * else 21.3).
 */
export function listDocumentCases(versions: readonly string[]): DocumentCase[] {
  const samples = versions.flatMap((version) =>
    listXmlFiles(join(SAMPLES_PATH, version)).map((file) => toCase(file, `ndc-samples/${relative(SAMPLES_PATH, file).split(sep).join('/')}`, version)));
  const fixtures = listXmlFiles(FIXTURES_PATH).map((file) => {
    const path = relative(FIXTURES_PATH, file).split(sep);
    const folderVersion = path[0] === 'mapping' && path[1] !== undefined && NDC_VERSIONS[path[1]] ? path[1] : undefined;
    return toCase(file, `fixtures/${path.join('/')}`, folderVersion);
  });
  return [...samples, ...fixtures].filter((c) => versions.includes(c.version));
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
