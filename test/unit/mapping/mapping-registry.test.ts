import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors/index.ts';
import { applyMapping, loadMappingRegistry, MappingLoadError, normaliseMessageName } from '../../../src/mapping/index.ts';

let root: string;

async function write(relative: string, text: string): Promise<string> {
  const file = join(root, relative);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
  return file;
}

function gatewayCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof GatewayError ? error.code : 'not a GatewayError';
  }
  return undefined;
}

const SHOP_REQUEST = "command: offer.shop\nmap:\n  cabin: { path: Cabin, lookup: cabinCodes }\n  version: { value: '21.3' }\n";
const SHOP_RESPONSE = 'message: AirShoppingRS\nmap:\n  Response: { map: { ShoppingResponseID: { path: id } } }\n';

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'mapping-registry-'));
  await write('code-tables/cabins.yaml', "tables:\n  cabinCodes: { '5': ECONOMY }\n");
  await write('21.3/AirShopping.request.yaml', SHOP_REQUEST);
  await write('21.3/AirShopping.response.yaml', SHOP_RESPONSE);
  await write('21.3/OfferPrice.request.json', JSON.stringify({ command: 'offer.price', map: { offerId: { path: 'OfferID' } } }));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('loadMappingRegistry', () => {
  it('serves request and response mappings by message name, with shared code tables', async () => {
    const registry = await loadMappingRegistry({ mappingsPath: root, versions: ['21.3'] });
    const request = registry.request('21.3', 'IATA_AirShoppingRQ');
    expect(request.command).toBe('offer.shop');
    expect(request.file).toBe(join(root, '21.3/AirShopping.request.yaml'));
    expect(applyMapping(request, { Cabin: '5' })).toEqual({ cabin: 'ECONOMY', version: '21.3' });
    expect(registry.request('21.3', 'AirShopping')).toBe(request);
    expect(registry.response('21.3', 'AirShoppingRQ').message).toBe('AirShoppingRS');
    expect(registry.request('21.3', 'OfferPriceRQ').command).toBe('offer.price');
    expect(registry.messages('21.3')).toEqual(['AirShopping', 'OfferPrice']);
    expect(registry.has('21.3', 'OfferPrice', 'request')).toBe(true);
    expect(registry.has('21.3', 'OfferPrice', 'response')).toBe(false);
    expect(registry.has('17.2', 'OfferPrice', 'request')).toBe(false);
  });

  it('answers UNKNOWN_MESSAGE for a message without mapping and UNSUPPORTED_VERSION for a version not served', async () => {
    const registry = await loadMappingRegistry({ mappingsPath: root, versions: ['21.3'] });
    expect(gatewayCode(() => registry.response('21.3', 'OfferPriceRQ'))).toBe('UNKNOWN_MESSAGE');
    expect(gatewayCode(() => registry.request('21.3', 'OrderCreateRQ'))).toBe('UNKNOWN_MESSAGE');
    expect(gatewayCode(() => registry.request('17.2', 'AirShoppingRQ'))).toBe('UNSUPPORTED_VERSION');
    expect(registry.messages('17.2')).toEqual([]);
  });

  it('treats a served version without folder as having no mappings', async () => {
    const registry = await loadMappingRegistry({ mappingsPath: root, versions: ['21.3', '17.2'] });
    expect(registry.messages('17.2')).toEqual([]);
    expect(gatewayCode(() => registry.request('17.2', 'AirShoppingRQ'))).toBe('UNKNOWN_MESSAGE');
  });

  it('falls back file by file to the inherited version', async () => {
    await write('24.4/version.yaml', "inherits: '21.3'\n");
    await write('24.4/AirShopping.response.yaml', 'message: AirShoppingRS\nmap:\n  Response: { map: { ShoppingResponseID: { path: id }, Note: "24.4" } }\n');
    await write('24.4/OrderCreate.request.yaml', 'command: order.create\nmap: { x: 1 }\n');
    const registry = await loadMappingRegistry({ mappingsPath: root, versions: ['24.4'] });
    expect(registry.request('24.4', 'AirShoppingRQ').file).toBe(join(root, '21.3/AirShopping.request.yaml'));
    expect(registry.response('24.4', 'AirShoppingRQ').file).toBe(join(root, '24.4/AirShopping.response.yaml'));
    expect(applyMapping(registry.response('24.4', 'AirShopping'), { id: 'S1' })).toEqual({ Response: { ShoppingResponseID: 'S1', Note: '24.4' } });
    expect(registry.messages('24.4')).toEqual(['AirShopping', 'OfferPrice', 'OrderCreate']);
    expect(gatewayCode(() => registry.request('21.3', 'AirShopping'))).toBe('UNSUPPORTED_VERSION');
  });

  it('follows inheritance chains and shares compiled files between versions', async () => {
    await write('24.4/version.yaml', "inherits: '21.3'\n");
    await write('26.1/version.yaml', "description: 26.1 is 24.4 plus one change\ninherits: '24.4'\n");
    await write('26.1/OfferPrice.request.yaml', 'command: offer.price\nmap: { offerId: { path: Offer.OfferID } }\n');
    const registry = await loadMappingRegistry({ mappingsPath: root, versions: ['21.3', '24.4', '26.1'] });
    expect(registry.request('26.1', 'AirShopping')).toBe(registry.request('21.3', 'AirShopping'));
    expect(registry.request('24.4', 'OfferPrice').file).toBe(join(root, '21.3/OfferPrice.request.json'));
    expect(registry.request('26.1', 'OfferPrice').file).toBe(join(root, '26.1/OfferPrice.request.yaml'));
  });

  it('refuses an inheritance cycle and an inherited folder that does not exist', async () => {
    await write('24.4/version.yaml', "inherits: '26.1'\n");
    await write('26.1/version.yaml', "inherits: '24.4'\n");
    await write('17.2/version.yaml', "inherits: '19.2'\n");
    const error = await loadMappingRegistry({ mappingsPath: root, versions: ['24.4', '17.2'] }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(MappingLoadError);
    const text = (error as Error).message;
    expect(text).toContain('inheritance cycle: 24.4 → 26.1 → 24.4');
    expect(text).toContain(`inherits '19.2', but ${join(root, '19.2')} does not exist`);
  });

  it('reads a version\'s idempotency rules in order, and inherits them', async () => {
    await write('21.3/version.yaml', [
      'idempotency:',
      '  sender:',
      '    - { path: Seller.ID }',
      '    - { value: ANONYMOUS }',
      '  messageId:',
      "    - { transform: { name: template, args: '{Trx}#{Seq}' } }",
      '',
    ].join('\n'));
    await write('24.4/version.yaml', "inherits: '21.3'\n");
    await write('21.3/OrderCreate.request.yaml', 'command: order.create\nidempotent: true\nmap: { a: { path: A } }\n');
    const registry = await loadMappingRegistry({ mappingsPath: root, versions: ['21.3', '24.4'] });
    expect(registry.request('21.3', 'OrderCreate').idempotent).toBe(true);
    expect(registry.request('21.3', 'AirShopping').idempotent).toBe(false);
    expect(registry.idempotency('24.4')).toBe(registry.idempotency('21.3'));
    expect(registry.idempotency('21.3')?.read({ Seller: { ID: ' S-1 ' }, Trx: 'T', Seq: '2' })).toEqual({ sender: 'S-1', messageId: 'T#2' });
    expect(registry.idempotency('21.3')?.read({ Trx: 'T' })).toEqual({ sender: 'ANONYMOUS' });
  });

  it('refuses idempotency rules that do not compile, naming the line in version.yaml, and `idempotent` on a response mapping', async () => {
    await write('21.3/version.yaml', 'idempotency:\n  sender:\n    - { path: A, transform: nope }\n  messageId: [{ path: B }]\n');
    await expect(loadMappingRegistry({ mappingsPath: root, versions: ['21.3'] }))
      .rejects.toThrow(`${join(root, '21.3/version.yaml')}:3:29: unknown transform 'nope'`);
    await write('21.3/version.yaml', 'idempotency: { sender: [{ path: A }], messageId: [{ path: B }] }\n');
    await write('21.3/AirShopping.response.yaml', `idempotent: true\n${SHOP_RESPONSE}`);
    await expect(loadMappingRegistry({ mappingsPath: root, versions: ['21.3'] })).rejects.toThrow(/AirShopping\.response\.yaml/);
  });

  it('refuses to start when a file is broken, naming file and line', async () => {
    await write('21.3/OrderCreate.request.yaml', 'command: order.create\nmap:\n  a: { path: A, transform: nope }\n');
    await expect(loadMappingRegistry({ mappingsPath: root, versions: ['21.3'] }))
      .rejects.toThrow(`${join(root, '21.3/OrderCreate.request.yaml')}:3:28: unknown transform 'nope'`);
  });

  it('refuses badly named files, duplicate mappings and a direction that contradicts the file name', async () => {
    await write('21.3/AirShopping.requst.yaml', SHOP_REQUEST);
    await write('21.3/OfferPrice.request.yaml', 'command: offer.price\nmap: {}\n');
    await write('21.3/ServiceList.request.yaml', 'message: ServiceListRS\nmap: {}\n');
    await write('21.3/notes.txt', 'not a data file, ignored');
    const error = await loadMappingRegistry({ mappingsPath: root, versions: ['21.3'] }).then(() => undefined, (e: unknown) => e);
    const text = (error as Error).message;
    expect(text).toContain(`${join(root, '21.3/AirShopping.requst.yaml')}: not a mapping file name`);
    expect(text).toMatch(/OfferPrice\.request\.(json|yaml): OfferPrice already has a request mapping in .*OfferPrice\.request\.(json|yaml)/);
    expect(text).toContain(`${join(root, '21.3/ServiceList.request.yaml')}:1:10: a request mapping names the internal 'command'`);
    expect(text).not.toContain('notes.txt');
  });

  it('refuses a mappings folder that does not exist', async () => {
    await expect(loadMappingRegistry({ mappingsPath: join(root, 'nowhere'), versions: ['21.3'] })).rejects.toThrow('the mappings folder does not exist');
  });

  it('accepts extra transforms', async () => {
    await write('21.3/OrderCreate.request.yaml', 'command: order.create\nmap:\n  a: { path: A, transform: reverse }\n');
    const registry = await loadMappingRegistry({
      mappingsPath: root,
      versions: ['21.3'],
      transforms: [{ name: 'reverse', description: 'Reverses text.', input: 'scalar', apply: (value) => String(value).split('').reverse().join('') }],
    });
    expect(applyMapping(registry.request('21.3', 'OrderCreate'), { A: 'abc' })).toEqual({ a: 'cba' });
  });
});

describe('MappingRegistry.reload', () => {
  it('swaps in changed files', async () => {
    const registry = await loadMappingRegistry({ mappingsPath: root, versions: ['21.3'] });
    await write('21.3/AirShopping.request.yaml', "command: offer.shop\nmap:\n  version: { value: 'new' }\n");
    await write('21.3/OrderCreate.request.yaml', 'command: order.create\nmap: {}\n');
    expect(await registry.reload()).toEqual({ loaded: 4, errors: [] });
    expect(applyMapping(registry.request('21.3', 'AirShopping'), {})).toEqual({ version: 'new' });
    expect(registry.has('21.3', 'OrderCreate', 'request')).toBe(true);
  });

  it('keeps the whole old set when any new file is broken, and reports file and line', async () => {
    const registry = await loadMappingRegistry({ mappingsPath: root, versions: ['21.3'] });
    const before = registry.request('21.3', 'AirShopping');
    await write('21.3/AirShopping.request.yaml', "command: offer.shop\nmap:\n  version: { value: 'new' }\n");
    const broken = await write('21.3/OrderCreate.request.yaml', 'command: order.create\nmap:\n  a:\n    path: A\n    lookup: unknownTable\n');
    const result = await registry.reload();
    expect(result.loaded).toBe(0);
    expect(result.errors).toEqual([`${broken}:5:13: unknown code table 'unknownTable'; add it under lookups: or in mappings/code-tables/`]);
    expect(registry.request('21.3', 'AirShopping')).toBe(before);
    expect(applyMapping(registry.request('21.3', 'AirShopping'), { Cabin: '5' })).toEqual({ cabin: 'ECONOMY', version: '21.3' });
    expect(registry.has('21.3', 'OrderCreate', 'request')).toBe(false);

    await write('21.3/OrderCreate.request.yaml', 'command: order.create\nmap: {}\n');
    expect((await registry.reload()).errors).toEqual([]);
    expect(applyMapping(registry.request('21.3', 'AirShopping'), {})).toEqual({ version: 'new' });
  });

  it('keeps the old set when a shared code table breaks', async () => {
    const registry = await loadMappingRegistry({ mappingsPath: root, versions: ['21.3'] });
    await write('code-tables/cabins.yaml', 'tables:\n  cabinCodes: [5]\n');
    const result = await registry.reload();
    expect(result.errors[0]).toContain(`${join(root, 'code-tables/cabins.yaml')}:2:15: must be object`);
    expect(applyMapping(registry.request('21.3', 'AirShopping'), { Cabin: '5' })).toMatchObject({ cabin: 'ECONOMY' });
  });

  it('runs overlapping reloads one after the other', async () => {
    const registry = await loadMappingRegistry({ mappingsPath: root, versions: ['21.3'] });
    const results = await Promise.all([registry.reload(), registry.reload()]);
    expect(results).toEqual([{ loaded: 3, errors: [] }, { loaded: 3, errors: [] }]);
  });
});

describe('the served set is the mapped messages', () => {
  it('serves a message where both directions are mapped: request from the file name, response and command from the files', async () => {
    await write('21.3/OrderCreate.request.yaml', 'command: order.create\nmap: {}\n');
    await write('21.3/OrderCreate.response.yaml', 'message: OrderViewRS\nmap: {}\n');
    await write('24.4/version.yaml', "inherits: '21.3'\n");
    await write('24.4/OfferPrice.response.yaml', 'message: OfferPriceRS\nmap: {}\n');
    const registry = await loadMappingRegistry({ mappingsPath: root, versions: ['21.3', '24.4'] });
    expect(registry.mapped('21.3')).toEqual([
      { name: 'AirShopping', request: 'AirShoppingRQ', response: 'AirShoppingRS', command: 'offer.shop' },
      { name: 'OrderCreate', request: 'OrderCreateRQ', response: 'OrderViewRS', command: 'order.create' },
    ]);
    // OfferPrice has only a request in 21.3; 24.4 adds the response, so it is served there only
    expect(registry.mapped('24.4').map((m) => m.name)).toEqual(['AirShopping', 'OfferPrice', 'OrderCreate']);
    expect(registry.find('21.3', 'IATA_OrderCreateRQ')?.response).toBe('OrderViewRS');
    expect(registry.find('21.3', 'OrderCreateRQ')?.command).toBe('order.create');
    expect(registry.find('21.3', 'OfferPriceRQ')).toBeUndefined();
    expect(registry.find('21.3', 'AirShoppingRS')).toBeUndefined();
    expect(registry.mapped('17.2')).toEqual([]);
  });

  it('keeps a snapshot whole across a reload, so a running request never mixes old and new files', async () => {
    const registry = await loadMappingRegistry({ mappingsPath: root, versions: ['21.3'] });
    const before = registry.current();
    await write('21.3/AirShopping.response.yaml', 'message: AirShoppingRS\nmap:\n  Response: { map: { ShoppingResponseID: { path: id }, Note: new } }\n');
    await write('21.3/OfferPrice.response.yaml', 'message: OfferPriceRS\nmap: {}\n');
    expect((await registry.reload()).errors).toEqual([]);
    expect(applyMapping(before.response('21.3', 'AirShopping'), { id: 'S1' })).toEqual({ Response: { ShoppingResponseID: 'S1' } });
    expect(before.find('21.3', 'OfferPriceRQ')).toBeUndefined();
    expect(applyMapping(registry.current().response('21.3', 'AirShopping'), { id: 'S1' })).toEqual({ Response: { ShoppingResponseID: 'S1', Note: 'new' } });
    expect(registry.find('21.3', 'OfferPriceRQ')?.command).toBe('offer.price');
  });

  it('runs prepare on every new set before it is in force, and keeps the old set when prepare fails', async () => {
    const prepared: string[][] = [];
    let fail = false;
    const registry = await loadMappingRegistry({
      mappingsPath: root,
      versions: ['21.3'],
      prepare(next) {
        if (fail) throw new Error('schemas could not be compiled');
        prepared.push(next.mapped('21.3').map((m) => m.request));
      },
    });
    expect(prepared).toEqual([['AirShoppingRQ']]);
    await write('21.3/OfferPrice.response.yaml', 'message: OfferPriceRS\nmap: {}\n');
    fail = true;
    const failed = await registry.reload();
    expect(failed).toEqual({ loaded: 0, errors: [`${root}: schemas could not be compiled`] });
    expect(registry.find('21.3', 'OfferPriceRQ')).toBeUndefined();
    fail = false;
    expect((await registry.reload()).errors).toEqual([]);
    expect(prepared).toEqual([['AirShoppingRQ'], ['AirShoppingRQ', 'OfferPriceRQ']]);
    expect(registry.find('21.3', 'OfferPriceRQ')).toBeDefined();
  });
});

describe('normaliseMessageName', () => {
  it('strips the IATA_ prefix and the RQ/RS suffix only', () => {
    expect(normaliseMessageName('IATA_AirShoppingRQ')).toBe('AirShopping');
    expect(normaliseMessageName('OrderViewRS')).toBe('OrderView');
    expect(normaliseMessageName('OrderChangeNotif')).toBe('OrderChangeNotif');
  });
});
