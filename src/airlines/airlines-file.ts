import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { ConfigError } from '../config/config-error.ts';
import { formatLoadIssue, type MappingLoadIssue } from '../mapping/mapping-error.ts';
import { parseSource, validateSource, type ParsedSource, type SourcePointer } from '../mapping/mapping-source.ts';
import type { AirlineEntry, AirlineNdcVersion } from './airline-connector.ts';

/** AIRLINES_FILE once read: the airlines of the aggregator and how their offers are merged. */
export interface AirlinesSetup {
  /** The file, as AIRLINES_FILE names it (resolved). */
  readonly file: string;
  /** In the order of the file; designators are unique. */
  readonly airlines: readonly AirlineEntry[];
  readonly fanOut: {
    /** Offers kept of a fan-out when the command names no `maxOffers`. @defaultValue 200 */
    readonly maxOffers: number;
  };
  /**
   * `{ env: NAME }` values whose variable is not set, as `file:line:column: …`. Such a header is
   * not sent and such a settlement is left out; the production profile refuses to start with any.
   */
  readonly missingSecrets: readonly string[];
}

/** An AIRLINES_FILE that cannot be used: every problem as `file:line:column: message`, never a secret's value. */
export class AirlinesFileError extends ConfigError {
  override name = 'AirlinesFileError';
  readonly issues: readonly MappingLoadIssue[];

  constructor(issues: readonly MappingLoadIssue[]) {
    super(`AIRLINES_FILE is invalid:\n${issues.map(formatLoadIssue).join('\n')}`);
    this.issues = issues;
  }
}

/** Text, or `{ env: NAME }`: read from the environment at start-up (keeps secrets out of the file). */
const secretOrText = {
  oneOf: [
    { type: 'string', minLength: 1 },
    { type: 'object', additionalProperties: false, required: ['env'], properties: { env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } } },
  ],
} as const;

const iata = { type: 'string', pattern: '^[A-Z]{3}$' } as const;

/** JSON Schema of AIRLINES_FILE. */
export const AIRLINES_FILE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['airlines'],
  properties: {
    airlines: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['designator', 'name', 'kind'],
        properties: {
          designator: { type: 'string', pattern: '^[A-Z0-9]{2}$' },
          name: { type: 'string', minLength: 1, maxLength: 200 },
          kind: { enum: ['reference', 'ndc'] },
          url: { type: 'string', pattern: '^https?://' },
          version: { enum: ['17.2', '21.3', '24.4', '26.1'] },
          soap: { enum: ['1.1', '1.2'] },
          headers: { type: 'object', propertyNames: { pattern: '^[A-Za-z0-9-]{1,100}$' }, additionalProperties: secretOrText },
          serves: {
            type: 'object',
            additionalProperties: false,
            properties: {
              airports: { type: 'array', uniqueItems: true, items: iata },
              routes: { type: 'array', uniqueItems: true, items: { type: 'string', pattern: '^[A-Z]{3}-[A-Z]{3}$' } },
            },
          },
          timeoutMs: { type: 'integer', minimum: 10, maximum: 120_000 },
          retries: { type: 'integer', minimum: 0, maximum: 10 },
          connections: { type: 'integer', minimum: 1, maximum: 1024 },
          breaker: {
            type: 'object',
            additionalProperties: false,
            properties: {
              volumeThreshold: { type: 'integer', minimum: 1 },
              errorThresholdPercentage: { type: 'integer', minimum: 1, maximum: 100 },
              resetTimeoutMs: { type: 'integer', minimum: 10 },
              rollingWindowMs: { type: 'integer', minimum: 100 },
            },
          },
          agency: {
            type: 'object',
            additionalProperties: false,
            required: ['id'],
            properties: { id: { type: 'string', minLength: 1, maxLength: 64 }, name: { type: 'string', minLength: 1, maxLength: 200 } },
          },
          settlement: {
            type: 'object',
            additionalProperties: false,
            required: ['cardNumber', 'expiry', 'holderName'],
            properties: { cardNumber: secretOrText, expiry: secretOrText, holderName: secretOrText, cvv: secretOrText, brand: { type: 'string', minLength: 1, maxLength: 20 } },
          },
        },
        if: { properties: { kind: { const: 'ndc' } } },
        then: { required: ['url', 'version'] },
        else: { not: { anyOf: [{ required: ['version'] }, { required: ['soap'] }, { required: ['agency'] }, { required: ['settlement'] }] } },
      },
    },
    fanOut: {
      type: 'object',
      additionalProperties: false,
      properties: { maxOffers: { type: 'integer', minimum: 1, maximum: 1000 } },
    },
  },
} as const;

