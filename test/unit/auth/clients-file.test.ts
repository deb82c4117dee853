import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClientsFileError, checkClientEntries, hashApiKey, keysInClear, loadClientsFile } from '../../../src/auth/index.ts';

const folder = mkdtempSync(join(tmpdir(), 'clients-file-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function writeClients(name: string, content: string): string {
  const file = join(folder, name);
  writeFileSync(file, content);
  return file;
}

const valid = { id: 'tmc-1', name: 'TMC one', apiKeys: [hashApiKey('tmc-1-secret-key-000')], messages: ['AirShoppingRQ'] };

describe('CLIENTS_FILE', () => {
  it('loads the example file of the repository', () => {
    const clients = loadClientsFile(resolve('fixtures/clients/demo-clients.json'));
    expect(clients.map((c) => c.id)).toEqual(['agency-1', 'shopper', 'ops']);
    expect(clients.map((c) => c.limits)).toEqual([{ requestsPerSecond: 50, concurrentRequests: 20 }, { requestsPerSecond: 10, concurrentRequests: 4 }, undefined]);
    expect(clients.map((c) => [c.admin ?? false, c.monitoring ?? false, c.analytics ?? false])).toEqual([[false, false, false], [false, false, false], [true, true, true]]);
    expect(keysInClear(clients)).toEqual([]);
  });

  it.each([
    ['not an array', { clients: [] }, '/ must be array'],
    ['an empty list', [], '/ must NOT have fewer than 1 items'],
    ['a client without keys', [{ ...valid, apiKeys: [] }], '/0/apiKeys must NOT have fewer than 1 items'],
    ['a key shorter than 16 characters', [{ ...valid, apiKeys: ['short'] }], '/0/apiKeys/0 must NOT have fewer than 16 characters'],
    ['an id with a colon', [{ ...valid, id: 'a:b' }], '/0/id must match pattern'],
    ['an unknown property', [{ ...valid, role: 'admin' }], '/0 must NOT have additional properties'],
    ['a message that is no name', [{ ...valid, messages: ['Air Shopping'] }], '/0/messages/0 must match pattern'],
    ['an admin flag that is not boolean', [{ ...valid, admin: 'yes' }], '/0/admin must be boolean'],
    ['a monitoring flag that is not boolean', [{ ...valid, monitoring: 1 }], '/0/monitoring must be boolean'],
    ['a rate limit of zero', [{ ...valid, limits: { requestsPerSecond: 0 } }], '/0/limits/requestsPerSecond must be >= 1'],
    ['a fractional in-flight limit', [{ ...valid, limits: { concurrentRequests: 1.5 } }], '/0/limits/concurrentRequests must be integer'],
    ['an unknown limit', [{ ...valid, limits: { requestsPerMinute: 60 } }], '/0/limits must NOT have additional properties'],
    ['empty limits', [{ ...valid, limits: {} }], '/0/limits must NOT have fewer than 1 properties'],
    ['a repeated id', [valid, { ...valid, apiKeys: [hashApiKey('another-secret-key-01')] }], '/1/id repeats the id of /0'],
    ['one key for two clients', [valid, { ...valid, id: 'tmc-2' }], '/1/apiKeys/0 is also a key of /0'],
  ])('refuses %s, naming where', (_name, data, problem) => {
    expect(() => checkClientEntries(data, 'clients.json')).toThrow(ClientsFileError);
    expect(() => checkClientEntries(data, 'clients.json')).toThrow(problem);
  });

  it('sees the same key stored hashed in one client and in clear in another', () => {
    const clear = 'shared-secret-key-0001';
    expect(() => checkClientEntries([{ ...valid, apiKeys: [hashApiKey(clear)] }, { ...valid, id: 'tmc-2', apiKeys: [clear] }], 'x')).toThrow('/1/apiKeys/0 is also a key of /0');
  });

  it('never prints a key, even the one that is wrong', () => {
    const secret = 'too-short-key';
    const error = (() => {
      try {
        checkClientEntries([{ ...valid, apiKeys: [secret, 'a-long-enough-secret-key'] }, { ...valid, id: 'b', apiKeys: ['a-long-enough-secret-key'] }], 'x');
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a refusal');
    })();
    expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain('a-long-enough-secret-key');
  });

  it('names the file when it is missing or not JSON', () => {
    expect(() => loadClientsFile(join(folder, 'missing.json'))).toThrow(/missing\.json cannot be read: ENOENT/);
    const broken = writeClients('broken.json', '[{ "id": ');
    expect(() => loadClientsFile(broken)).toThrow(/broken\.json is not valid JSON/);
  });

  it('lists keys stored in clear by client and position, for the start-up warning', () => {
    const file = writeClients('mixed.json', JSON.stringify([{ ...valid, apiKeys: [hashApiKey('hashed-secret-key-01'), 'clear-secret-key-0001'] }]));
    expect(keysInClear(loadClientsFile(file))).toEqual([{ clientId: 'tmc-1', index: 1 }]);
  });
});
