import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.ts';
import { importSchemaPackage, SchemaImportError, type ImportResult } from '../schemas/import-schema-package.ts';
import { listSchemaPackages, type InstalledPackage } from '../schemas/list-schema-packages.ts';
import { createLibxml2WasmEngine } from '../xsd/libxml2-wasm-engine.ts';
import { EXIT, type CliIo } from './cli-io.ts';

/**
 * `ndc-gateway schemas`: installs an IATA schema package as IATA distributes it, and shows what
 * is installed. The gateway and `validate` then find it under the schema path.
 */

const USAGE = `Usage:
  ndc-gateway schemas import <zip|folder> [--schema-path DIR] [--force] [--ndc-version V]
  ndc-gateway schemas list [--schema-path DIR]

import   finds the XSDs inside the zip or folder (a top-level folder or deeper nesting is fine),
         tells the NDC version from the message schemas' ids and namespaces, installs the package
         as <schema path>/<version>/, compiles every message schema, and writes
         <version>/manifest.json (sha256 of every file, version, import time, compile results).
         An installed version is only replaced with --force. --ndc-version overrides detection.
list     shows each installed version: files, message schemas, whether the files still match
         the manifest, and the message schemas that did not compile at import.

--schema-path DIR   where packages live (default: NDC_SCHEMA_PATH)

Exit codes: 0 done, 2 usage error, nothing to import, or a version already installed.
`;

const OPTIONS = {
  'schema-path': { type: 'string' },
  force: { type: 'boolean', default: false },
  'ndc-version': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function describeImport(result: ImportResult): string {
  const { compile } = result;
  const total = compile.compiled.length + compile.failures.length;
  const lines = [
    `Detected NDC ${result.version} (${result.detectedFrom})`,
    `${result.replaced ? 'Replaced' : 'Installed'} ${result.files} files in ${result.target}`,
  ];
  if (result.skipped.length > 0) lines.push(`Left out ${result.skipped.length} file(s) outside the package folder: ${result.skipped.join(', ')}`);
  lines.push(`Compiled ${compile.compiled.length} of ${total} message schemas with ${compile.engine}${compile.failures.length > 0 ? `; ${compile.failures.length} failed (the gateway refuses these messages):` : ''}`);
  for (const failure of compile.failures) lines.push(`  ${failure.message} (${failure.file}): ${failure.error}`);
  lines.push(`Manifest written to ${result.target}/manifest.json`);
  return `${lines.join('\n')}\n`;
}

function describeManifest(pkg: InstalledPackage): string {
  const m = pkg.manifest;
  if (m.state !== 'modified') return m.state === 'unreadable' ? `unreadable (${m.error})` : m.state;
  const parts = [
    ...(m.changed.length > 0 ? [`${m.changed.length} changed`] : []),
    ...(m.missing.length > 0 ? [`${m.missing.length} missing`] : []),
    ...(m.added.length > 0 ? [`${m.added.length} added`] : []),
  ];
  return `modified (${parts.join(', ')})`;
}

function describeList(schemaPath: string, packages: readonly InstalledPackage[]): string {
  if (packages.length === 0) return `No schema packages installed in ${schemaPath}\n`;
  const rows = packages.map((p) => [
    p.version,
    String(p.files),
    String(p.messages),
    describeManifest(p),
    p.compileFailures === undefined ? 'unknown (no manifest)' : p.compileFailures.length === 0 ? 'none' : p.compileFailures.map((f) => f.message).join(', '),
  ]);
  const header = ['version', 'files', 'messages', 'manifest', 'compile failures'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const format = (cells: readonly string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  const details = packages.flatMap((p) => {
    const m = p.manifest;
    if (m.state !== 'modified') return [];
    return [
      ...m.changed.map((f) => `  ${p.version}: changed ${f}`),
      ...m.missing.map((f) => `  ${p.version}: missing ${f}`),
      ...m.added.map((f) => `  ${p.version}: added ${f}`),
    ];
  });
  return `Schema path: ${schemaPath}\n${[format(header), ...rows.map(format)].join('\n')}\n${details.length > 0 ? `\n${details.join('\n')}\n` : ''}`;
}

export async function run(args: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const [action, ...rest] = positionals;
  if (values.help) {
    io.stdout.write(USAGE);
    return EXIT.ok;
  }
  const schemaPath = resolve(values['schema-path'] ?? loadConfig().schemaPath);

  if (action === 'list' && rest.length === 0) {
    io.stdout.write(describeList(schemaPath, listSchemaPackages(schemaPath)));
    return EXIT.ok;
  }
  if (action === 'import' && rest.length === 1) {
    const version = values['ndc-version'];
    if (version !== undefined && !/^\d{2}\.\d$/.test(version)) {
      io.stderr.write(`--ndc-version takes a version such as 21.3, not '${version}'\n`);
      return EXIT.usage;
    }
    try {
      const result = await importSchemaPackage({
        source: rest[0] as string,
        schemaPath,
        engine: await createLibxml2WasmEngine(),
        force: values.force,
        ...(version === undefined ? {} : { version }),
      });
      io.stdout.write(describeImport(result));
      return EXIT.ok;
    } catch (error) {
      if (!(error instanceof SchemaImportError)) throw error;
      io.stderr.write(`${error.message}\n`);
      return EXIT.usage;
    }
  }
  io.stderr.write(USAGE);
  return EXIT.usage;
}
