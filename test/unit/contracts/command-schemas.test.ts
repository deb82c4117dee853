import { describe, it, expect } from 'vitest';
import { COMMAND_SCHEMAS_PATH, loadSchemaFolders } from '../../../src/contracts/schema-folders.ts';

const schemas = loadSchemaFolders([COMMAND_SCHEMAS_PATH]);

describe('command contract schemas', () => {
  it('compiles every command and result schema in ajv strict mode', () => {
    for (const command of ['offer.shop', 'offer.price', 'service.list', 'seat.availability', 'order.rules']) {
      expect(schemas.get(command), command).toBeDefined();
      expect(schemas.get(`${command}.result`), `${command}.result`).toBeDefined();
    }
  });

  it('accepts a minimal shop command and refuses unknown properties and bad codes', () => {
    const validate = schemas.get('offer.shop');
    const command = { journeys: [{ origin: 'LHR', destination: 'JNB', date: '2027-01-15' }], passengers: [{ id: 'P1', type: 'ADT' }] };
    expect(validate?.(command)).toBe(true);
    expect(validate?.({ ...command, extra: true })).toBe(false);
    expect(validate?.({ ...command, currency: 'euro' })).toBe(false);
    expect(validate?.({ ...command, journeys: [{ origin: 'lhr', destination: 'JNB', date: '2027-01-15' }] })).toBe(false);
    expect(validate?.({ ...command, passengers: [] })).toBe(false);
    expect(validate?.({ ...command, cabin: 'COACH' })).toBe(false);
  });

  it('needs an offer or an order for service and seat requests', () => {
    for (const command of ['service.list', 'seat.availability', 'order.rules']) {
      const validate = schemas.get(command);
      expect(validate?.({}), command).toBe(false);
      expect(validate?.({ offerId: 'O1' }), command).toBe(true);
      expect(validate?.({ orderId: 'XYZ', currency: 'EUR' }), command).toBe(true);
    }
  });
});
