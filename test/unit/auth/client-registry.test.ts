import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  ClientsFileError, DEMO_API_KEY, checkMessagePermission, createClientRegistry, digestOfKey, hashApiKey, loadClientRegistry, matchesAnyDigest, mayUseMessage,
  type ClientEntry,
} from '../../../src/auth/index.ts';
import { GatewayError } from '../../../src/errors/index.ts';
import { createLogger } from '../../../src/log/logger.ts';

const entries: ClientEntry[] = [
  { id: 'agency', name: 'Agency', apiKeys: [hashApiKey('agency-secret-key-0001')], messages: ['AirShoppingRQ', 'OrderCreateRQ'], limits: { requestsPerSecond: 5 } },
  { id: 'all', name: 'All messages', apiKeys: ['all-messages-key-in-clear'], messages: ['*'] },
  { id: 'ops', name: 'Operator', apiKeys: [hashApiKey('operator-secret-key-01')], messages: [], admin: true, monitoring: true },
  { id: 'analyst', name: 'Revenue analyst', apiKeys: [hashApiKey('analyst-secret-key-01')], messages: [], analytics: true },
];

function captureLogs(): { text: () => string; stream: Writable } {
  let text = '';
  const stream = new Writable({ write(chunk: Buffer, _encoding, callback) { text += chunk.toString(); callback(); } });
  return { text: () => text, stream };
}

describe('client registry', () => {
  const declared = createClientRegistry(entries, 'declared');

  it('finds the client of a key stored hashed or in clear, and nobody for any other key', () => {
    expect(declared.authenticate('agency-secret-key-0001')?.id).toBe('agency');
    expect(declared.authenticate('all-messages-key-in-clear')?.id).toBe('all');
    expect(declared.authenticate('agency-secret-key-0002')).toBeUndefined();
    // The stored digest is not a key: knowing the file does not let anyone in.
    expect(declared.authenticate(hashApiKey('agency-secret-key-0001'))).toBeUndefined();
    expect(declared.authenticate('')).toBeUndefined();
  });

  it('keeps key material out of the client objects', () => {
    const client = declared.authenticate('agency-secret-key-0001')!;
    expect(Object.keys(client).sort()).toEqual(['admin', 'analytics', 'id', 'limits', 'messages', 'monitoring', 'name']);
    expect(client.limits).toEqual({ requestsPerSecond: 5 });
    expect(JSON.stringify(declared.clients)).not.toContain(hashApiKey('agency-secret-key-0001'));
  });

  it('lets nobody in without a key once clients are declared', () => {
    expect(declared.anonymous).toBeUndefined();
  });

  it('makes operators, monitors and analysts only of clients flagged so: `*` messages imply none', () => {
    const [agency, all, ops, analyst] = declared.clients;
    expect([agency!.admin, all!.admin, ops!.admin, analyst!.admin]).toEqual([false, false, true, false]);
    expect([agency!.monitoring, all!.monitoring, ops!.monitoring, analyst!.monitoring]).toEqual([false, false, true, false]);
    expect([agency!.analytics, all!.analytics, ops!.analytics, analyst!.analytics]).toEqual([false, false, false, true]);
  });

  it('checks messages against the client list, `*` allowing all', () => {
    const [agency, all, ops] = declared.clients;
    expect(mayUseMessage(agency!, 'AirShoppingRQ')).toBe(true);
    expect(mayUseMessage(agency!, 'OrderCancelRQ')).toBe(false);
    expect(mayUseMessage(all!, 'OrderCancelRQ')).toBe(true);
    expect(mayUseMessage(ops!, 'AirShoppingRQ')).toBe(false);
    expect(() => checkMessagePermission(agency!, 'OrderCreateRQ')).not.toThrow();
    const refusal = (() => { try { checkMessagePermission(agency!, 'OrderCancelRQ'); } catch (e) { return e; } return undefined; })();
    expect(refusal).toBeInstanceOf(GatewayError);
    expect((refusal as GatewayError).code).toBe('MESSAGE_NOT_ALLOWED');
    expect((refusal as GatewayError).definition.httpStatus).toBe(403);
  });

  it('compares digests without stopping at the first match', () => {
    const digest = digestOfKey('k');
    expect(matchesAnyDigest(digest, [digestOfKey('a'), digest, digestOfKey('b')])).toBe(true);
    expect(matchesAnyDigest(digest, [digestOfKey('a')])).toBe(false);
    expect(matchesAnyDigest(digest, [])).toBe(false);
  });

  it('without CLIENTS_FILE serves the demo client, with its key or without any', () => {
    const embedded = loadClientRegistry(undefined, createLogger('silent'));
    expect(embedded.mode).toBe('embedded');
    expect(embedded.clients.map((c) => c.id)).toEqual(['demo']);
    expect(embedded.anonymous?.id).toBe('demo');
    expect(embedded.authenticate(DEMO_API_KEY)?.id).toBe('demo');
    expect(embedded.authenticate('wrong-key')).toBeUndefined();
    expect(mayUseMessage(embedded.anonymous!, 'OrderCreateRQ')).toBe(true);
    expect(embedded.anonymous).toMatchObject({ admin: true, monitoring: true, analytics: true });
    // No per-client limits for the demo: the global cap on requests in flight is its only bound.
    expect(embedded.anonymous?.limits).toBeUndefined();
  });

  it('warns about keys stored in clear without writing them', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'client-registry-'));
    try {
      const file = join(folder, 'clients.json');
      writeFileSync(file, JSON.stringify(entries));
      const logs = captureLogs();
      const registry = loadClientRegistry(file, createLogger('info', logs.stream));
      await new Promise((resolve) => setImmediate(resolve));
      expect(registry.mode).toBe('declared');
      expect(logs.text()).toContain('"clientId":"all"');
      expect(logs.text()).toContain('stores an API key in clear');
      expect(logs.text()).not.toContain('all-messages-key-in-clear');
      expect(() => loadClientRegistry(join(folder, 'none.json'), createLogger('silent'))).toThrow(ClientsFileError);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('logging around API keys', () => {
  it('censors keys in the fields and headers the logger knows', async () => {
    const logs = captureLogs();
    const logger = createLogger('info', logs.stream);
    logger.info({ apiKey: 'secret-one', client: { apiKey: 'secret-two' }, req: { headers: { authorization: 'Bearer secret-three', 'x-api-key': 'secret-four' } } }, 'auth');
    await new Promise((resolve) => setImmediate(resolve));
    for (const secret of ['secret-one', 'secret-two', 'secret-three', 'secret-four']) expect(logs.text()).not.toContain(secret);
  });
});
