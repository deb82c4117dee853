import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Xerces reads the external DTD that a schema's DOCTYPE names. The W3C `xmldsig-core-schema.xsd`
 * shipped in the 17.2, 21.3, 24.4 and 26.1 packages names `http://www.w3.org/2001/XMLSchema.dtd`;
 * offline that read fails, Xerces drops the whole `dsig:` import and every message that uses
 * `dsig:SignatureType` stops compiling. libxml2 never loads that DTD. A mirror of the package
 * folder, in a temp dir, holds a copy of each such schema without the external identifier
 * (the internal subset stays) and links to every other file, so relative imports land on the copy.
 */
export interface SchemaMirror {
  /** The path Xerces should compile for `xsdFile`: the file itself, or its copy in the mirror. */
  resolve(xsdFile: string): string;
  /** Puts original paths back into a message that names mirrored files. */
  toOriginal(text: string): string;
  /** Removes the temp dir. */
  dispose(): void;
}

/** Bytes read from each schema to find its DOCTYPE; a DOCTYPE sits in the prolog. */
const PROLOG_BYTES = 8192;
/** Folders below the package folder that are mirrored. */
const MAX_DEPTH = 4;

const EXTERNAL_ID = /<!DOCTYPE\s+[^\s[>]+(\s+(?:PUBLIC\s+(?:"[^"]*"|'[^']*')\s+(?:"[^"]*"|'[^']*')|SYSTEM\s+(?:"[^"]*"|'[^']*')))/;
const ROOT_START = /<[A-Za-z_]/;

/**
 * The schema text without the external identifier of its DOCTYPE, or undefined when its DOCTYPE
 * (if any) names no external DTD. `<!DOCTYPE schema PUBLIC "…" "…" [ … ]>` → `<!DOCTYPE schema [ … ]>`.
 */
export function stripExternalDoctype(text: string): string | undefined {
  const match = EXTERNAL_ID.exec(text);
  if (!match || match[1] === undefined) return undefined;
  const root = ROOT_START.exec(text);
  if (root && root.index < match.index) return undefined;
  const start = match.index + match[0].length - match[1].length;
  return text.slice(0, start) + text.slice(match.index + match[0].length);
}

function readProlog(file: string): string {
  const buffer = readFileSync(file);
  return buffer.subarray(0, PROLOG_BYTES).toString('utf8');
}

function listSchemasWithExternalDtd(folder: string, depth = 0): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory() && depth < MAX_DEPTH) found.push(...listSchemasWithExternalDtd(path, depth + 1));
    else if (entry.isFile() && entry.name.toLowerCase().endsWith('.xsd') && stripExternalDoctype(readProlog(path)) !== undefined) found.push(path);
  }
  return found;
}

function linkOrCopy(target: string, link: string): void {
  try {
    symlinkSync(target, link);
  } catch {
    copyFileSync(target, link);
  }
}

function replicate(source: string, target: string, rewritten: ReadonlySet<string>, depth = 0): void {
  mkdirSync(target, { recursive: true });
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    const from = join(source, entry.name);
    const to = join(target, entry.name);
    if (entry.isDirectory()) {
      if (depth < MAX_DEPTH) replicate(from, to, rewritten, depth + 1);
    } else if (rewritten.has(from)) {
      writeFileSync(to, stripExternalDoctype(readFileSync(from, 'utf8')) ?? readFileSync(from));
    } else {
      linkOrCopy(from, to);
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Creates a mirror that builds each package folder's copy the first time one of its schemas is asked for. */
export function createSchemaMirror(parent: string = tmpdir()): SchemaMirror {
  /** package folder → its mirror, or null when the package needs none */
  const mirrors = new Map<string, string | null>();
  let root: string | undefined;

  function mirrorOf(folder: string): string | null {
    const known = mirrors.get(folder);
    if (known !== undefined) return known;
    const rewritten = new Set(listSchemasWithExternalDtd(folder));
    let mirror: string | null = null;
    if (rewritten.size > 0) {
      root ??= mkdtempSync(join(parent, 'ndc-xerces-'));
      mirror = join(root, `package-${mirrors.size + 1}`);
      replicate(folder, mirror, rewritten);
    }
    mirrors.set(folder, mirror);
    return mirror;
  }

  return {
    resolve(xsdFile: string): string {
      const file = resolve(xsdFile);
      const folder = dirname(file);
      const mirror = mirrorOf(folder);
      return mirror === null ? file : join(mirror, relative(folder, file));
    },
    toOriginal(text: string): string {
      let result = text;
      for (const [folder, mirror] of mirrors) {
        if (mirror === null) continue;
        result = result
          .replace(new RegExp(escapeRegExp(pathToFileURL(mirror).href), 'g'), pathToFileURL(folder).href)
          .replace(new RegExp(escapeRegExp(mirror), 'g'), folder);
      }
      return result;
    },
    dispose(): void {
      if (root !== undefined) rmSync(root, { recursive: true, force: true });
      root = undefined;
      mirrors.clear();
    },
  };
}
