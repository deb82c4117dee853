import type { Logger } from '../log/logger.ts';
import { ALL_MESSAGES, type ApiClient } from './api-client.ts';
import { digestOfEntry, digestOfKey, hashApiKey, matchesAnyDigest } from './api-key.ts';
import { keysInClear, loadClientsFile, type ClientEntry } from './clients-file.ts';

/** The demo client's key, documented in the README; only the embedded demo (no CLIENTS_FILE) knows it. */
export const DEMO_API_KEY = 'demo-key';

/**
 * The one client of the embedded demo: every message, the operator routes, monitoring and analytics, and no
 * per-client limits: it serves one developer, and the benchmarks run through it. The global cap
 * on requests in flight still applies.
 */
export const DEMO_CLIENT_ENTRY: ClientEntry = Object.freeze({
  id: 'demo',
  name: 'Demo client',
  apiKeys: Object.freeze([hashApiKey(DEMO_API_KEY)]),
  messages: Object.freeze([ALL_MESSAGES]),
  admin: true,
  monitoring: true,
  analytics: true,
});

/**
 * - `embedded`: no CLIENTS_FILE. The demo client, and a request without credentials is the demo
 *   client, so `npm start` and a bare curl work out of the box.
 * - `declared`: the clients of CLIENTS_FILE; every request needs a key.
 */
export type ClientMode = 'embedded' | 'declared';

/** Who a key belongs to and what that client may do. */
export interface ClientRegistry {
  readonly mode: ClientMode;
  readonly clients: readonly ApiClient[];
  /** The client a key belongs to, or undefined. Digests are compared in constant time. */
  authenticate(key: string): ApiClient | undefined;
  /** Who a request without credentials is: the demo client in embedded mode, nobody otherwise. */
  readonly anonymous: ApiClient | undefined;
}

/** Builds a registry from checked entries; key digests stay in here, out of the client objects. */
export function createClientRegistry(entries: readonly ClientEntry[], mode: ClientMode): ClientRegistry {
  const known = entries.map((entry) => ({
    client: Object.freeze({
      id: entry.id, name: entry.name, messages: Object.freeze([...entry.messages]), admin: entry.admin ?? false, monitoring: entry.monitoring ?? false, analytics: entry.analytics ?? false,
      ...(entry.limits ? { limits: Object.freeze({ ...entry.limits }) } : {}),
      ...(entry.airlines ? { airlines: Object.freeze([...entry.airlines]) } : {}),
      ...(entry.rules ? { rules: entry.rules } : {}),
    }) as ApiClient,
    digests: entry.apiKeys.map(digestOfEntry),
  }));
  const clients = Object.freeze(known.map((k) => k.client));
  return {
    mode,
    clients,
    authenticate(key) {
      const presented = digestOfKey(key);
      let found: ApiClient | undefined;
      // Every client is compared, so the time taken does not tell which one matched.
      for (const { client, digests } of known) {
        if (matchesAnyDigest(presented, digests)) found = client;
      }
      return found;
    },
    anonymous: mode === 'embedded' ? clients[0] : undefined,
  };
}

/**
 * The registry the configuration asks for: CLIENTS_FILE when it is set (a bad file throws
 * {@link ClientsFileError} and stops start-up), else the embedded demo client.
 */
export function loadClientRegistry(clientsFile: string | undefined, logger: Logger): ClientRegistry {
  if (!clientsFile) {
    logger.info({ clientId: DEMO_CLIENT_ENTRY.id }, 'no CLIENTS_FILE: the demo client serves every request, with or without its key');
    return createClientRegistry([DEMO_CLIENT_ENTRY], 'embedded');
  }
  const entries = loadClientsFile(clientsFile);
  for (const { clientId, index } of keysInClear(entries)) {
    logger.warn({ clientId, keyIndex: index }, 'CLIENTS_FILE stores an API key in clear; store its sha256 hex digest instead');
  }
  logger.info({ clientsFile, clients: entries.length }, 'API clients loaded');
  return createClientRegistry(entries, 'declared');
}
