import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors/index.ts';
import { createLogger } from '../../../src/log/logger.ts';
import {
  createSchemaRegistry,
  createXsdEngine,
  listSchemaMessages,
  resolveSchemaFile,
  type SchemaRegistry,
  type XsdEngineName,
} from '../../../src/xsd/index.ts';
import { SAMPLES_PATH, SCHEMA_PATH } from '../../support/paths.ts';

const ENGINES: readonly XsdEngineName[] = ['libxml2-wasm', 'libxmljs2'];

function captureLogs(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { lines, stream };
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('listSchemaMessages', () => {
  it('lists the message schemas of a package and leaves shared type libraries out', () => {
    const v213 = listSchemaMessages(SCHEMA_PATH, '21.3');
    expect(v213).toContain('AirShoppingRQ');
    expect(v213).toContain('OrderViewRS');
    expect(v213).not.toContain('OffersAndOrdersCommonTypes');
    expect(v213).not.toContain('OrderCancelRQ'); // 21.3 cancels through OrderReshop + OrderChange
    const v172 = listSchemaMessages(SCHEMA_PATH, '17.2');
    expect(v172).toContain('AirShoppingRQ');
    expect(v172).toContain('OrderCancelRQ');
    expect(v172.some((m) => /commontypes|structures|xmldsig/i.test(m))).toBe(false);
  });

  it('returns nothing for a version without a package or an unknown version', () => {
    expect(listSchemaMessages(SCHEMA_PATH, '99.9')).toEqual([]);
    expect(listSchemaMessages(join(SCHEMA_PATH, 'nowhere'), '21.3')).toEqual([]);
  });

  it('maps a message to its schema file per version', () => {
    expect(resolveSchemaFile('/s', '21.3', 'AirShoppingRQ')).toBe('/s/21.3/IATA_AirShoppingRQ.xsd');
    expect(resolveSchemaFile('/s', '17.2', 'AirShoppingRQ')).toBe('/s/17.2/AirShoppingRQ.xsd');
    expect(resolveSchemaFile('/s', '99.9', 'AirShoppingRQ')).toBeUndefined();
  });
});

describe.each(ENGINES)('schema registry on %s', (engineName) => {
  let registry: SchemaRegistry;
  const logs = captureLogs();

  beforeAll(async () => {
    const engine = await createXsdEngine(engineName);
    registry = createSchemaRegistry({
      engine,
      schemaPath: SCHEMA_PATH,
      versions: ['24.4', '17.2'],
      messages: ['AirShoppingRQ', 'OfferPriceRQ', 'OrderChangeNotifRQ', 'AirDocDisplayRQ'],
      logger: createLogger('warn', logs.stream),
    });
  });

  afterAll(() => {
    registry.dispose();
  });

  it('records the schemas that do not compile or do not exist, and compiles the rest', () => {
    const failed = registry.failures.map((f) => `${f.version}/${f.message}`).sort();
    expect(failed).toEqual([
      '17.2/AirDocDisplayRQ', // leading space before <?xml, as published
      '17.2/OrderChangeNotifRQ', // 17.2 calls it OrderChangeNotif: no such file
      '24.4/AirDocDisplayRQ', // not an O&O message: no such file
      '24.4/OrderChangeNotifRQ', // refers to ChangeGroupType, which does not exist
    ]);
    expect(registry.failures.find((f) => f.version === '24.4' && f.message === 'OrderChangeNotifRQ')?.error).toMatch(/IATA_OrderChangeNotifRQ\.xsd does not compile/);
    expect(registry.failures.find((f) => f.version === '24.4' && f.message === 'AirDocDisplayRQ')?.error).toMatch(/not found/);
    expect(registry.compiledCount).toBe(4);
    expect(Object.isFrozen(registry.failures)).toBe(true);
  });

  it('logs each failure as a warning', () => {
    const warnings = logs.lines.filter((l) => l.level === 40);
    expect(warnings.map((w) => `${String(w.version)}/${String(w.message)}`).sort()).toEqual(
      registry.failures.map((f) => `${f.version}/${f.message}`).sort(),
    );
  });

  it('serves the messages that compiled', () => {
    expect(registry.has('24.4', 'AirShoppingRQ')).toBe(true);
    expect(registry.has('24.4', 'OfferPriceRQ')).toBe(true);
    expect(registry.has('17.2', 'AirShoppingRQ')).toBe(true);
    const sample = readFileSync(join(SAMPLES_PATH, '17.2', 'AirShoppingRQ__nemo__AirShoppingRQ_02.airshopping_42ae203b.xml'));
    expect(registry.get('17.2', 'AirShoppingRQ').validate(sample)).toEqual([]);
    // a 17.2 document is not a 24.4 one
    expect(registry.get('24.4', 'AirShoppingRQ').validate(sample).length).toBeGreaterThan(0);
  });

  it('refuses a message whose schema failed with MESSAGE_UNAVAILABLE', () => {
    expect(registry.has('24.4', 'OrderChangeNotifRQ')).toBe(false);
    const error = thrown(() => registry.get('24.4', 'OrderChangeNotifRQ'));
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('MESSAGE_UNAVAILABLE');
    expect((error as GatewayError).definition.httpStatus).toBe(503);
    expect((error as GatewayError).message).toMatch(/did not compile/);
  });

  it('refuses a message that was never requested with MESSAGE_UNAVAILABLE', () => {
    const error = thrown(() => registry.get('24.4', 'OrderViewRS'));
    expect((error as GatewayError).code).toBe('MESSAGE_UNAVAILABLE');
  });

  it('refuses a version that is not served with UNSUPPORTED_VERSION', () => {
    const error = thrown(() => registry.get('21.3', 'AirShoppingRQ'));
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('UNSUPPORTED_VERSION');
  });
});

describe('schema registry ensure', () => {
  it('compiles a message on demand once, and does not retry one that failed', async () => {
    const engine = await createXsdEngine('libxml2-wasm');
    const logs = captureLogs();
    const registry = createSchemaRegistry({ engine, schemaPath: SCHEMA_PATH, versions: ['21.3'], messages: [], logger: createLogger('warn', logs.stream) });
    try {
      expect(registry.compiledCount).toBe(0);
      expect(registry.ensure('21.3', 'OrderRulesRQ')).toBe(true);
      expect(registry.ensure('21.3', 'OrderRulesRQ')).toBe(true);
      expect(registry.compiledCount).toBe(1);
      expect(registry.get('21.3', 'OrderRulesRQ').validate('<IATA_OrderRulesRQ/>').length).toBeGreaterThan(0);
      const failures = registry.failures;
      expect(registry.ensure('21.3', 'NoSuchMessageRQ')).toBe(false);
      expect(registry.ensure('21.3', 'NoSuchMessageRQ')).toBe(false);
      expect(registry.ensure('17.2', 'AirShoppingRQ')).toBe(false);
      expect(failures).toEqual([]);
      expect(registry.failures.map((f) => `${f.version}/${f.message}`)).toEqual(['21.3/NoSuchMessageRQ', '17.2/AirShoppingRQ']);
      expect(Object.isFrozen(registry.failures)).toBe(true);
      expect(logs.lines.filter((l) => l.level === 40)).toHaveLength(2);
    } finally {
      registry.dispose();
    }
  });
});

describe('schema registry dispose', () => {
  it('disposes every compiled schema', async () => {
    const engine = await createXsdEngine('libxml2-wasm');
    const registry = createSchemaRegistry({ engine, schemaPath: SCHEMA_PATH, versions: ['21.3'], messages: ['AirShoppingRQ'] });
    const schema = registry.get('21.3', 'AirShoppingRQ');
    registry.dispose();
    expect(registry.compiledCount).toBe(0);
    expect(registry.has('21.3', 'AirShoppingRQ')).toBe(false);
    expect(() => schema.validate('<a/>')).toThrow(/after dispose/);
  });
});
