import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import {
  getMappingValidators, loadCodeTables, MappingLoadError, type CodeTables, type MappingDirection, type MappingLoadIssue,
} from '../../mapping/index.ts';
import { parseSource, validateSource } from '../../mapping/mapping-source.ts';
import type { MappingSpec } from '../../mapping/mapping-types.ts';
import { NDC_VERSIONS } from '../../ndc/ndc-versions.ts';
import { loadAirlineContract } from '../../contracts/airline/index.ts';
import { checkRequestPaths } from './check-request-paths.ts';
import { lintOutboundFile, outboundPlace } from './lint-outbound.ts';
import { checkResponseKeys } from './check-response-keys.ts';
import { mergeLintIssues, type LintIssue } from './lint-issue.ts';
import { createLintReporter } from './lint-reporter.ts';
import { asLoadIssues, loadForLint } from './load-for-lint.ts';
import { findExpectedResponse, loadMessageModel } from './message-schemas.ts';
import { MappingToolUsageError } from './mapping-tool-error.ts';
import {
  listEffectiveFiles, listVersionsUsing, MAPPING_FILE_NAME, readMappingTree, VERSION_FILE_NAME, VERSION_FOLDER_NAME, type MappingTree,
} from './mapping-tree.ts';

/** Options of {@link lintMappings}; the paths come from the gateway configuration. */
export interface LintMappingsOptions {
  /** Files and folders to lint. @defaultValue every file under `mappingsPath` */
  readonly targets?: readonly string[];
  /** Check against this NDC version only (and, without targets, lint the files in force for it). */
  readonly version?: string;
  readonly mappingsPath: string;
  readonly schemaPath: string;
  readonly commandSchemasPath: string;
}

/** What `mapping lint` found. */
export interface LintReport {
  readonly files: readonly string[];
  readonly issues: readonly LintIssue[];
  readonly errorCount: number;
  readonly warningCount: number;
}

const DATA_FILE = /\.(ya?ml|json)$/;
const CODE_TABLES_FOLDER = 'code-tables';

/**
 * Lints mapping files beyond what loading them checks: every file must load (JSON Schema, transforms,
 * code tables, path syntax — located `file:line:column`), and every path a request mapping reads and
 * every key a response mapping writes must exist at its place in the message's XSD. A file inherited
 * by other versions (`version.yaml: inherits`) is checked against each of their schemas too.
 * Files under `outbound/<version>/` (what the gateway sends NDC airlines) are linted the other way
 * round: see {@link lintOutboundFile}.
 *
 * @throws MappingToolUsageError when a target does not exist or the version is unknown.
 */
export async function lintMappings(options: LintMappingsOptions): Promise<LintReport> {
  if (options.version !== undefined && !NDC_VERSIONS[options.version]) {
    throw new MappingToolUsageError(`unknown NDC version '${options.version}'; known: ${Object.keys(NDC_VERSIONS).join(', ')}`);
  }
  const files = await collectFiles(options);
  const trees = new Map<string, Promise<MappingTree>>();
  const treeOf = (root: string): Promise<MappingTree> => {
    let tree = trees.get(root);
    if (!tree) trees.set(root, (tree = readMappingTree(root)));
    return tree;
  };
  const tables = new Map<string, Promise<{ tables: CodeTables; issues: readonly MappingLoadIssue[] }>>();
  const tablesOf = (root: string): Promise<{ tables: CodeTables; issues: readonly MappingLoadIssue[] }> => {
    let loaded = tables.get(root);
    if (!loaded) tables.set(root, (loaded = loadTablesReportingIssues(join(root, CODE_TABLES_FOLDER))));
    return loaded;
  };

  let airlineCommands: readonly string[] | undefined;
  const issues: LintIssue[] = [];
  for (const file of files) {
    const name = basename(file);
    const folder = dirname(file);
    const outbound = outboundPlace(file);
    if (outbound) {
      const codeTables = await tablesOf(outbound.root);
      airlineCommands ??= loadAirlineContract({ commandSchemasPath: options.commandSchemasPath }).commands;
      issues.push(...(await lintOutboundFile(file, outbound, { schemaPath: options.schemaPath, codeTables: codeTables.tables, commands: airlineCommands })));
    } else if (basename(folder) === CODE_TABLES_FOLDER) {
      issues.push(...asLoadIssues((await tablesOf(dirname(folder))).issues));
    } else if (VERSION_FILE_NAME.test(name)) {
      issues.push(...asLoadIssues(await lintVersionFile(file)));
    } else if (MAPPING_FILE_NAME.test(name)) {
      const inTree = VERSION_FOLDER_NAME.test(basename(folder));
      const root = inTree ? dirname(folder) : options.mappingsPath;
      const codeTables = await tablesOf(root);
      issues.push(...asLoadIssues(codeTables.issues));
      issues.push(...(await lintMappingFile(file, { ...options, codeTables: codeTables.tables, tree: inTree ? await treeOf(root) : undefined })));
    } else {
      issues.push({ file, severity: 'error', code: 'file-name', message: 'not a mapping file name: use <Message>.request.yaml or <Message>.response.yaml (or version.yaml, or a code table under code-tables/)' });
    }
  }
  const merged = mergeLintIssues(issues);
  return {
    files,
    issues: merged,
    errorCount: merged.filter((issue) => issue.severity === 'error').length,
    warningCount: merged.filter((issue) => issue.severity === 'warning').length,
  };
}

