import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readSchemaHeader } from '../../xsd/read-schema-header.ts';
import type { XsdEngine } from '../../xsd/xsd-types.ts';
import { compilePackageSchemas, type PackageMessage } from './compile-package-schemas.ts';
import { checkManifest, listPackageFiles, MANIFEST_FILE, readManifest, type CompileResults, type ManifestState, type SchemaManifest } from './schema-manifest.ts';

/** One installed package as `schemas list` shows it. */
export interface InstalledPackage {
  readonly version: string;
  readonly folder: string;
  /** Files of the package, the manifest left out. */
  readonly files: number;
  /** Message schemas in the package folder. */
  readonly messages: number;
  readonly manifest: ManifestState;
  readonly importedAt?: string;
  /**
   * How the message schemas compile, on their own and combined per namespace: the manifest's
   * while the files still match it, else compiled now when an engine is given; undefined otherwise.
   */
  readonly compile?: CompileResults;
  /** When `compile` was found out: at import (the manifest) or now. */
  readonly compiledAt?: 'import' | 'now';
}

/** What `compile` of a package is: the manifest's while it holds all of it and the files match, else compiled now. */
function compileResultsOf(
  folder: string,
  messages: readonly PackageMessage[],
  manifest: SchemaManifest | undefined,
  state: ManifestState,
  engine: XsdEngine | undefined,
): Pick<InstalledPackage, 'compile' | 'compiledAt'> {
  if (manifest && state.state === 'matches' && manifest.compile.combined !== undefined) return { compile: manifest.compile, compiledAt: 'import' };
  if (engine) return { compile: compilePackageSchemas(engine, folder, messages), compiledAt: 'now' };
  return manifest ? { compile: manifest.compile, compiledAt: 'import' } : {};
}

/**
 * Every `<version>` folder under the schema path, with its manifest checked against the files on
 * disk. With an engine, a package without a manifest that tells how its schemas compile (copied in
 * by hand, edited since, or imported before schemas were combined) is compiled now.
 */
export function listSchemaPackages(schemaPath: string, engine?: XsdEngine): InstalledPackage[] {
  if (!existsSync(schemaPath)) return [];
  const packages: InstalledPackage[] = [];
  for (const entry of readdirSync(schemaPath, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const folder = join(schemaPath, entry.name);
    const files = listPackageFiles(folder).filter((f) => f !== MANIFEST_FILE);
    const messages = files
      .filter((f) => !f.includes('/') && f.toLowerCase().endsWith('.xsd'))
      .map((file) => ({ file, header: readSchemaHeader(join(folder, file)) }))
      .filter((m) => m.header.isMessage);
    let manifest;
    let state: ManifestState;
    try {
      manifest = readManifest(folder);
      state = checkManifest(folder, manifest);
    } catch (error) {
      state = { state: 'unreadable', error: error instanceof Error ? error.message : String(error) };
    }
    packages.push({
      version: entry.name,
      folder,
      files: files.length,
      messages: messages.length,
      manifest: state,
      ...(manifest ? { importedAt: manifest.importedAt } : {}),
      ...compileResultsOf(folder, messages, manifest, state, engine),
    });
  }
  return packages.sort((a, b) => a.version.localeCompare(b.version, 'en', { numeric: true }));
}