const validate = new Ajv({ allErrors: true, strict: false }).compile(AIRLINES_FILE_SCHEMA);

type Secret = string | { env: string };

interface RawAirline {
  designator: string;
  name: string;
  kind: 'reference' | 'ndc';
  url?: string;
  version?: AirlineNdcVersion;
  soap?: '1.1' | '1.2';
  headers?: Record<string, Secret>;
  serves?: { airports?: string[]; routes?: string[] };
  timeoutMs?: number;
  retries?: number;
  connections?: number;
  breaker?: AirlineEntry['breaker'];
  agency?: { id: string; name?: string };
  settlement?: { cardNumber: Secret; expiry: Secret; holderName: Secret; cvv?: Secret; brand?: string };
}

interface RawFile {
  airlines: RawAirline[];
  fanOut?: { maxOffers?: number };
}

export interface AirlinesFileOptions {
  /** Where `{ env: NAME }` values are read from (the configuration module passes process.env). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Retries of an airline that names none (DOWNSTREAM_RETRIES). @defaultValue 2 */
  readonly defaultRetries?: number;
}

/** The schema's `else` branch says "not …"; say which field a reference airline may not have. */
function explainReferenceOnlyIssues(source: ParsedSource, raw: RawFile): MappingLoadIssue[] {
  const issues: MappingLoadIssue[] = [];
  raw.airlines?.forEach((airline, index) => {
    if (airline?.kind !== 'reference') return;
    for (const field of ['version', 'soap', 'agency', 'settlement'] as const) {
      if (airline[field] !== undefined) issues.push(source.issue(['airlines', index, field], `'${field}' is for ndc airlines only`, { key: true }));
    }
  });
  return issues;
}

/**
 * Parses AIRLINES_FILE text (YAML or JSON), checks it against its JSON Schema and the rules a
 * schema cannot say (unique designators), reads its `{ env: NAME }` secrets and fills in defaults.
 * @throws AirlinesFileError naming file, line and column of every problem
 */