async function collectFiles(options: LintMappingsOptions): Promise<string[]> {
  const targets = options.targets ?? [];
  if (targets.length === 0) {
    if (options.version === undefined) return walk(resolve(options.mappingsPath));
    const tree = await readMappingTree(resolve(options.mappingsPath));
    const versionFiles: string[] = [];
    for (let v: string | undefined = options.version, hops = 0; v && hops < 10; v = tree.versions.get(v)?.inherits, hops += 1) {
      for (const name of ['version.yaml', 'version.yml', 'version.json']) {
        const file = join(tree.root, v, name);
        if (existsSync(file)) versionFiles.push(file);
      }
    }
    const tablesFolder = join(tree.root, CODE_TABLES_FOLDER);
    return [...new Set([...(existsSync(tablesFolder) ? await walk(tablesFolder) : []), ...versionFiles, ...listEffectiveFiles(tree, options.version)])];
  }
  const files: string[] = [];
  for (const target of targets) {
    const path = resolve(target);
    let info;
    try {
      info = await stat(path);
    } catch {
      throw new MappingToolUsageError(`no such file or folder: ${target}`);
    }
    files.push(...(info.isDirectory() ? await walk(path) : [path]));
  }
  return [...new Set(files)];
}

async function walk(folder: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new MappingToolUsageError(`no such folder: ${folder}`);
    throw error;
  }
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(path)));
    else if (entry.isFile() && DATA_FILE.test(entry.name)) files.push(path);
  }
  return files;
}

async function loadTablesReportingIssues(folder: string): Promise<{ tables: CodeTables; issues: readonly MappingLoadIssue[] }> {
  try {
    return { tables: await loadCodeTables(folder), issues: [] };
  } catch (error) {
    if (error instanceof MappingLoadError) return { tables: new Map(), issues: error.issues };
    throw error;
  }
}

async function lintVersionFile(file: string): Promise<readonly MappingLoadIssue[]> {
  const source = parseSource(await readFile(file, 'utf8'), file);
  if (source.issues.length > 0) return source.issues;
  const issues = validateSource(source, getMappingValidators().versionFile);
  const inherits = (source.value as { inherits?: unknown } | null)?.inherits;
  if (issues.length === 0 && typeof inherits === 'string' && !existsSync(join(dirname(dirname(file)), inherits))) {
    return [source.issue(['inherits'], `inherits '${inherits}', but ${join(dirname(dirname(file)), inherits)} does not exist`)];
  }
  return issues;
}

interface MappingFileContext extends LintMappingsOptions {
  readonly codeTables: CodeTables;
  /** The mappings tree the file sits in, when it sits in a `<version>/` folder. */
  readonly tree: MappingTree | undefined;
}

async function lintMappingFile(file: string, context: MappingFileContext): Promise<LintIssue[]> {
  const match = MAPPING_FILE_NAME.exec(basename(file));
  const message = match?.[1] ?? '';
  const direction = (match?.[2] ?? 'request') as MappingDirection;
  const { text, source, issues } = await loadForLint(file, context.codeTables, direction);
  if (!source) return issues;
  const spec = source.value as MappingSpec;
  // The loader already said the file is of the other direction; its keys would only add noise.
  if ((direction === 'request') !== (spec.command !== undefined)) return issues;

  const common = createLintReporter(source, text, []);
  if (direction === 'request' && spec.command !== undefined) {
    const missing = [`${spec.command}.json`, `${spec.command}.result.json`].filter((name) => !existsSync(join(context.commandSchemasPath, name)));
    if (missing.length > 0) {
      common.report({
        pointer: ['command'], code: 'unknown-command',
        message: `command '${spec.command}' has no ${missing.join(' and ')} in ${context.commandSchemasPath} (scaffold them with 'ndc-gateway mapping scaffold')`,
      });
    }
  }
  issues.push(...common.issues);

  const versions = versionsToCheck(file, message, direction, context);
  if ('problem' in versions) {
    issues.push({ file, severity: 'error', code: 'version', message: versions.problem });
    return issues;
  }
  for (const version of versions.list) {
    const reporter = createLintReporter(source, text, [version]);
    if (direction === 'request') {
      const loaded = loadMessageModel(context.schemaPath, version, spec.message ?? `${message}RQ`);
      if ('problem' in loaded) reporter.report({ pointer: ['command'], code: 'message-schema', message: loaded.problem });
      else checkRequestPaths(spec, loaded.model.root, reporter);
    } else {
      const response = spec.message ?? '';
      const expected = findExpectedResponse(context.schemaPath, version, message);
      if (expected !== undefined && expected !== response) {
        reporter.report({ pointer: ['message'], code: 'wrong-message', message: `${message} is answered with ${expected} in NDC ${version}, not '${response}'` });
      } else {
        const loaded = loadMessageModel(context.schemaPath, version, response);
        if ('problem' in loaded) reporter.report({ pointer: ['message'], code: 'message-schema', message: loaded.problem });
        else checkResponseKeys(spec, loaded.model.root, reporter);
      }
    }
    issues.push(...reporter.issues);
  }
  return issues;
}

function versionsToCheck(
  file: string,
  message: string,
  direction: MappingDirection,
  context: MappingFileContext,
): { list: string[] } | { problem: string } {
  if (context.version !== undefined) return { list: [context.version] };
  const folderVersion = basename(dirname(file));
  if (!context.tree) {
    return { problem: "cannot tell which NDC version this file is for: keep it in a <version>/ folder (mappings/21.3/) or pass --ndc-version" };
  }
  if (!NDC_VERSIONS[folderVersion]) {
    return { problem: `folder ${folderVersion} is not an NDC version the gateway knows (${Object.keys(NDC_VERSIONS).join(', ')})` };
  }
  const users = listVersionsUsing(context.tree, file, `${message}.${direction}`).filter((version) => NDC_VERSIONS[version]);
  return { list: users.includes(folderVersion) ? users : [folderVersion, ...users] };
}
