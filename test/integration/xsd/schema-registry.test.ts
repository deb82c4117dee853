import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors/index.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { OO_MESSAGE_NS, OO_TYPES_NS } from '../../../src/ndc/ndc-versions.ts';
import {
  createSchemaRegistry,
  createXsdEngine,
  listSchemaMessages,
  resolveSchemaFile,
  type SchemaRegistry,
  type XsdEngine,
  type XsdEngineName,
} from '../../../src/xsd/index.ts';
import { FIXTURES_PATH, SAMPLES_PATH, SCHEMA_PATH } from '../../support/paths.ts';
import { writeCombinedSchema, xmllintText } from '../../support/xmllint.ts';

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

const AIR_SHOPPING_RQ_172 = join(SAMPLES_PATH, '17.2', 'AirShoppingRQ__nemo__AirShoppingRQ_02.airshopping_42ae203b.xml');
const OFFER_PRICE_RQ_213 = join(SAMPLES_PATH, '21.3', 'OfferPriceRQ__VS__offerprice_offerprice_multipax_with_upsell_offers_RQ.xml');
/** A 24.4 OrderHistoryRS built by the gateway; it is a valid 26.1 OrderHistoryRS too. */
const ORDER_HISTORY_RS = readFileSync(join(FIXTURES_PATH, 'mapping', '24.4', 'order-history-paid-then-cancelled', 'expected.xml'), 'utf8');

/** An OrderChangeNotifRQ carrying the first ChangeGroup of the OrderHistoryRS fixture; without OrderRefID it is invalid. */
function orderChangeNotif(withOrderRefId: boolean): string {
  const changeGroup = /<ChangeGroup>[\s\S]*?<\/ChangeGroup>/.exec(ORDER_HISTORY_RS)?.[0] ?? '';
  return [
    `<IATA_OrderChangeNotifRQ xmlns="${OO_MESSAGE_NS}" xmlns:cns="${OO_TYPES_NS}">`,
    '  <DistributionChain><cns:DistributionChainLink><cns:Ordinal>1</cns:Ordinal><cns:OrgRole>Seller</cns:OrgRole><cns:ParticipatingOrg><cns:OrgID>AGENCY1</cns:OrgID></cns:ParticipatingOrg></cns:DistributionChainLink></DistributionChain>',
    `  <Notification>${changeGroup}${withOrderRefId ? '<OrderRefID>ORD1</OrderRefID>' : ''}</Notification>`,
    '</IATA_OrderChangeNotifRQ>',
  ].join('\n');
}