export function parseAirlinesFile(text: string, file: string, options: AirlinesFileOptions): AirlinesSetup {
  const source = parseSource(text, file);
  if (source.issues.length > 0) throw new AirlinesFileError(source.issues);
  const schemaIssues = validateSource(source, validate).filter((issue) => !/must NOT be valid|must match "(then|else)" schema/.test(issue.message));
  const raw = source.value as RawFile;
  if (schemaIssues.length > 0 || !validate(raw)) {
    const issues = [...schemaIssues, ...(schemaIssues.length > 0 ? [] : explainReferenceOnlyIssues(source, raw))];
    throw new AirlinesFileError(issues.length > 0 ? issues : [{ file, message: 'does not match the AIRLINES_FILE schema' }]);
  }
  const seen = new Map<string, number>();
  const duplicates: MappingLoadIssue[] = [];
  raw.airlines.forEach((airline, index) => {
    const first = seen.get(airline.designator);
    if (first === undefined) seen.set(airline.designator, index);
    else duplicates.push(source.issue(['airlines', index, 'designator'], `designator ${airline.designator} is already the one of airlines[${first}]`));
  });
  const embedded = raw.airlines.flatMap((airline, index) => (airline.kind === 'reference' && !airline.url ? [index] : []));
  for (const index of embedded.slice(1)) {
    duplicates.push(source.issue(['airlines', index], `only one reference airline may leave out url (the built-in reference airline, which airlines[${embedded[0]}] already is)`));
  }
  if (duplicates.length > 0) throw new AirlinesFileError(duplicates);

  const missingSecrets: string[] = [];
  const read = (value: Secret, pointer: SourcePointer): string | undefined => {
    if (typeof value === 'string') return value;
    const found = options.env[value.env];
    if (found !== undefined && found !== '') return found;
    missingSecrets.push(formatLoadIssue(source.issue(pointer, `the environment variable ${value.env} is not set`)));
    return undefined;
  };

  const airlines = raw.airlines.map((airline, index): AirlineEntry => {
    const at = (...rest: (string | number)[]): SourcePointer => ['airlines', index, ...rest];
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(airline.headers ?? {})) {
      const text = read(value, at('headers', name));
      if (text !== undefined) headers[name] = text;
    }
    let settlement: AirlineEntry['settlement'];
    if (airline.settlement) {
      const s = airline.settlement;
      const cardNumber = read(s.cardNumber, at('settlement', 'cardNumber'));
      const expiry = read(s.expiry, at('settlement', 'expiry'));
      const holderName = read(s.holderName, at('settlement', 'holderName'));
      const cvv = s.cvv === undefined ? undefined : read(s.cvv, at('settlement', 'cvv'));
      if (cardNumber !== undefined && expiry !== undefined && holderName !== undefined) {
        settlement = { cardNumber, expiry, holderName, ...(cvv !== undefined ? { cvv } : {}), ...(s.brand ? { brand: s.brand } : {}) };
      }
    }
    return Object.freeze({
      designator: airline.designator,
      name: airline.name,
      kind: airline.kind,
      ...(airline.url ? { url: airline.url.replace(/\/+$/, '') } : {}),
      ...(airline.version ? { version: airline.version } : {}),
      ...(airline.soap ? { soap: airline.soap } : {}),
      headers: Object.freeze(headers),
      serves: Object.freeze({ airports: Object.freeze([...(airline.serves?.airports ?? [])]), routes: Object.freeze([...(airline.serves?.routes ?? [])]) }),
      timeoutMs: airline.timeoutMs ?? 5000,
      retries: airline.retries ?? options.defaultRetries ?? 2,
      connections: airline.connections ?? 16,
      ...(airline.breaker ? { breaker: { ...airline.breaker } } : {}),
      ...(airline.agency ? { agency: { ...airline.agency } } : {}),
      ...(settlement ? { settlement: Object.freeze(settlement) } : {}),
    });
  });
  return Object.freeze({
    file,
    airlines: Object.freeze(airlines),
    fanOut: Object.freeze({ maxOffers: raw.fanOut?.maxOffers ?? 200 }),
    missingSecrets: Object.freeze(missingSecrets),
  });
}

/** Reads AIRLINES_FILE. @throws AirlinesFileError */
export function loadAirlinesFile(file: string, options: AirlinesFileOptions): AirlinesSetup {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new AirlinesFileError([{ file, message: `cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }]);
  }
  return parseAirlinesFile(text, file, options);
}

/** Whether the airline flies every origin and destination of the journeys (`serves` absent or empty: everything). */
export function servesJourneys(entry: Pick<AirlineEntry, 'serves'>, journeys: readonly { readonly origin: string; readonly destination: string }[]): boolean {
  const { airports, routes } = entry.serves;
  if (airports.length === 0 && routes.length === 0) return true;
  return journeys.every(({ origin, destination }) => (airports.includes(origin) && airports.includes(destination))
    || routes.includes(`${origin}-${destination}`) || routes.includes(`${destination}-${origin}`));
}
