import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkManifest, listPackageFiles, MANIFEST_FILE, readManifest, type CompileFailure, type ManifestState } from './schema-manifest.ts';
import { readSchemaHeader } from '../xsd/read-schema-header.ts';

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
  /** From the manifest: message schemas that did not compile at import; undefined without a manifest. */
  readonly compileFailures?: readonly CompileFailure[];
}

/** Every `<version>` folder under the schema path, with its manifest checked against the files on disk. */
export function listSchemaPackages(schemaPath: string): InstalledPackage[] {
  if (!existsSync(schemaPath)) return [];
  const packages: InstalledPackage[] = [];
  for (const entry of readdirSync(schemaPath, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const folder = join(schemaPath, entry.name);
    const files = listPackageFiles(folder).filter((f) => f !== MANIFEST_FILE);
    const messages = files.filter((f) => !f.includes('/') && f.toLowerCase().endsWith('.xsd') && readSchemaHeader(join(folder, f)).isMessage).length;
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
      messages,
      manifest: state,
      ...(manifest ? { importedAt: manifest.importedAt, compileFailures: manifest.compile.failures } : {}),
    });
  }
  return packages.sort((a, b) => a.version.localeCompare(b.version, 'en', { numeric: true }));
}
