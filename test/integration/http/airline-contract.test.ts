import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.ts';
import { createGateway, type Gateway } from '../../../src/gateway.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { parseXml } from '../../../src/xml/index.ts';
import { asList, type Doc } from '../../support/ndc-doc.ts';
import { FIXTURES_PATH, SCHEMA_PATH } from '../../support/paths.ts';
import { schemaFileOf } from '../../support/samples.ts';
import { postXml } from '../../support/start-gateway.ts';
import { json, startStubServer, type StubServer } from '../../support/stub-server.ts';
import { xmllintText } from '../../support/xmllint.ts';

/**
 * An airline whose answer breaks the airline contract: the gateway refuses the answer where it
 * enters (the airline client in the worker), and the client gets an NDC error naming the airline
 * and the command, instead of a response mapped from data of the wrong shape.
 */

const CASE = join(FIXTURES_PATH, 'mapping', '21.3', 'air-shopping-single-adult-direct-default-currency');

describe('an airline answer that breaks the airline contract', () => {
  let airline: StubServer;
  let gateway: Gateway;
  let server: Server;
  let url: string;
  let folder: string;

  beforeAll(async () => {
    const shopped = JSON.parse(readFileSync(join(CASE, 'result.json'), 'utf8')) as Record<string, unknown>;
    const { shoppingResponseId: _dropped, ...broken } = shopped;
    airline = await startStubServer((req, res) => {
      if (req.url === '/health') return json(res, 200, { status: 'ok' });
      return json(res, 200, req.url === '/v1/offer.shop' ? broken : {});
    });
    folder = mkdtempSync(join(tmpdir(), 'airline-contract-'));
    const config = loadConfig({
      NDC_SCHEMA_PATH: SCHEMA_PATH, NDC_VERSIONS: '21.3', LOG_LEVEL: 'silent', QUEUE_PREFIX: `test-${randomUUID()}`,
      DATA_DIR: folder, MAPPINGS_WATCH: 'false', PORT: '0',
    });
    gateway = await createGateway(config, createLogger('silent'), { airlineUrl: airline.url, paymentUrl: airline.url });
    server = await new Promise((resolve) => {
      const s = gateway.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await gateway?.close();
    await airline?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('is answered with a valid AirShoppingRS error naming the airline, the command and the field', async () => {
    const { status, text } = await postXml(`${url}/api/v1/ndc`, readFileSync(join(CASE, 'request.xml')));
    expect(status).toBe(500);
    expect(gateway.deps.schemas.get('21.3', 'AirShoppingRS').validate(text), text).toEqual([]);
    const lint = xmllintText(schemaFileOf('21.3', 'AirShoppingRS'), text);
    expect(lint.valid, lint.output).toBe(true);
    const doc = parseXml(text, { model: gateway.deps.models.get('21.3', 'AirShoppingRS') }).document as Doc;
    expect(doc.Response).toBeUndefined();
    const error = asList<Doc>(doc.Error)[0];
    expect(error).toMatchObject({ TypeCode: 'INTERNAL_ERROR', Code: '911', TagText: '/' });
    expect(error?.DescText).toBe("Airline XR answered offer.shop with a result that breaks the airline contract (offer.shop.result.json): / must have required property 'shoppingResponseId'");
  });
});
