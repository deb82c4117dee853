import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, postXml, type RunningGateway } from '../../support/start-gateway.ts';
import { errorCodeOf } from '../../support/ndc-doc.ts';
import { listSamples } from '../../support/samples.ts';

const shopping = listSamples('21.3', ['AirShoppingRQ']).find((s) => s.name.includes('flexible_fares'))!;

/** Streams a large body, stopping quietly if the server answers and closes first. */
function postLarge(url: string, bytes: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/xml', 'content-length': String(bytes) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    let sent = 0;
    const pump = (): void => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!req.write(sent === chunk.length ? Buffer.concat([Buffer.from('<IATA_AirShoppingRQ>'), chunk.subarray(20)]) : chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

describe('hostile input gets a clear NDC error and never hurts the process', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway({ NDC_VERSIONS: '21.3' });
  });
  afterAll(async () => {
    await gw?.close();
  });

  const cases: { name: string; body: string | Buffer; status: number; code: string }[] = [
    { name: 'XXE (external entity)', body: '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><IATA_AirShoppingRQ xmlns="http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage">&x;</IATA_AirShoppingRQ>', status: 400, code: 'FORBIDDEN_XML_CONSTRUCT' },
    {
      name: 'billion laughs',
      body: `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><IATA_AirShoppingRQ xmlns="http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage">&lol9;</IATA_AirShoppingRQ>`,
      status: 400,
      code: 'FORBIDDEN_XML_CONSTRUCT',
    },
    { name: 'deep nesting (100k levels)', body: `<IATA_AirShoppingRQ xmlns="http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage">${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</IATA_AirShoppingRQ>`, status: 400, code: 'MALFORMED_XML' },
    { name: 'invalid UTF-8', body: Buffer.concat([Buffer.from('<IATA_AirShoppingRQ xmlns="http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage">\n<x>'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('</x></IATA_AirShoppingRQ>')]), status: 400, code: 'MALFORMED_XML' },
    { name: 'empty body', body: '', status: 400, code: 'EMPTY_BODY' },
    { name: 'whitespace body', body: '   \n  ', status: 400, code: 'EMPTY_BODY' },
    { name: 'unknown root', body: '<Hello xmlns="http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage"/>', status: 400, code: 'UNKNOWN_MESSAGE' },
    { name: 'unknown namespace', body: '<IATA_AirShoppingRQ xmlns="urn:not-ndc"/>', status: 400, code: 'UNSUPPORTED_VERSION' },
    { name: 'not XML at all', body: '{"json": true}', status: 400, code: 'MALFORMED_XML' },
    { name: 'unclosed element', body: '<IATA_AirShoppingRQ xmlns="http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage">\n  <DistributionChain>\n</IATA_AirShoppingRQ>', status: 400, code: 'MALFORMED_XML' },
  ];

  it.each(cases)('$name → $status $code', async ({ body, status, code }) => {
    const answer = await postXml(`${gw.url}/api/v1/ndc`, body);
    expect(answer.status).toBe(status);
    expect(errorCodeOf(answer.text), answer.text.slice(0, 500)).toBe(code);
    expect(answer.headers.get('x-correlation-id')).toBeTruthy();
  });

  it('reports the line and column of a well-formedness error', async () => {
    const answer = await postXml(`${gw.url}/api/v1/ndc`, cases.find((c) => c.name === 'unclosed element')!.body);
    expect(answer.text).toMatch(/line 3/);
    expect(answer.text).toMatch(/column \d+/);
  });

  it('answers a 60 MB body with 413 without reading it all', async () => {
    const answer = await postLarge(`${gw.url}/api/v1/ndc`, 60 * 1024 * 1024);
    expect(answer.status).toBe(413);
    expect(errorCodeOf(answer.text)).toBe('BODY_TOO_LARGE');
  });

  it('refuses a non-XML content type with 415', async () => {
    const answer = await postXml(`${gw.url}/api/v1/ndc`, readFileSync(shopping.file), { 'content-type': 'application/json' });
    expect(answer.status).toBe(415);
  });

  it('refuses a document whose root does not match the route', async () => {
    const answer = await postXml(`${gw.url}/api/v1/ndc/OfferPrice`, readFileSync(shopping.file));
    expect(answer.status).toBe(400);
    expect(errorCodeOf(answer.text)).toBe('MESSAGE_ROUTE_MISMATCH');
  });

  it('is still healthy and serving after all of it', async () => {
    const health = await fetch(`${gw.url}/api/v1/monitoring/health`);
    expect(health.status).toBe(200);
    const answer = await postXml(`${gw.url}/api/v1/ndc/AirShopping`, readFileSync(shopping.file));
    expect(answer.status).toBeLessThan(500);
  });
});