/** Counts what the engine compiles, so a test can tell one combined schema from one per message. */
function countingEngine(engine: XsdEngine): { engine: XsdEngine; compiles: { set: number; alone: number } } {
  const compiles = { set: 0, alone: 0 };
  return {
    compiles,
    engine: {
      name: engine.name,
      compile(file) {
        compiles.alone += 1;
        return engine.compile(file);
      },
      compileSet(files, namespace) {
        compiles.set += 1;
        return engine.compileSet(files, namespace);
      },
    },
  };
}

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
      logger: createLogger('info', logs.stream),
    });
  });

  afterAll(() => {
    registry.dispose();
  });

  it('records the schemas that do not compile or do not exist, and compiles the rest', () => {
    const failed = registry.failures.map((f) => `${f.version}/${f.message}`).sort();
    expect(failed).toEqual([
      '17.2/AirDocDisplayRQ', // leading space before <?xml, as published: neither combined nor on its own
      '17.2/OrderChangeNotifRQ', // 17.2 calls it OrderChangeNotif: no such file
      '24.4/AirDocDisplayRQ', // not an O&O message: no such file
    ]);
    expect(registry.failures.find((f) => f.version === '17.2' && f.message === 'AirDocDisplayRQ')?.error).toMatch(/AirDocDisplayRQ\.xsd does not compile: .*XML declaration allowed only at the start/);
    expect(registry.failures.find((f) => f.version === '24.4' && f.message === 'AirDocDisplayRQ')?.error).toMatch(/not found/);
    expect(registry.compiledCount).toBe(5);
    expect(Object.isFrozen(registry.failures)).toBe(true);
  });

  it('compiles one schema per version for its messages, and takes out the one that does not parse', () => {
    expect(registry.schemaCount).toBe(2);
    expect(registry.combined.map((c) => [c.version, c.namespace, c.excluded.map((e) => e.message)])).toEqual([
      ['24.4', OO_MESSAGE_NS, []],
      ['17.2', 'http://www.iata.org/IATA/EDIST/2017.2', ['AirDocDisplayRQ']],
    ]);
    expect(registry.combined[0]?.messages).toHaveLength(38);
    expect(registry.combined[1]?.messages).toHaveLength(47);
    expect(registry.combined[1]?.excluded[0]?.reason).toMatch(/AirDocDisplayRQ\.xsd/);
    expect(registry.route('17.2', 'AirShoppingRQ')).toMatchObject({ kind: 'combined', file: join(SCHEMA_PATH, '17.2', 'AirShoppingRQ.xsd') });
    expect(registry.route('17.2', 'AirDocDisplayRQ')).toBeUndefined();
  });

  it('logs each combined schema and each failure', () => {
    const infos = logs.lines.filter((l) => l.msg === 'combined schema compiled');
    expect(infos.map((l) => l.version)).toEqual(['24.4', '17.2']);
    const warnings = logs.lines.filter((l) => l.level === 40);
    expect(warnings.map((w) => `${String(w.version)}/${String(w.message)}`).sort()).toEqual(
      registry.failures.map((f) => `${f.version}/${f.message}`).sort(),
    );
  });

  it('serves the messages that compiled', () => {
    expect(registry.has('24.4', 'AirShoppingRQ')).toBe(true);
    expect(registry.has('24.4', 'OfferPriceRQ')).toBe(true);
    expect(registry.has('17.2', 'AirShoppingRQ')).toBe(true);
    const sample = readFileSync(AIR_SHOPPING_RQ_172);
    expect(registry.get('17.2', 'AirShoppingRQ').validate(sample)).toEqual([]);
    // a 17.2 document is not a 24.4 one
    expect(registry.get('24.4', 'AirShoppingRQ').validate(sample).length).toBeGreaterThan(0);
  });

  it('refuses a valid document of another message of the same combined schema, at its root element', () => {
    const sample = readFileSync(AIR_SHOPPING_RQ_172, 'utf8');
    const issues = registry.get('17.2', 'OfferPriceRQ').validate(sample);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toBe("Element 'AirShoppingRQ': This element is not expected as the root element. Expected is 'OfferPriceRQ' in namespace 'http://www.iata.org/IATA/EDIST/2017.2'.");
    // the sample writes it `<ns:AirShoppingRQ …>` on line 2
    expect(issues[0]).toMatchObject({ line: 2, column: 1, path: '/AirShoppingRQ' });
    expect(sample.split('\n')[1]?.startsWith('<ns:AirShoppingRQ ')).toBe(true);
    // the same root in another namespace is not the message either
    const elsewhere = registry.get('24.4', 'AirShoppingRQ').validate(`<IATA_AirShoppingRQ xmlns="urn:elsewhere"/>`);
    expect(issues.length + elsewhere.length).toBe(2);
    expect(elsewhere[0]?.message).toBe(`Element 'IATA_AirShoppingRQ': This element is not expected as the root element. Expected is 'IATA_AirShoppingRQ' in namespace '${OO_MESSAGE_NS}', not in namespace 'urn:elsewhere'.`);
  });

  it('serves 24.4 OrderChangeNotifRQ, whose own XSD does not compile as published, through the combined schema', async () => {
    const engine = await createXsdEngine(engineName);
    const own = join(SCHEMA_PATH, '24.4', 'IATA_OrderChangeNotifRQ.xsd');
    expect(() => engine.compile(own)).toThrow(/IATA_OrderChangeNotifRQ\.xsd does not compile/);
    const route = registry.route('24.4', 'OrderChangeNotifRQ');
    expect(route).toMatchObject({ kind: 'combined', file: own, namespace: OO_MESSAGE_NS });
    // xmllint, given the same combined schema, is the reference for a message that has no other
    const combined = writeCombinedSchema(route?.kind === 'combined' ? route.files : [], OO_MESSAGE_NS);
    try {
      for (const withOrderRefId of [true, false]) {
        const xml = orderChangeNotif(withOrderRefId);
        const lint = xmllintText(combined.file, xml);
        expect(lint.valid, lint.output).toBe(withOrderRefId);
        expect(registry.get('24.4', 'OrderChangeNotifRQ').validate(xml).length === 0).toBe(withOrderRefId);
      }
    } finally {
      combined.remove();
    }
  });

  it('refuses a message whose schema failed with MESSAGE_UNAVAILABLE', () => {
    expect(registry.has('17.2', 'AirDocDisplayRQ')).toBe(false);
    const error = thrown(() => registry.get('17.2', 'AirDocDisplayRQ'));
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

describe.each(ENGINES)('schema registry on %s, 26.1 messages that conflict', (engineName) => {
  let registry: SchemaRegistry;

  beforeAll(async () => {
    registry = createSchemaRegistry({ engine: await createXsdEngine(engineName), schemaPath: SCHEMA_PATH, versions: ['26.1'], messages: ['OrderHistoryRS', 'OrderChangeNotifRQ'] });
  });

  afterAll(() => {
    registry.dispose();
  });

  it('compiles OrderHistoryRS, which defines ChangeGroupType again, on its own and OrderChangeNotifRQ in the combined schema', () => {
    expect(registry.failures).toEqual([]);
    expect(registry.route('26.1', 'OrderChangeNotifRQ')?.kind).toBe('combined');
    const alone = registry.route('26.1', 'OrderHistoryRS');
    expect(alone).toMatchObject({ kind: 'alone', file: join(SCHEMA_PATH, '26.1', 'IATA_OrderHistoryRS.xsd') });
    expect(alone?.kind === 'alone' ? alone.reason : '').toMatch(/does not compile together with the other message schemas/);
    // libxml2-wasm names the conflict; libxmljs2 does not say and the registry searches for it
    if (engineName === 'libxml2-wasm') expect(alone?.kind === 'alone' ? alone.reason : '').toMatch(/'ChangeGroupType' does already exist/);
    expect(registry.combined).toHaveLength(1);
    expect(registry.combined[0]?.excluded.map((e) => e.message)).toEqual(['OrderHistoryRS']);
    expect(registry.schemaCount).toBe(2);
  });

  it('judges both as xmllint does against their own XSDs', () => {
    const documents = [
      ['OrderHistoryRS', ORDER_HISTORY_RS],
      ['OrderHistoryRS', ORDER_HISTORY_RS.replace(/<ChangeTypeCode>[^<]*<\/ChangeTypeCode>/, '')],
      ['OrderChangeNotifRQ', orderChangeNotif(true)],
      ['OrderChangeNotifRQ', orderChangeNotif(false)],
    ] as const;
    const verdicts = documents.map(([message, xml]) => {
      const lint = xmllintText(resolveSchemaFile(SCHEMA_PATH, '26.1', message) as string, xml);
      expect(registry.get('26.1', message).validate(xml).length === 0, `${message}: ${lint.output}`).toBe(lint.valid);
      return lint.valid;
    });
    expect(verdicts).toEqual([true, false, true, false]);
  });

  it('refuses a document of the other message at the root, on its own schema too', () => {
    const issues = registry.get('26.1', 'OrderHistoryRS').validate(orderChangeNotif(true));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 1, column: 1, path: '/IATA_OrderChangeNotifRQ' });
    expect(issues[0]?.message).toMatch(/^Element 'IATA_OrderChangeNotifRQ': This element is not expected as the root element. Expected is 'IATA_OrderHistoryRS'/);
    expect(registry.get('26.1', 'OrderChangeNotifRQ').validate(ORDER_HISTORY_RS)).toHaveLength(1);
  });
});

