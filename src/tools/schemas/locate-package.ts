import { readdirSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { PackageMessage } from './compile-package-schemas.ts';
import { readSchemaHeader, type SchemaHeader } from '../../xsd/read-schema-header.ts';

/**
 * Where the schemas are inside a package as IATA hands it out: zips often hold a top-level
 * folder, sometimes the XSDs a level or two deeper, next to PDFs and readme files. The package
 * folder is the one holding the most message schemas; everything below it is installed.
 */
export interface LocatedPackage {
  /** Absolute path of the package folder. */
  readonly root: string;
  /** Message schemas directly in the package folder, relative to it. */
  readonly messages: readonly PackageMessage[];
  /** Files below the package folder, relative to it, with `/`. */
  readonly files: readonly string[];
  /** Files outside the package folder, left out of the install. */
  readonly skipped: readonly string[];
}

/** Archive and OS clutter that is never part of a package. */
function isClutter(name: string): boolean {
  return name.startsWith('.') || name === '__MACOSX' || name === 'Thumbs.db';
}

function listFiles(folder: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (isClutter(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  walk(folder);
  return files.sort();
}

function toSlashes(path: string): string {
  return path.split(sep).join('/');
}

/** Finds the package folder below `folder`; undefined when no message schema is there at all. */
export function locatePackage(folder: string): LocatedPackage | undefined {
  const all = listFiles(folder);
  const messagesByDir = new Map<string, { path: string; header: SchemaHeader }[]>();
  for (const path of all) {
    if (!path.toLowerCase().endsWith('.xsd')) continue;
    const header = readSchemaHeader(path);
    if (!header.isMessage) continue;
    const dir = dirname(path);
    const list = messagesByDir.get(dir);
    if (list) list.push({ path, header });
    else messagesByDir.set(dir, [{ path, header }]);
  }
  const best = [...messagesByDir].sort((a, b) => b[1].length - a[1].length || a[0].length - b[0].length)[0];
  if (!best) return undefined;
  const [root, messages] = best;
  const inside = (path: string): boolean => !relative(root, path).startsWith('..');
  return {
    root,
    messages: messages.map(({ path, header }) => ({ file: toSlashes(relative(root, path)), header })),
    files: all.filter(inside).map((path) => toSlashes(relative(root, path))),
    skipped: all.filter((path) => !inside(path)).map((path) => toSlashes(relative(folder, path))),
  };
}
