import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AIRLINE_SCHEMAS_PATH, loadAirlineContract } from '../../../src/contracts/airline/index.ts';
import { COMMAND_SCHEMAS_PATH, loadSchemaFolders } from '../../../src/contracts/schema-folders.ts';

describe('the airline contract', () => {
  const contract = loadAirlineContract();

  it('compiles every schema of schemas/commands and schemas/airline in ajv strict mode', () => {
    const schemas = loadSchemaFolders([COMMAND_SCHEMAS_PATH, AIRLINE_SCHEMAS_PATH]);
    expect(schemas.names.length).toBe(readdirSync(COMMAND_SCHEMAS_PATH).filter((f) => f.endsWith('.json')).length + readdirSync(AIRLINE_SCHEMAS_PATH).filter((f) => f.endsWith('.json')).length);
    for (const name of schemas.names) expect(schemas.get(name), name).toBeDefined();
  });

  it('has a command and a result schema for every command the gateway forwards and every inventory command', () => {
    const inventory = ['hold', 'release', 'issue', 'void', 'cancel', 'refund-quote', 'reprice', 'services', 'seats', 'availability', 'booking'].map((c) => `inventory.${c}`);
    for (const name of ['offer.shop', 'offer.price', 'service.list', 'seat.availability', 'order.rules', ...inventory]) {
      expect(contract.commands, name).toContain(name);
      expect(contract.command(name), name).toBeDefined();
      expect(contract.result(name), name).toBeDefined();
    }
    expect(contract.result('inventory.common')).toBeUndefined();
    expect(contract.result('inventory.teleport')).toBeUndefined();
  });

  it('answers an order\'s services and seats in the shape of service.list and seat.availability', () => {
    const services = { currency: 'EUR', offerId: 'AL1', owner: 'XR', expiresAt: '2027-01-01T00:00:00Z', services: [], passengers: [{ id: 'P1', type: 'ADT' }], segments: [] };
    expect(contract.result('inventory.services')?.(services)).toBe(contract.result('service.list')?.(services));
    expect(contract.result('inventory.services')?.({ ...services, extra: 1 })).toBe(false);
  });

  it('keeps the inventory commands closed: an unknown property or a bad seat is refused', () => {
    const hold = contract.command('inventory.hold')!;
    expect(hold({ requestKey: 'k', orderId: 'O1', seats: [{ itemId: 'OI3', paxId: 'P1', segmentId: 'S1', row: 12, column: 'C' }] })).toBe(true);
    expect(hold({ requestKey: 'k', orderId: 'O1', seats: [{ itemId: 'OI3', paxId: 'P1', segmentId: 'S1', row: 0, column: 'c' }] })).toBe(false);
    expect(hold({ requestKey: 'k', orderId: 'O1', note: 'x' })).toBe(false);
    expect(contract.command('inventory.issue')!({ orderId: 'O1' })).toBe(false);
  });
});