describe('schema registry on a 21.3 OfferPriceRQ', () => {
  it('refuses it as an AirShoppingRQ though both are in one compiled schema', async () => {
    const registry = createSchemaRegistry({ engine: await createXsdEngine('libxml2-wasm'), schemaPath: SCHEMA_PATH, versions: ['21.3'], messages: ['AirShoppingRQ', 'OfferPriceRQ'] });
    try {
      const sample = readFileSync(OFFER_PRICE_RQ_213);
      expect(registry.get('21.3', 'OfferPriceRQ').validate(sample)).toEqual([]);
      const issues = registry.get('21.3', 'AirShoppingRQ').validate(sample);
      expect(issues.map((i) => i.message)).toEqual([`Element 'IATA_OfferPriceRQ': This element is not expected as the root element. Expected is 'IATA_AirShoppingRQ' in namespace '${OO_MESSAGE_NS}'.`]);
      expect(registry.schemaCount).toBe(1);
    } finally {
      registry.dispose();
    }
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

  it('compiles the combined schema of a version once, for the first of its messages', async () => {
    const counting = countingEngine(await createXsdEngine('libxml2-wasm'));
    const registry = createSchemaRegistry({ engine: counting.engine, schemaPath: SCHEMA_PATH, versions: ['21.3'], messages: [] });
    try {
      const messages = listSchemaMessages(SCHEMA_PATH, '21.3').filter((m) => !m.startsWith('Payment'));
      expect(messages).toHaveLength(39);
      for (const message of messages) expect(registry.ensure('21.3', message), message).toBe(true);
      expect(counting.compiles).toEqual({ set: 1, alone: 0 });
      expect(registry.compiledCount).toBe(39);
      expect(registry.schemaCount).toBe(1);
      // the PaymentClearance messages each have a namespace of their own
      expect(registry.ensure('21.3', 'PaymentClearanceRQ')).toBe(true);
      expect(registry.route('21.3', 'PaymentClearanceRQ')).toMatchObject({ kind: 'alone', reason: expect.stringMatching(/the only message schema of .*IATA_PaymentClearanceRQ in 21\.3/) });
      expect(counting.compiles).toEqual({ set: 1, alone: 1 });
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
