import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * `<version>/manifest.json`: what was installed, from where, when, and whether every message
 * schema compiled. The sha256 of each file lets `schemas list` tell an untouched package from
 * one edited by hand.
 */
export interface SchemaManifest {
  readonly manifestVersion: 1;
  readonly version: string;
  /** Why this version: the ids or namespaces it was read from, or the `--ndc-version` option. */
  readonly detectedFrom: string;
  /** The zip or folder imported. */
  readonly source: string;
  readonly importedAt: string;
  /** Relative path (with `/`) → sha256 hex, for every file of the package but the manifest. */
  readonly files: Readonly<Record<string, string>>;
  readonly compile: CompileResults;
}

export interface CompileFailure {
  readonly message: string;
  readonly file: string;
  readonly error: string;
}

/** Message schemas of one namespace compiled as one schema, as the gateway compiles them. */
export interface CombinedCompileResult {
  readonly namespace: string;
  /** Messages it validates. */
  readonly messages: readonly string[];
  /** Messages of that namespace taken out of it so that the rest compiles; the gateway compiles each on its own. */
  readonly excluded: readonly { readonly message: string; readonly file: string; readonly reason: string }[];
}

export interface CompileResults {
  readonly engine: string;
  /** Message schemas that compiled on their own. */
  readonly compiled: readonly string[];
  /** Message schemas that did not compile on their own. */
  readonly failures: readonly CompileFailure[];
  /** One per namespace with more than one message schema; absent in manifests written before the gateway combined them. */
  readonly combined?: readonly CombinedCompileResult[];
}

export const MANIFEST_FILE = 'manifest.json';

/** How an installed package compares with its manifest. */
export type ManifestState =
  | { readonly state: 'matches' }
  | { readonly state: 'modified'; readonly changed: readonly string[]; readonly missing: readonly string[]; readonly added: readonly string[] }
  | { readonly state: 'no manifest' }
  | { readonly state: 'unreadable'; readonly error: string };

/** Every file below `folder`, as `/`-separated relative paths, sorted. */
export function listPackageFiles(folder: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(relative(folder, path).split(sep).join('/'));
    }
  };
  walk(folder);
  return files.sort();
}

export function hashFile(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** sha256 of every file of an installed package, the manifest left out. */
export function hashPackage(folder: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const file of listPackageFiles(folder)) if (file !== MANIFEST_FILE) hashes[file] = hashFile(join(folder, file));
  return hashes;
}

export function writeManifest(folder: string, manifest: SchemaManifest): void {
  writeFileSync(join(folder, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

function isManifest(value: unknown): value is SchemaManifest {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Partial<Record<keyof SchemaManifest, unknown>>;
  return m.manifestVersion === 1 && typeof m.version === 'string' && typeof m.files === 'object' && m.files !== null && typeof m.compile === 'object' && m.compile !== null;
}

/** The manifest of an installed package; undefined when there is none. Throws when it is not a manifest. */
export function readManifest(folder: string): SchemaManifest | undefined {
  const path = join(folder, MANIFEST_FILE);
  if (!existsSync(path)) return undefined;
  const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!isManifest(value)) throw new Error(`${path} is not a schema manifest`);
  return value;
}

/** Compares the files on disk with the manifest's hashes. */
export function checkManifest(folder: string, manifest: SchemaManifest | undefined): ManifestState {
  if (manifest === undefined) return { state: 'no manifest' };
  const actual = hashPackage(folder);
  const changed: string[] = [];
  const missing: string[] = [];
  for (const [file, hash] of Object.entries(manifest.files)) {
    if (!(file in actual)) missing.push(file);
    else if (actual[file] !== hash) changed.push(file);
  }
  const added = Object.keys(actual).filter((file) => !(file in manifest.files));
  return changed.length + missing.length + added.length === 0 ? { state: 'matches' } : { state: 'modified', changed, missing, added };
}
