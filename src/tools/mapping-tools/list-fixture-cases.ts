import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { NDC_VERSIONS } from '../../ndc/ndc-versions.ts';
import { MappingToolUsageError } from './mapping-tool-error.ts';

/** One fixture case: `fixtures/mapping/<version>/<case>/` with request.xml, command.json, result.json, expected.xml. */
export interface FixtureCase {
  readonly version: string;
  readonly name: string;
  readonly dir: string;
  /** A case of the outbound mappings (`outbound/<version>/<case>/`: command.json, request.xml, response.xml, result.json). */
  readonly outbound?: boolean;
}

/** Cases of the outbound mappings sit in an `outbound/` folder of version folders. */
const OUTBOUND_FOLDER = 'outbound';

/** The files of a case, by role. */
export const FIXTURE_FILES = { request: 'request.xml', command: 'command.json', result: 'result.json', expected: 'expected.xml' } as const;

const VERSION_FOLDER = /^\d+\.\d+$/;

function isCase(dir: string): boolean {
  return existsSync(join(dir, FIXTURE_FILES.request));
}

async function listSubfolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => join(dir, e.name)).sort();
}

/**
 * Finds the cases under folders that are each a case, a `<version>/` folder of cases, or a
 * folder of version folders (`fixtures/mapping`). A case's version is its parent folder's name,
 * unless `version` is given: then only cases of that version are kept, and a case folder outside
 * a version folder is taken to be of that version.
 *
 * @throws MappingToolUsageError for a folder that does not exist or holds no case.
 */
export async function listFixtureCases(folders: readonly string[], version?: string): Promise<FixtureCase[]> {
  if (version !== undefined && !NDC_VERSIONS[version]) {
    throw new MappingToolUsageError(`unknown NDC version '${version}'; known: ${Object.keys(NDC_VERSIONS).join(', ')}`);
  }
  const cases: FixtureCase[] = [];
  const addCase = (dir: string, folderVersion: string | undefined, outbound: boolean = basename(dirname(dirname(dir))) === OUTBOUND_FOLDER): void => {
    const caseVersion = VERSION_FOLDER.test(folderVersion ?? '') ? folderVersion : version;
    if (caseVersion === undefined) {
      throw new MappingToolUsageError(`cannot tell the NDC version of ${dir}: keep it in a <version>/ folder or pass --ndc-version`);
    }
    if (version !== undefined && caseVersion !== version) return;
    cases.push({ version: caseVersion, name: basename(dir), dir, ...(outbound ? { outbound: true } : {}) });
  };
  for (const folder of folders) {
    const dir = resolve(folder);
    if (!existsSync(dir) || !(await stat(dir)).isDirectory()) throw new MappingToolUsageError(`no such fixture folder: ${folder}`);
    const before = cases.length;
    if (isCase(dir)) {
      addCase(dir, basename(dirname(dir)));
    } else if (VERSION_FOLDER.test(basename(dir))) {
      for (const sub of await listSubfolders(dir)) if (isCase(sub)) addCase(sub, basename(dir));
    } else {
      const addVersions = async (root: string, outbound: boolean): Promise<void> => {
        for (const versionDir of await listSubfolders(root)) {
          if (!outbound && basename(versionDir) === OUTBOUND_FOLDER) await addVersions(versionDir, true);
          else for (const sub of await listSubfolders(versionDir)) if (isCase(sub)) addCase(sub, basename(versionDir), outbound);
        }
      };
      await addVersions(dir, basename(dir) === OUTBOUND_FOLDER);
    }
    if (cases.length === before && version === undefined) throw new MappingToolUsageError(`no fixture case (a folder with ${FIXTURE_FILES.request}) under ${folder}`);
  }
  const seen = new Set<string>();
  return cases.filter((c) => !seen.has(c.dir) && seen.add(c.dir));
}
