import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/config.ts';
import { importSchemaPackage, SchemaImportError, type ImportResult } from '../schemas/import-schema-package.ts';
import { listSchemaPackages, type InstalledPackage } from '../schemas/list-schema-packages.ts';
import { describePackageServing, type PackageServing } from '../schemas/package-serving.ts';
import type { CompileResults } from '../schemas/schema-manifest.ts';
import { createLibxml2WasmEngine } from '../../xsd/libxml2-wasm-engine.ts';
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
         as <schema path>/<version>/, compiles every message schema on its own and the message
         schemas of each namespace as one schema (as the gateway does), and writes
         <version>/manifest.json (sha256 of every file, version, import time, compile results).
         An installed version is only replaced with --force. --ndc-version overrides detection.
list     shows each installed version: files, message schemas, whether the files still match
         the manifest, and how the gateway serves the messages: through the one schema of their
         namespace, compiled on their own (and why), or refused. Results come from the manifest
         while the files match it, else the schemas are compiled now.

--schema-path DIR   where packages live (default: NDC_SCHEMA_PATH)

Exit codes: 0 done, 2 usage error, nothing to import, or a version already installed.
`;

const OPTIONS = {
  'schema-path': { type: 'string' },
  force: { type: 'boolean', default: false },
  'ndc-version': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** What the gateway does with each message: one line per point worth saying, as plain sentences. */
function describeServing(serving: PackageServing): string[] {
  const only = serving.onlyOfNamespace;
  return [
    ...serving.combined.map((c) => `one schema for the ${c.messages.length} message schemas of ${c.namespace}`),
    ...(only.length > 0 ? [`compiled on their own, each the only message schema of its namespace: ${only.join(', ')}`] : []),
    ...serving.excluded.map((e) => `${e.message} is compiled on its own: it does not compile together with the other message schemas of its namespace (${e.reason})`),
    ...serving.combinedOnly.map((f) => `${f.message} does not compile on its own as published, and is served through the combined schema (${f.error})`),
    ...serving.refused.map((f) => `${f.message} is refused: it compiles neither in the combined schema nor on its own (${f.error})`),
  ];
}

function describeImport(result: ImportResult): string {
  const { compile } = result;
  const total = compile.compiled.length + compile.failures.length;
  const lines = [
    `Detected NDC ${result.version} (${result.detectedFrom})`,
    `${result.replaced ? 'Replaced' : 'Installed'} ${result.files} files in ${result.target}`,
  ];
  if (result.skipped.length > 0) lines.push(`Left out ${result.skipped.length} file(s) outside the package folder: ${result.skipped.join(', ')}`);
  lines.push(`Compiled ${compile.compiled.length} of ${total} message schemas on their own with ${compile.engine}${compile.failures.length > 0 ? `; ${compile.failures.length} failed:` : ''}`);
  for (const failure of compile.failures) lines.push(`  ${failure.message} (${failure.file}): ${failure.error}`);
  const serving = describePackageServing(compile);
  if (serving) {
    lines.push('The gateway serves them as follows:');
    for (const line of describeServing(serving)) lines.push(`  ${line}`);
  }
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

/** The table cells about serving: messages through a combined schema, on their own, and refused. */
function servingCells(compile: CompileResults | undefined): string[] {
  const serving = compile && describePackageServing(compile);
  if (!serving) return ['unknown', 'unknown', compile ? compile.failures.map((f) => f.message).join(', ') || 'none' : 'unknown'];
  return [
    String(serving.combined.reduce((n, c) => n + c.messages.length, 0)),
    String(serving.excluded.length + serving.onlyOfNamespace.length),
    serving.refused.length === 0 ? 'none' : serving.refused.map((f) => f.message).join(', '),
  ];
}

function describeList(schemaPath: string, packages: readonly InstalledPackage[]): string {
  if (packages.length === 0) return `No schema packages installed in ${schemaPath}\n`;
  const rows = packages.map((p) => [
    p.version,
    String(p.files),
    String(p.messages),
    describeManifest(p),
    p.compiledAt === undefined ? 'never' : p.compiledAt === 'import' ? 'at import' : 'now',
    ...servingCells(p.compile),
  ]);
  const header = ['version', 'files', 'messages', 'manifest', 'compiled', 'combined', 'alone', 'refused'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const format = (cells: readonly string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  const details = packages.flatMap((p) => {
    const m = p.manifest;
    const serving = p.compile && describePackageServing(p.compile);
    return [
      ...(m.state === 'modified'
        ? [
          ...m.changed.map((f) => `  ${p.version}: changed ${f}`),
          ...m.missing.map((f) => `  ${p.version}: missing ${f}`),
          ...m.added.map((f) => `  ${p.version}: added ${f}`),
        ]
        : []),
      // the combined schemas themselves are the table's count; the lines say what differs from that
      ...(serving ? describeServing({ ...serving, combined: [] }).map((line) => `  ${p.version}: ${line}`) : []),
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
    io.stdout.write(describeList(schemaPath, listSchemaPackages(schemaPath, await createLibxml2WasmEngine())));
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
