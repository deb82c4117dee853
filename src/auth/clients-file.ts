import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ClientLimits } from './api-client.ts';
import { NOTICE_TYPES } from '../orders/order-notices.ts';
import { digestOfEntry, isApiKeyHash } from './api-key.ts';

/** One client as CLIENTS_FILE declares it. */
export interface ClientEntry {
  readonly id: string;
  readonly name: string;
  /** SHA-256 hex digests of the keys (preferred) or the keys themselves (at least 16 characters). */
  readonly apiKeys: readonly string[];
  /** NDC message names such as `AirShoppingRQ`, or `*` for every message. */
  readonly messages: readonly string[];
  /** May reload mappings and call the other operator routes; `messages: ["*"]` does not imply it. @defaultValue false */
  readonly admin?: boolean;
  /** May read health details and metrics. @defaultValue false */
  readonly monitoring?: boolean;
  /** May read every client's journey analytics and start and stop experiments. @defaultValue false */
  readonly analytics?: boolean;
  /** Requests per second and in flight at once; answered 429 beyond them. @defaultValue no limits */
  readonly limits?: ClientLimits;
  /**
   * The airlines (designators) this client speaks for when it sends airline events (changes to
   * flights); set, an event of any other airline is refused. @defaultValue any airline
   */
  readonly airlines?: readonly string[];
  /** Where the client wants to hear of its orders (see docs/notifications.md). @defaultValue no notifications */
  readonly notifications?: NotificationsEntry;
  /** What business rules do to the client's requests (see REQUEST_RULES). @defaultValue the gateway's REQUEST_RULES */
  readonly rules?: 'off' | 'warn' | 'refuse';
}

/** A client's notification subscription, as CLIENTS_FILE declares it. */
export interface NotificationsEntry {
  /** http(s) URL the notices are POSTed to. */
  readonly url: string;
  /** `json`: the JSON webhook body; `ndc`: OrderChangeNotifRQ in `version`. */
  readonly format: 'json' | 'ndc';
  /** NDC version of `ndc` bodies. */
  readonly version?: '17.2' | '21.3' | '24.4' | '26.1';
  /** HMAC-SHA256 key of the signature: text, or `{ env: NAME }` read from the environment at start-up. */
  readonly secret: string | { readonly env: string };
  /** Notice types wanted. @defaultValue every seller notice (all but order.sales_reported) */
  readonly events?: readonly string[];
}

/** JSON Schema of CLIENTS_FILE: an array of clients. */
export const CLIENTS_FILE_SCHEMA = {
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'name', 'apiKeys', 'messages'],
    properties: {
      id: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
      name: { type: 'string', minLength: 1, maxLength: 200 },
      apiKeys: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 16, maxLength: 512 } },
      messages: { type: 'array', uniqueItems: true, items: { type: 'string', pattern: '^(\\*|[A-Za-z][A-Za-z0-9_]{0,99})$' } },
      admin: { type: 'boolean' },
      monitoring: { type: 'boolean' },
      analytics: { type: 'boolean' },
      airlines: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', pattern: '^[A-Z0-9]{2}$' } },
      rules: { enum: ['off', 'warn', 'refuse'] },
      limits: {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        properties: {
          requestsPerSecond: { type: 'integer', minimum: 1, maximum: 100_000 },
          concurrentRequests: { type: 'integer', minimum: 1, maximum: 100_000 },
        },
      },
      notifications: {
        type: 'object',
        additionalProperties: false,
        required: ['url', 'format', 'secret'],
        properties: {
          url: { type: 'string', pattern: '^https?://', maxLength: 2000 },
          format: { enum: ['json', 'ndc'] },
          version: { enum: ['17.2', '21.3', '24.4', '26.1'] },
          secret: {
            oneOf: [
              { type: 'string', minLength: 1 },
              { type: 'object', additionalProperties: false, required: ['env'], properties: { env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } } },
            ],
          },
          events: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...NOTICE_TYPES] } },
        },
        if: { properties: { format: { const: 'ndc' } } },
        then: { required: ['version'] },
      },
    },
  },
} as const;

const validate = new Ajv({ allErrors: true }).compile<ClientEntry[]>(CLIENTS_FILE_SCHEMA);

/** A CLIENTS_FILE that cannot be used; the message names the file and every problem, never a key. */
export class ClientsFileError extends Error {
  override name = 'ClientsFileError';
}

/**
 * Reads and checks CLIENTS_FILE. Besides the schema, ids must be unique and no key may belong to
 * two clients, since a key must name exactly one owner. Problems name positions, not values, so
 * the message is safe to print even when a key is the offending value.
 */
export function loadClientsFile(file: string): ClientEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ClientsFileError(`CLIENTS_FILE ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ClientsFileError(`CLIENTS_FILE ${file} is not valid JSON: ${(error as Error).message}`);
  }
  return checkClientEntries(data, file);
}

/** Checks parsed CLIENTS_FILE content; `source` names it in the error. */
export function checkClientEntries(data: unknown, source: string): ClientEntry[] {
  if (!validate(data)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
    throw new ClientsFileError(`CLIENTS_FILE ${source} is invalid: ${problems.join('; ')}`);
  }
  const problems: string[] = [];
  const ids = new Map<string, number>();
  const owners = new Map<string, number>();
  data.forEach((client, index) => {
    const first = ids.get(client.id);
    if (first !== undefined) problems.push(`/${index}/id repeats the id of /${first}`);
    else ids.set(client.id, index);
    client.apiKeys.forEach((entry, keyIndex) => {
      const digest = digestOfEntry(entry).toString('hex');
      const owner = owners.get(digest);
      if (owner !== undefined && owner !== index) problems.push(`/${index}/apiKeys/${keyIndex} is also a key of /${owner}`);
      else owners.set(digest, index);
    });
  });
  if (problems.length > 0) throw new ClientsFileError(`CLIENTS_FILE ${source} is invalid: ${problems.join('; ')}`);
  return data;
}

/** Positions of keys stored in clear, for a start-up warning that names the client, not the key. */
export function keysInClear(entries: readonly ClientEntry[]): { clientId: string; index: number }[] {
  return entries.flatMap((client) => client.apiKeys.flatMap((entry, index) => (isApiKeyHash(entry) ? [] : [{ clientId: client.id, index }])));
}
