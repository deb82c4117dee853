import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readSync, closeSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { XsdEngine } from '../../xsd/xsd-types.ts';
import { compilePackageSchemas } from './compile-package-schemas.ts';
import { detectPackageVersion } from './detect-package-version.ts';
import { extractZip } from './extract-zip.ts';
import { locatePackage } from './locate-package.ts';
import { hashPackage, MANIFEST_FILE, writeManifest, type CompileResults, type SchemaManifest } from './schema-manifest.ts';

export type SchemaImportErrorCode = 'NOT_FOUND' | 'NOT_A_PACKAGE' | 'NO_SCHEMAS' | 'UNKNOWN_VERSION' | 'ALREADY_INSTALLED';

/** Why an import did not happen; the installed packages are left as they were. */
export class SchemaImportError extends Error {
  override name = 'SchemaImportError';
  constructor(readonly code: SchemaImportErrorCode, message: string) {
    super(message);
  }
}

export interface ImportOptions {
  /** A zip or a folder, as IATA distributes the package. */
  readonly source: string;
  /** Folder holding packages as `<version>/<files>`. */
  readonly schemaPath: string;
  /** Compiles every message schema once, to record which fail. */
  readonly engine: XsdEngine;
  /** Replaces an installed package of the same version. @defaultValue false */
  readonly force?: boolean;
  /** Installs as this version instead of the detected one. */
  readonly version?: string;
  /** @defaultValue now */
  readonly importedAt?: Date;
}

export interface ImportResult {
  readonly version: string;
  readonly detectedFrom: string;
  /** The installed package folder, `<schemaPath>/<version>`. */
  readonly target: string;
  readonly files: number;
  /** Files of the source outside the package folder, left out. */
  readonly skipped: readonly string[];
  readonly replaced: boolean;
  readonly compile: CompileResults;
  readonly manifest: SchemaManifest;
}

const VERSION = /^\d{2}\.\d$/;

function isZip(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const magic = Buffer.alloc(4);
    return readSync(fd, magic, 0, 4, 0) === 4 && magic.readUInt32LE(0) === 0x04034b50;
  } finally {
    closeSync(fd);
  }
}

/** The source as a folder: itself, or a zip unpacked into a temp dir (removed by `cleanup`). */
async function openSource(source: string): Promise<{ folder: string; cleanup(): void }> {
  if (!existsSync(source)) throw new SchemaImportError('NOT_FOUND', `${source} does not exist`);
  if (statSync(source).isDirectory()) return { folder: source, cleanup: () => undefined };
  if (!isZip(source)) throw new SchemaImportError('NOT_A_PACKAGE', `${source} is neither a folder nor a zip`);
  const folder = mkdtempSync(join(tmpdir(), 'ndc-schema-import-'));
  const cleanup = (): void => rmSync(folder, { recursive: true, force: true });
  try {
    await extractZip(source, folder);
  } catch (error) {
    cleanup();
    throw new SchemaImportError('NOT_A_PACKAGE', `${source} cannot be unpacked: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { folder, cleanup };
}

/**
 * Installs an IATA schema package under `<schemaPath>/<version>/`: finds the schemas inside the
 * zip or folder, tells the version, compiles every message schema, and writes a manifest with the
 * sha256 of every file. The package is assembled beside the target and moved into place at the
 * end, so a failed import leaves nothing half-written.
 */
export async function importSchemaPackage(options: ImportOptions): Promise<ImportResult> {
  const source = resolve(options.source);
  const schemaPath = resolve(options.schemaPath);
  const opened = await openSource(source);
  let staging: string | undefined;
  try {
    const located = locatePackage(opened.folder);
    if (!located) throw new SchemaImportError('NO_SCHEMAS', `No NDC message schema (an XSD declaring an element named like its file) found in ${source}`);
    let version: string;
    let detectedFrom: string;
    if (options.version !== undefined) {
      version = options.version;
      detectedFrom = 'given with --ndc-version';
    } else {
      const detected = detectPackageVersion(located.messages.map((m) => m.header));
      if (!detected) throw new SchemaImportError('UNKNOWN_VERSION', `Cannot tell the NDC version of ${source}; name it with --ndc-version`);
      ({ version, evidence: detectedFrom } = detected);
    }
    if (!VERSION.test(version)) throw new SchemaImportError('UNKNOWN_VERSION', `'${version}' is not an NDC version such as 21.3`);
    const target = join(schemaPath, version);
    const replaced = existsSync(target);
    if (replaced && options.force !== true) {
      throw new SchemaImportError('ALREADY_INSTALLED', `NDC ${version} is already installed at ${target}; use --force to replace it`);
    }

    staging = join(schemaPath, `.${version}.import-${randomUUID()}`);
    // a manifest in the source (re-importing an installed package) is replaced by a new one
    const files = located.files.filter((file) => file !== MANIFEST_FILE);
    for (const file of files) {
      const to = join(staging, file);
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(join(located.root, file), to);
    }
    const compile = compilePackageSchemas(options.engine, staging, located.messages);
    const manifest: SchemaManifest = {
      manifestVersion: 1,
      version,
      detectedFrom,
      source,
      importedAt: (options.importedAt ?? new Date()).toISOString(),
      files: hashPackage(staging),
      compile,
    };
    writeManifest(staging, manifest);

    if (replaced) {
      const old = join(schemaPath, `.${version}.replaced-${randomUUID()}`);
      renameSync(target, old);
      renameSync(staging, target);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(staging, target);
    }
    staging = undefined;
    return { version, detectedFrom, target, files: files.length, skipped: located.skipped, replaced, compile, manifest };
  } finally {
    if (staging !== undefined) rmSync(staging, { recursive: true, force: true });
    opened.cleanup();
  }
}
