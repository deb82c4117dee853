import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { compileGlob, isGlob, splitGlob } from './glob-pattern.ts';

/** The files a conformance run covers, and the inputs that led nowhere. */
export interface InputFiles {
  /** Absolute paths, sorted, each once. */
  readonly files: readonly string[];
  /** Paths that do not exist and globs that matched nothing, as given. */
  readonly unmatched: readonly string[];
}

/** Extensions picked up when a folder is given; a glob or an explicit file may name any file. */
const MESSAGE_EXTENSIONS = ['.xml'];

function isMessageFile(name: string): boolean {
  const lower = name.toLowerCase();
  return MESSAGE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** Every file below `folder`, skipping hidden folders (`.git`) and node_modules. */
function walk(folder: string, visit: (file: string) => void): void {
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.') && entry.name !== 'node_modules') walk(path, visit);
    } else if (entry.isFile() || (entry.isSymbolicLink() && isFileSafe(path))) {
      visit(path);
    }
  }
}

function isFileSafe(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function toSlashes(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/**
 * Expands command-line inputs: a file is taken as is, a folder gives every `.xml` file below it,
 * and a glob (`samples/21.3/*RQ*.xml`, `samples/{17.2,21.3}/*.xml`) gives the files it matches.
 */
export function findInputFiles(inputs: readonly string[], cwd: string = process.cwd()): InputFiles {
  const found = new Set<string>();
  const unmatched: string[] = [];
  for (const input of inputs) {
    const path = resolve(cwd, input);
    if (existsSync(path)) {
      if (statSync(path).isDirectory()) walk(path, (file) => isMessageFile(file) && found.add(file));
      else found.add(path);
      continue;
    }
    if (!isGlob(input)) {
      unmatched.push(input);
      continue;
    }
    const { base, pattern } = splitGlob(input);
    const baseDir = resolve(cwd, base);
    const matcher = compileGlob(pattern);
    let matched = 0;
    walk(baseDir, (file) => {
      if (matcher.test(toSlashes(relative(baseDir, file)))) {
        found.add(file);
        matched++;
      }
    });
    if (matched === 0) unmatched.push(input);
  }
  return { files: [...found].sort(), unmatched };
}
