import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../../src/tools/cli/cli-main.ts';
import { run } from '../../../src/tools/cli/mapping.command.ts';

const temp = mkdtempSync(join(tmpdir(), 'mapping-command-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** An in-memory terminal: what the command wrote to stdout and stderr. */
function createIo(): CliIo & { out(): string; err(): string } {
  const sink = (): Writable & { text: string } => {
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        stream.text += chunk.toString();
        done();
      },
    }) as Writable & { text: string };
    stream.text = '';
    return stream;
  };
  const stdout = sink();
  const stderr = sink();
  return { stdout, stderr, interactive: false, out: () => stdout.text, err: () => stderr.text };
}

async function mapping(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = createIo();
  const code = await run(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe('ndc-gateway mapping', () => {
  it('answers usage errors with exit code 2 and help with 0', async () => {
    expect((await mapping()).code).toBe(2);
    expect(await mapping('--help')).toMatchObject({ code: 0, out: expect.stringContaining('lint [files|folders...]') });
    expect(await mapping('frobnicate')).toMatchObject({ code: 2, err: expect.stringContaining("Unknown mapping subcommand 'frobnicate'") });
    for (const sub of ['lint', 'test', 'scaffold']) {
      expect((await mapping(sub, '--help')).code, sub).toBe(0);
      expect((await mapping(sub, '--no-such-option')).code, sub).toBe(2);
    }
  });

  it('is reached through the CLI dispatcher', async () => {
    const io = createIo();
    expect(await runCli(['mapping', 'lint', '--format', 'json'], io)).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({ errorCount: 0 });
  });
});

describe('ndc-gateway mapping lint', () => {
  it('passes the real mappings folder', async () => {
    const result = await mapping('lint');
    expect(result.code, result.out).toBe(0);
    expect(result.out).toMatch(/files linted: 0 errors, 0 warnings\n$/);
  });

  it('fails a typo in a request path and in a response key, naming line, column and the closest name', async () => {
    const root = join(temp, 'lint');
    mkdirSync(join(root, '21.3'), { recursive: true });
    writeFileSync(join(root, '21.3/OfferPrice.request.yaml'), 'command: offer.price\nmap:\n  offerId: { path: Request.PricedOffer.SelectedOfferList.SelectedOffer.OfferRefId }\n');
    writeFileSync(join(root, '21.3/OfferPrice.response.yaml'), 'message: OfferPriceRS\nmap:\n  Response:\n    map:\n      PricedOffer:\n        map:\n          OfferId: { path: offerId }\n');
    const result = await mapping('lint', root);
    expect(result.code).toBe(1);
    expect(result.out).toContain(`${join(root, '21.3/OfferPrice.request.yaml')}:3:72: error [unknown-element] 'OfferRefId' is not an element of SelectedOffer (did you mean OfferRefID?)`);
    expect(result.out).toContain(`${join(root, '21.3/OfferPrice.response.yaml')}:7:11: error [unknown-element] 'OfferId' is not an element of PricedOffer (did you mean OfferID?)`);
    expect(result.out).toMatch(/2 files linted: 2 errors, 0 warnings/);
    const json = await mapping('lint', root, '--format', 'json');
    expect(JSON.parse(json.out)).toMatchObject({ errorCount: 2, issues: [{ line: 3, column: 72, suggestions: ['OfferRefID'] }, { line: 7, suggestions: ['OfferID'] }] });
  });

  it('lints outbound mappings the other way round: RQ keys and RS paths against the XSDs of every version using them', async () => {
    const root = join(temp, 'lint-outbound');
    mkdirSync(join(root, 'outbound/21.3'), { recursive: true });
    mkdirSync(join(root, 'outbound/26.1'), { recursive: true });
    writeFileSync(join(root, 'outbound/21.3/version.yaml'), 'errors:\n  OFFER_GONE: NO_SUCH_CODE\n');
    writeFileSync(join(root, 'outbound/26.1/version.yaml'), "inherits: '21.3'\n");
    writeFileSync(join(root, 'outbound/21.3/offer.price.request.yaml'), 'message: OfferPriceRQ\nmap:\n  Request:\n    map:\n      PricedOffer:\n        map:\n          SelectedOfferLst: { path: offerId }\n');
    writeFileSync(join(root, 'outbound/21.3/offer.price.response.yaml'), 'command: offer.price\nmap:\n  offerId: { path: Response.PricedOffer.OfferId }\n');
    writeFileSync(join(root, 'outbound/21.3/offer.prize.response.yaml'), 'command: offer.prize\nmap:\n  offerId: { path: Response.PricedOffer.OfferID }\n');
    const result = await mapping('lint', root);
    expect(result.code).toBe(1);
    expect(result.out).toContain(`${join(root, 'outbound/21.3/offer.price.request.yaml')}:7:11: error [unknown-element] 'SelectedOfferLst' is not an element of PricedOffer (did you mean SelectedOfferList?) (NDC 21.3, 26.1;`);
    expect(result.out).toContain(`${join(root, 'outbound/21.3/offer.price.response.yaml')}:3:41: error [unknown-element] 'OfferId' is not an element of PricedOffer (did you mean OfferID?) (NDC 21.3, 26.1;`);
    expect(result.out).toContain(`${join(root, 'outbound/21.3/offer.prize.response.yaml')}:1:10: error [unknown-command] 'offer.prize' is not a command of the airline contract`);
    expect(result.out).toMatch(/outbound\/21\.3\/version\.yaml:2:15: error \[load\] 'NO_SUCH_CODE' is not a gateway error code/);
  });

  it('answers a missing target or a bad version with exit code 2', async () => {
    expect((await mapping('lint', join(temp, 'nowhere'))).code).toBe(2);
    expect((await mapping('lint', '--ndc-version', '21')).code).toBe(2);
    expect((await mapping('lint', '--format', 'xml')).code).toBe(2);
  });
});

describe('ndc-gateway mapping test', () => {
  it('passes every real fixture case, responses validated against their XSD', async () => {
    const result = await mapping('test');
    expect(result.code, result.out).toBe(0);
    expect(result.out).toMatch(/^ok {3}21\.3 air-shopping-round-trip-multi-ptc$/m);
    expect(result.out).toMatch(/(\d+) cases: \1 passed, 0 failed\n$/);
  });

  it('fails a doctored expected.xml with the first differing paths', async () => {
    const dir = join(temp, 'fixtures/21.3/offer-price-all-items');
    cpSync('fixtures/mapping/21.3/offer-price-all-items', dir, { recursive: true });
    const expected = readFileSync(join(dir, 'expected.xml'), 'utf8');
    const doctored = expected.replace(/(<(?:\w+:)?OfferItemID>)([^<]+)</, '$1DOCTORED<');
    expect(doctored).not.toBe(expected);
    writeFileSync(join(dir, 'expected.xml'), doctored);
    const result = await mapping('test', join(temp, 'fixtures'));
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^FAIL 21\.3 offer-price-all-items/m);
    expect(result.out).toMatch(/expected\.xml: 1 difference\n {4}\/IATA_OfferPriceRS\/Response\/PricedOffer\/OfferItem\[1\]\/OfferItemID: expected 'DOCTORED', got '[^']+'/);
    expect(result.out).toContain('1 case: 0 passed, 1 failed');
    const json = JSON.parse((await mapping('test', join(temp, 'fixtures'), '--format', 'json', '--skip-xsd')).out) as { failed: number; outcomes: { response: { differences: { path: string }[] } }[] };
    expect(json.failed).toBe(1);
    expect(json.outcomes[0]?.response.differences[0]?.path).toBe('/IATA_OfferPriceRS/Response/PricedOffer/OfferItem[1]/OfferItemID');
  });

  it('runs the outbound cases too: the RQ built and XSD-checked, the airline RS read into the result', async () => {
    const result = await mapping('test');
    expect(result.out).toMatch(/^ok {3}outbound 21\.3 offer-shop-round-trip-multi-ptc$/m);
    expect(result.out).toMatch(/^ok {3}outbound 21\.3 inventory-issue-settlement-card$/m);
    const dir = join(temp, 'outbound-fixtures/outbound/21.3/inventory-issue-settlement-card');
    cpSync('fixtures/mapping/outbound/21.3/inventory-issue-settlement-card', dir, { recursive: true });
    writeFileSync(join(dir, 'request.xml'), readFileSync(join(dir, 'request.xml'), 'utf8').replace('<cns:ExpirationDate>1230<', '<cns:ExpirationDate>0130<'));
    const doctored = await mapping('test', join(temp, 'outbound-fixtures'));
    expect(doctored.code).toBe(1);
    expect(doctored.out).toMatch(/^FAIL outbound 21\.3 inventory-issue-settlement-card/m);
    expect(doctored.out).toMatch(/request\.xml: 1 difference\n {4}\/IATA_OrderChangeRQ\/Request\/PaymentFunctions\[1\]\/PaymentProcessingDetails\/PaymentMethod\/PaymentCard\/ExpirationDate: expected '0130', got '1230'/);
  });

  it('answers a folder without cases or an unknown version with exit code 2', async () => {
    mkdirSync(join(temp, 'empty'), { recursive: true });
    expect((await mapping('test', join(temp, 'empty'))).code).toBe(2);
    expect((await mapping('test', join(temp, 'missing'))).code).toBe(2);
    expect((await mapping('test', '--ndc-version', '99.9')).code).toBe(2);
  });
});

describe('ndc-gateway mapping scaffold', () => {
  it('writes four files, refuses to overwrite them without --force, and replaces them with it', async () => {
    const out = join(temp, 'scaffold');
    const first = await mapping('scaffold', 'OrderRules', '--ndc-version', '21.3', '--command', 'order.rulesCheck', '--out', out);
    expect(first.code, first.err).toBe(0);
    for (const name of ['OrderRules.request.yaml', 'OrderRules.response.yaml', 'order.rulesCheck.json', 'order.rulesCheck.result.json']) {
      expect(existsSync(join(out, name)), name).toBe(true);
    }
    const again = await mapping('scaffold', 'OrderRules', '--ndc-version', '21.3', '--command', 'order.rulesCheck', '--out', out);
    expect(again).toMatchObject({ code: 1, err: expect.stringContaining('Not overwriting') });
    expect((await mapping('scaffold', 'OrderRules', '--ndc-version', '21.3', '--command', 'order.rulesCheck', '--out', out, '--force')).code).toBe(0);
  });

  it('answers a missing version, an unknown message or a bad command name with exit code 2', async () => {
    expect((await mapping('scaffold', 'OrderRules')).code).toBe(2);
    expect((await mapping('scaffold', '--ndc-version', '21.3')).code).toBe(2);
    expect(await mapping('scaffold', 'NoSuchThing', '--ndc-version', '21.3', '--out', join(temp, 'x'))).toMatchObject({ code: 2, err: expect.stringContaining('IATA_NoSuchThingRQ') });
    expect((await mapping('scaffold', 'OrderRules', '--ndc-version', '21.3', '--command', 'Bad Name', '--out', join(temp, 'x'))).code).toBe(2);
  });
});

describe('ndc-gateway mapping as a process', () => {
  it('lints the real mappings from bin/ndc-gateway.js', () => {
    const child = spawnSync(process.execPath, ['bin/ndc-gateway.js', 'mapping', 'lint'], { encoding: 'utf8', timeout: 60_000 });
    expect(child.status, `${child.stdout}${child.stderr}`).toBe(0);
    expect(child.stdout).toMatch(/files linted: 0 errors, 0 warnings/);
  });
});
