import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSchemaModel, loadSchemaModelSet, preloadSchemaModel, SchemaModelError, type ElementInfo, type SchemaModel } from '../../../src/xml/index.ts';
import { createSchemaRegistry, createXsdEngine, listSchemaMessages, type SchemaRegistry, type SchemaRoute } from '../../../src/xsd/index.ts';
import { SCHEMA_PATH } from '../../support/paths.ts';

/**
 * The gateway loads the models of the messages of one combined XSD from one schema set, sharing
 * the compiled common types. Each must be the model the message's own XSD gives, field by field,
 * everywhere below the root: the parser and builder read nothing else.
 */

const VERSIONS = ['17.2', '21.3', '24.4', '26.1'];

type Combined = Extract<SchemaRoute, { kind: 'combined' }>;

/** What an ElementInfo says about itself, without its children. */
function fieldsOf(info: ElementInfo): unknown[] {
  return [
    info.name, info.namespace, info.minOccurs, info.maxOccurs, info.repeated, info.childOrder, info.required,
    info.attributes, info.hasText, info.anyElement, info.anyAttribute, info.typeName,
  ];
}

/**
 * Walks two models side by side and returns the paths where they differ (at most `limit`), and
 * how many element declarations were compared. Recursive types are walked once per pair of nodes.
 */
function compareModels(a: SchemaModel, b: SchemaModel, limit = 5): { differences: string[]; compared: number } {
  const differences: string[] = [];
  const seen = new Map<ElementInfo, Set<ElementInfo>>();
  let compared = 0;
  const stack: [ElementInfo, ElementInfo, string][] = [[a.root, b.root, `/${a.rootName}`]];
  for (let next = stack.pop(); next && differences.length < limit; next = stack.pop()) {
    const [x, y, path] = next;
    const pairs = seen.get(x) ?? new Set<ElementInfo>();
    if (pairs.has(y)) continue;
    pairs.add(y);
    seen.set(x, pairs);
    compared += 1;
    if (JSON.stringify(fieldsOf(x)) !== JSON.stringify(fieldsOf(y))) {
      differences.push(`${path}: ${JSON.stringify(fieldsOf(x))} != ${JSON.stringify(fieldsOf(y))}`);
      continue;
    }
    for (const name of x.childOrder) {
      const [cx, cy] = [x.child(name), y.child(name)];
      if (cx && cy) stack.push([cx, cy, `${path}/${name}`]);
      else if (cx !== cy) differences.push(`${path}/${name}: declared on one side only`);
    }
  }
  return { differences, compared };
}

let registry: SchemaRegistry;
const routes = new Map<string, Combined>();

beforeAll(async () => {
  registry = createSchemaRegistry({ engine: await createXsdEngine('libxml2-wasm'), schemaPath: SCHEMA_PATH, versions: VERSIONS, messages: [] });
  for (const version of VERSIONS) {
    for (const message of listSchemaMessages(SCHEMA_PATH, version)) {
      const route = registry.ensure(version, message) ? registry.route(version, message) : undefined;
      if (route?.kind === 'combined') routes.set(`${version}/${message}`, route);
    }
  }
});

afterAll(() => registry.dispose());

describe('schema models read as one set per combined XSD', () => {
  it('covers the messages of every combined schema', () => {
    expect(routes.size).toBe(39 + 47 + 38 + 36);
  });

  it.each(VERSIONS)('%s: every message model equals the one of its own XSD, everywhere below the root', (version) => {
    let compared = 0;
    for (const [key, route] of routes) {
      if (!key.startsWith(`${version}/`)) continue;
      const shared = loadSchemaModelSet(route.files).model(route.file);
      const own = loadSchemaModel(route.file);
      expect([shared.rootName, shared.namespace, shared.schemaFile], key).toEqual([own.rootName, own.namespace, own.schemaFile]);
      if (key === '24.4/OrderChangeNotifRQ') {
        // its own XSD does not define ChangeGroupType, the set (like the combined XSD) does
        expect(() => preloadSchemaModel(own)).toThrow(SchemaModelError);
        expect(preloadSchemaModel(shared)).toBeGreaterThan(100);
        continue;
      }
      const result = compareModels(shared, own);
      expect(result.differences, key).toEqual([]);
      compared += result.compared;
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('shares one set, and so the compiled common types, among the messages of a version', () => {
    const airShopping = routes.get('21.3/AirShoppingRQ') as Combined;
    const offerPrice = routes.get('21.3/OfferPriceRQ') as Combined;
    expect(loadSchemaModelSet(airShopping.files)).toBe(loadSchemaModelSet(offerPrice.files));
    const set = loadSchemaModelSet(airShopping.files);
    const shopping = set.model(airShopping.file).element(['IATA_AirShoppingRQ', 'DistributionChain', 'DistributionChainLink']);
    const pricing = set.model(offerPrice.file).element(['IATA_OfferPriceRQ', 'DistributionChain', 'DistributionChainLink']);
    expect(shopping?.childOrder.length).toBeGreaterThan(3);
    // the same compiled content model of DistributionChainLinkType, not a copy per message
    expect(shopping?.childOrder).toBe(pricing?.childOrder);
    expect(loadSchemaModel(airShopping.file).element(['IATA_AirShoppingRQ', 'DistributionChain', 'DistributionChainLink'])?.childOrder).not.toBe(pricing?.childOrder);
    expect(set.model(airShopping.file)).toBe(set.model(airShopping.file));
    expect(() => set.model(`${SCHEMA_PATH}/21.3/IATA_OffersAndOrdersCommonTypes.xsd`)).toThrow(/not one of the files of this schema set/);
  });
});
