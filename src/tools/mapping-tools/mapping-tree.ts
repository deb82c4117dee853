import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getMappingValidators } from '../../mapping/index.ts';
import { parseSource, validateSource } from '../../mapping/mapping-source.ts';

/** `AirShopping.request.yaml` → message `AirShopping`, direction `request`. */
export const MAPPING_FILE_NAME = /^([A-Z][A-Za-z0-9]*)\.(request|response)\.(ya?ml|json)$/;
export const VERSION_FILE_NAME = /^version\.(ya?ml|json)$/;
export const VERSION_FOLDER_NAME = /^\d+\.\d+$/;

/** One `<version>/` folder of a mappings tree: what it inherits and the mapping files it defines itself. */
export interface MappingVersionFolder {
  readonly inherits: string | undefined;
  /** `AirShopping.request` → absolute file. */
  readonly files: ReadonlyMap<string, string>;
}

/** The version folders of a mappings folder, enough to tell which file serves a message in a version. */
export interface MappingTree {
  readonly root: string;
  readonly versions: ReadonlyMap<string, MappingVersionFolder>;
}

/** Reads the layout of a mappings folder; a missing folder gives an empty tree. */
export async function readMappingTree(root: string): Promise<MappingTree> {
  const versions = new Map<string, MappingVersionFolder>();
  let entries: string[];
  try {
    entries = (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory() && VERSION_FOLDER_NAME.test(e.name)).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { root, versions };
    throw error;
  }
  for (const version of entries.sort()) {
    const folder = join(root, version);
    const files = new Map<string, string>();
    let inherits: string | undefined;
    for (const name of (await readdir(folder)).sort()) {
      const match = MAPPING_FILE_NAME.exec(name);
      if (match) {
        const key = `${match[1] ?? ''}.${match[2] ?? ''}`;
        if (!files.has(key)) files.set(key, join(folder, name));
      } else if (VERSION_FILE_NAME.test(name)) {
        const source = parseSource(await readFile(join(folder, name), 'utf8'), join(folder, name));
        // A broken version file is reported when the file itself is linted; here it just inherits nothing.
        if (source.issues.length === 0 && validateSource(source, getMappingValidators().versionFile).length === 0) {
          inherits = (source.value as { inherits?: string } | null)?.inherits;
        }
      }
    }
    versions.set(version, { inherits, files });
  }
  return { root, versions };
}

/** The file that serves `AirShopping.request` in a version, following `inherits:` (cycles end the search). */
export function resolveEffectiveFile(tree: MappingTree, version: string, key: string): string | undefined {
  const seen = new Set<string>();
  for (let current: string | undefined = version; current && !seen.has(current); current = tree.versions.get(current)?.inherits) {
    seen.add(current);
    const file = tree.versions.get(current)?.files.get(key);
    if (file) return file;
  }
  return undefined;
}

/** Every version of the tree that a file serves: its own folder, and the versions inheriting it. */
export function listVersionsUsing(tree: MappingTree, file: string, key: string): string[] {
  return [...tree.versions.keys()].filter((version) => resolveEffectiveFile(tree, version, key) === file);
}

/** The mapping files in force for a version, inherited ones included, sorted. */
export function listEffectiveFiles(tree: MappingTree, version: string): string[] {
  const keys = new Set<string>();
  const seen = new Set<string>();
  for (let current: string | undefined = version; current && !seen.has(current); current = tree.versions.get(current)?.inherits) {
    seen.add(current);
    for (const key of tree.versions.get(current)?.files.keys() ?? []) keys.add(key);
  }
  return [...keys].map((key) => resolveEffectiveFile(tree, version, key)).filter((file): file is string => file !== undefined).sort();
}
