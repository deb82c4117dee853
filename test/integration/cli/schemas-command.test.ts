import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as runSchemas } from '../../../src/tools/cli/schemas.command.ts';
import { run as runValidate } from '../../../src/tools/cli/validate.command.ts';
import { hashFile, type SchemaManifest } from '../../../src/tools/schemas/schema-manifest.ts';
import { SAMPLES_PATH, SCHEMA_PATH } from '../../support/paths.ts';
import { entriesOfFolder, writeZip } from '../../support/zip-writer.ts';
import { captureIo } from './cli-io.ts';

let dir: string;
let zip213: string;

async function schemas(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIo();
  const code = await runSchemas(args, io);
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

function readManifest(folder: string): SchemaManifest {
  return JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as SchemaManifest;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'schemas-command-'));
  // As IATA hands it out: a top-level folder, the XSDs a level deeper, a readme beside them.
  zip213 = join(dir, 'NDC_21.3.5_Distribution.zip');
  writeZip(zip213, [
    { name: 'NDC_21.3.5_Distribution/README.txt', data: Buffer.from('IATA NDC 21.3.5 schemas\n') },
    ...entriesOfFolder(join(SCHEMA_PATH, '21.3'), 'NDC_21.3.5_Distribution/Schemas/'),
  ]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ndc-gateway schemas import', () => {
  it('installs a zipped 21.3 package with nested folders, detects the version and writes the manifest', async () => {
    const schemaPath = join(dir, 'installed-zip');
    const started = performance.now();
    const { code, stdout } = await schemas(['import', zip213, '--schema-path', schemaPath]);
    const elapsed = performance.now() - started;
    expect(code).toBe(0);
    expect(stdout).toContain('Detected NDC 21.3 (highest release id IATA2021.3.5 among 39 Offers & Orders message schemas)');
    expect(stdout).toContain('Left out 1 file(s) outside the package folder: NDC_21.3.5_Distribution/README.txt');
    expect(stdout).toContain('Compiled 49 of 49 message schemas on their own with libxml2-wasm');
    expect(stdout).toContain('  one schema for the 39 message schemas of http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage\n');
    expect(stdout).toContain('  compiled on their own, each the only message schema of its namespace: PaymentClearanceCancellationRQ, ');

    const target = join(schemaPath, '21.3');
    const sourceFiles = readdirSync(join(SCHEMA_PATH, '21.3')).sort();
    expect(readdirSync(target).sort()).toEqual([...sourceFiles, 'manifest.json'].sort());
    const manifest = readManifest(target);
    expect(manifest).toMatchObject({ manifestVersion: 1, version: '21.3', source: zip213, compile: { engine: 'libxml2-wasm', failures: [] } });
    expect(Date.parse(manifest.importedAt)).toBeGreaterThan(Date.now() - 600_000);
    expect(Object.keys(manifest.files).sort()).toEqual(sourceFiles);
    expect(manifest.files['IATA_AirShoppingRQ.xsd']).toBe(hashFile(join(SCHEMA_PATH, '21.3', 'IATA_AirShoppingRQ.xsd')));
    expect(manifest.compile.compiled).toContain('AirShoppingRQ');
    expect(manifest.compile.combined).toEqual([
      { namespace: 'http://www.iata.org/IATA/2015/EASD/00/IATA_OffersAndOrdersMessage', messages: expect.arrayContaining(['AirShoppingRQ', 'OrderViewRS']), excluded: [] },
    ]);
    expect(manifest.compile.combined?.[0]?.messages).toHaveLength(39);
    expect(elapsed).toBeLessThan(60_000);

    // the gateway's tools find it there
    const io = captureIo();
    const valid = join(SAMPLES_PATH, '21.3', 'AirShoppingRQ__VS__airshopping_airshoppingrq_with_corpID.xml');
    expect(await runValidate(['--schema-path', schemaPath, valid], io)).toBe(0);
  });

  it.each([
    ['24.4', 'highest release id IATA2024.4', 'OrderChangeNotifRQ (IATA_OrderChangeNotifRQ.xsd)', 'OrderChangeNotifRQ does not compile on its own as published, and is served through the combined schema'],
    ['17.2', 'namespace http://www.iata.org/IATA/EDIST/2017.2', 'AirDocDisplayRQ (AirDocDisplayRQ.xsd)', 'AirDocDisplayRQ is refused: it compiles neither in the combined schema nor on its own'],
  ])('installs the %s folder and reports the schema that does not compile as published', async (version, evidence, failure, serving) => {
    const schemaPath = join(dir, `installed-${version}`);
    const { code, stdout } = await schemas(['import', join(SCHEMA_PATH, version), '--schema-path', schemaPath]);
    expect(code).toBe(0);
    expect(stdout).toContain(`Detected NDC ${version} (${evidence}`);
    expect(stdout).toMatch(/Compiled 47 of 48 message schemas on their own with libxml2-wasm; 1 failed/);
    expect(stdout).toContain(`  ${failure}: `);
    expect(stdout).toContain(`The gateway serves them as follows:\n`);
    expect(stdout).toContain(`  ${serving} (`);
    const manifest = readManifest(join(schemaPath, version));
    expect(manifest.compile.failures).toEqual([expect.objectContaining({ message: failure.split(' ')[0] })]);
  });

  it('detects 19.2 from its per-message namespaces', async () => {
    const schemaPath = join(dir, 'installed-19.2');
    const { code, stdout } = await schemas(['import', join(SCHEMA_PATH, '19.2'), '--schema-path', schemaPath]);
    expect(code).toBe(0);
    expect(stdout).toContain('Detected NDC 19.2 (namespace http://www.iata.org/IATA/2015/00/2019.2/');
  });

  it('refuses to overwrite an installed version unless forced', async () => {
    const schemaPath = join(dir, 'overwrite');
    expect((await schemas(['import', join(SCHEMA_PATH, '26.1'), '--schema-path', schemaPath])).code).toBe(0);
    const first = readManifest(join(schemaPath, '26.1'));
    writeFileSync(join(schemaPath, '26.1', 'stray.txt'), 'left by hand');

    const refused = await schemas(['import', join(SCHEMA_PATH, '26.1'), '--schema-path', schemaPath]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`NDC 26.1 is already installed at ${join(schemaPath, '26.1')}; use --force to replace it`);
    expect(existsSync(join(schemaPath, '26.1', 'stray.txt'))).toBe(true);

    const forced = await schemas(['import', join(SCHEMA_PATH, '26.1'), '--schema-path', schemaPath, '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('Replaced 52 files');
    expect(existsSync(join(schemaPath, '26.1', 'stray.txt'))).toBe(false);
    expect(readManifest(join(schemaPath, '26.1')).importedAt >= first.importedAt).toBe(true);
    expect(readdirSync(schemaPath)).toEqual(['26.1']);

    // re-importing the installed folder itself replaces it with an identical package and a new manifest
    const again = await schemas(['import', join(schemaPath, '26.1'), '--schema-path', schemaPath, '--force']);
    expect(again.code).toBe(0);
    expect(readManifest(join(schemaPath, '26.1')).files).toEqual(first.files);
    const listed = (await schemas(['list', '--schema-path', schemaPath])).stdout;
    expect(listed).toMatch(/^26\.1 +52 +47 +matches +at import +36 +11 +none$/m);
    expect(listed).toMatch(/^ {2}26\.1: OrderHistoryRS is compiled on its own: it does not compile together with the other message schemas of its namespace \(.*'ChangeGroupType' does already exist/m);
  });

  it('installs under the version given with --ndc-version', async () => {
    const schemaPath = join(dir, 'named');
    const { code, stdout } = await schemas(['import', join(SCHEMA_PATH, '19.2'), '--schema-path', schemaPath, '--ndc-version', '20.1']);
    expect(code).toBe(0);
    expect(stdout).toContain('Detected NDC 20.1 (given with --ndc-version)');
    expect(existsSync(join(schemaPath, '20.1', 'manifest.json'))).toBe(true);
  });

  it('refuses what is not a schema package', async () => {
    const schemaPath = join(dir, 'refused');
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'not a zip');
    const empty = join(dir, 'empty-folder');
    mkdirSync(join(empty, 'docs'), { recursive: true });
    writeFileSync(join(empty, 'docs', 'types.xsd'), '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"/>');
    const evil = join(dir, 'evil.zip');
    writeZip(evil, [{ name: '../escape.xsd', data: Buffer.from('<x/>') }]);

    const cases: [string, RegExp][] = [
      [join(dir, 'nope.zip'), /does not exist/],
      [text, /is neither a folder nor a zip/],
      [empty, /No NDC message schema/],
      [evil, /cannot be unpacked/],
    ];
    for (const [source, message] of cases) {
      const result = await schemas(['import', source, '--schema-path', schemaPath]);
      expect(result.code, source).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    expect(existsSync(join(dir, 'escape.xsd'))).toBe(false);
    expect(existsSync(schemaPath) ? readdirSync(schemaPath) : []).toEqual([]);
  });

  it('exits 2 for a usage error', async () => {
    expect((await schemas(['import'])).code).toBe(2);
    expect((await schemas(['frobnicate'])).code).toBe(2);
    expect((await schemas(['import', zip213, '--ndc-version', 'x'])).code).toBe(2);
    const help = await schemas(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('ndc-gateway schemas import <zip|folder>');
  });
});

describe('ndc-gateway schemas list', () => {
  it('shows files, messages, manifest state and how the gateway serves the messages of each version', async () => {
    const schemaPath = join(dir, 'listed');
    expect((await schemas(['import', join(SCHEMA_PATH, '24.4'), '--schema-path', schemaPath])).code).toBe(0);
    expect((await schemas(['import', join(SCHEMA_PATH, '19.2'), '--schema-path', schemaPath])).code).toBe(0);
    cpSync(join(SCHEMA_PATH, '19.2'), join(schemaPath, '19.9'), { recursive: true });

    const clean = await schemas(['list', '--schema-path', schemaPath]);
    expect(clean.code).toBe(0);
    const rows = clean.stdout.split('\n');
    expect(rows[0]).toBe(`Schema path: ${schemaPath}`);
    expect(rows[1]).toMatch(/^version +files +messages +manifest +compiled +combined +alone +refused$/);
    expect(rows[2]).toMatch(/^19\.2 +4 +4 +matches +at import +0 +4 +none$/);
    // no manifest to tell: compiled now
    expect(rows[3]).toMatch(/^19\.9 +4 +4 +no manifest +now +0 +4 +none$/);
    expect(rows[4]).toMatch(/^24\.4 +52 +48 +matches +at import +38 +10 +none$/);
    expect(clean.stdout).toContain('  19.9: compiled on their own, each the only message schema of its namespace: AirShoppingRQ, AirShoppingRS, OfferPriceRQ, OfferPriceRS\n');
    expect(clean.stdout).toMatch(/^ {2}24\.4: OrderChangeNotifRQ does not compile on its own as published, and is served through the combined schema \(IATA_OrderChangeNotifRQ\.xsd does not compile: .*ChangeGroupType/m);

    appendFileSync(join(schemaPath, '24.4', 'IATA_AirShoppingRQ.xsd'), '\n<!-- edited -->\n');
    rmSync(join(schemaPath, '24.4', 'IATA_OrderRulesRS.xsd'));
    writeFileSync(join(schemaPath, '24.4', 'extra.xsd'), '<x/>');
    const edited = await schemas(['list', '--schema-path', schemaPath]);
    // the files no longer match the manifest: compiled now
    expect(edited.stdout).toMatch(/^24\.4 +52 +47 +modified \(1 changed, 1 missing, 1 added\) +now +37 +10 +none$/m);
    expect(edited.stdout).toContain('  24.4: changed IATA_AirShoppingRQ.xsd\n  24.4: missing IATA_OrderRulesRS.xsd\n  24.4: added extra.xsd\n');
  });

  it('lists the shared packages, which have no manifest, compiling them now', async () => {
    const { code, stdout } = await schemas(['list', '--schema-path', SCHEMA_PATH]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^17\.2 +52 +48 +no manifest +now +47 +0 +AirDocDisplayRQ$/m);
    expect(stdout).toMatch(/^21\.3 +53 +49 +no manifest +now +39 +10 +none$/m);
    expect(stdout).toMatch(/^24\.4 +52 +48 +no manifest +now +38 +10 +none$/m);
    expect(stdout).toMatch(/^26\.1 +52 +47 +no manifest +now +36 +11 +none$/m);
    expect(stdout).toMatch(/^ {2}17\.2: AirDocDisplayRQ is refused: it compiles neither in the combined schema nor on its own \(AirDocDisplayRQ\.xsd does not compile: .*XML declaration allowed only at the start/m);
    expect(stdout).toMatch(/^ {2}24\.4: OrderChangeNotifRQ does not compile on its own as published, and is served through the combined schema/m);
    expect(stdout).toMatch(/^ {2}26\.1: OrderHistoryRS is compiled on its own: it does not compile together with the other message schemas of its namespace/m);
  });

  it('says when nothing is installed', async () => {
    const { code, stdout } = await schemas(['list', '--schema-path', join(dir, 'nothing-here')]);
    expect(code).toBe(0);
    expect(stdout).toContain('No schema packages installed in');
  });
});
