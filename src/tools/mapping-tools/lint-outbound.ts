import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  getMappingValidators, loadOutboundMappings, MappingLoadError, type CodeTables,
} from '../../mapping/index.ts';
import { parseSource, validateSource } from '../../mapping/mapping-source.ts';
import type { MappingSpec } from '../../mapping/mapping-types.ts';
import { NDC_VERSIONS } from '../../ndc/ndc-versions.ts';
import { checkRequestPaths } from './check-request-paths.ts';
import { checkResponseKeys } from './check-response-keys.ts';
import type { LintIssue } from './lint-issue.ts';
import { createLintReporter } from './lint-reporter.ts';
import { asLoadIssues, loadForLint } from './load-for-lint.ts';
import { findExpectedResponse, loadMessageModel } from './message-schemas.ts';
import { VERSION_FILE_NAME, VERSION_FOLDER_NAME } from './mapping-tree.ts';

/** The folder of the mappings the gateway sends NDC airlines: `<mappings>/outbound/<version>/`. */
export const OUTBOUND_FOLDER_NAME = 'outbound';
/** `offer.shop.request.yaml` → command `offer.shop`, direction `request` (the RQ the command becomes). */
export const OUTBOUND_FILE_NAME = /^([a-z][a-z0-9-]*(?:\.[a-z][a-z0-9-]*)+)\.(request|response)\.(ya?ml|json)$/;

/** Where an outbound file sits: the mappings folder above `outbound/`, and its version. */
export function outboundPlace(file: string): { root: string; version: string } | undefined {
  const versionFolder = dirname(file);
  const outbound = dirname(versionFolder);
  if (basename(outbound) !== OUTBOUND_FOLDER_NAME || !VERSION_FOLDER_NAME.test(basename(versionFolder))) return undefined;
  return { root: dirname(outbound), version: basename(versionFolder) };
}

interface OutboundVersion {
  readonly inherits: string | undefined;
  readonly files: ReadonlyMap<string, string>;
}

async function readOutboundTree(root: string): Promise<Map<string, OutboundVersion>> {
  const folder = join(root, OUTBOUND_FOLDER_NAME);
  const versions = new Map<string, OutboundVersion>();
  const names = existsSync(folder) ? (await readdir(folder, { withFileTypes: true })).filter((e) => e.isDirectory() && VERSION_FOLDER_NAME.test(e.name)).map((e) => e.name) : [];
  for (const version of names) {
    const files = new Map<string, string>();
    let inherits: string | undefined;
    for (const name of await readdir(join(folder, version))) {
      const match = OUTBOUND_FILE_NAME.exec(name);
      if (match) files.set(`${match[1]}.${match[2]}`, join(folder, version, name));
      if (VERSION_FILE_NAME.test(name)) {
        const value = parseSource(await readFile(join(folder, version, name), 'utf8'), name).value as { inherits?: unknown } | null;
        if (typeof value?.inherits === 'string') inherits = value.inherits;
      }
    }
    versions.set(version, { inherits, files });
  }
  return versions;
}

/** The file serving `key` (`offer.shop.request`) in a version, following `inherits`. */
function effectiveFile(tree: ReadonlyMap<string, OutboundVersion>, version: string, key: string): string | undefined {
  for (let v: string | undefined = version, hops = 0; v && hops < 10; v = tree.get(v)?.inherits, hops += 1) {
    const file = tree.get(v)?.files.get(key);
    if (file) return file;
  }
  return undefined;
}

export interface OutboundLintContext {
  readonly schemaPath: string;
  readonly codeTables: CodeTables;
  /** The commands of the airline contract (`loadAirlineContract().commands`). */
  readonly commands: readonly string[];
}

/**
 * Lints one file of `outbound/<version>/`. A `version.yaml` must load as the outbound loader reads
 * it (its `errors:` naming gateway codes, `errorsFrom:` compiling, `inherits:` existing). A mapping
 * file must load in its direction (`<command>.request.yaml` writes the RQ, `<command>.response.yaml`
 * reads the RS), name a command of the airline contract, and — for every version that uses it, the
 * inheriting ones too, which is how a 24.4 or 26.1 folder that only `inherits` is checked against
 * its own XSDs — write only keys the RQ's XSD allows, and read only paths the RS's XSD has (the RS
 * of `<Message>RQ` is `<Message>RS` when the package has one, else OrderViewRS).
 */
export async function lintOutboundFile(file: string, place: { root: string; version: string }, context: OutboundLintContext): Promise<LintIssue[]> {
  const name = basename(file);
  if (VERSION_FILE_NAME.test(name)) {
    const source = parseSource(await readFile(file, 'utf8'), file);
    if (source.issues.length > 0) return asLoadIssues(source.issues);
    const schemaIssues = validateSource(source, getMappingValidators().outboundVersionFile);
    if (schemaIssues.length > 0) return asLoadIssues(schemaIssues);
    try {
      await loadOutboundMappings({ mappingsPath: place.root, version: place.version });
      return [];
    } catch (error) {
      if (!(error instanceof MappingLoadError)) throw error;
      // Problems of the mapping files are reported with those files.
      return asLoadIssues(error.issues.filter((issue) => issue.file === file || !OUTBOUND_FILE_NAME.test(basename(issue.file))));
    }
  }
  const match = OUTBOUND_FILE_NAME.exec(name);
  if (!match) {
    return [{ file, severity: 'error', code: 'file-name', message: 'not an outbound mapping file name: use <command>.request.yaml or <command>.response.yaml (or version.yaml)' }];
  }
  const command = match[1] as string;
  const side = match[2] as 'request' | 'response';
  const { text, source, issues } = await loadForLint(file, context.codeTables, side === 'request' ? 'response' : 'request');
  if (!source) return issues;
  const spec = source.value as MappingSpec;
  if ((side === 'request') !== (spec.message !== undefined)) return issues;
  const common = createLintReporter(source, text, []);
  if (!context.commands.includes(command)) {
    common.report({ pointer: side === 'response' ? ['command'] : ['message'], code: 'unknown-command', message: `'${command}' is not a command of the airline contract (schemas/airline, schemas/commands)` });
  }
  issues.push(...common.issues);

  const tree = await readOutboundTree(place.root);
  const key = `${command}.${side}`;
  const users = [...tree.keys()].filter((version) => NDC_VERSIONS[version] && effectiveFile(tree, version, key) === file);
  if (!NDC_VERSIONS[place.version]) {
    issues.push({ file, severity: 'error', code: 'version', message: `folder ${place.version} is not an NDC version the gateway knows (${Object.keys(NDC_VERSIONS).join(', ')})` });
    return issues;
  }
  for (const version of users.length > 0 ? users : [place.version]) {
    const reporter = createLintReporter(source, text, [version]);
    if (side === 'request') {
      const loaded = loadMessageModel(context.schemaPath, version, spec.message ?? '');
      if ('problem' in loaded) reporter.report({ pointer: ['message'], code: 'message-schema', message: loaded.problem });
      else checkResponseKeys(spec, loaded.model.root, reporter);
    } else {
      const requestFile = effectiveFile(tree, version, `${command}.request`);
      const requestSpec = requestFile ? parseSource(await readFile(requestFile, 'utf8'), requestFile).value as MappingSpec | null : null;
      const rq = requestSpec?.message;
      if (!rq) {
        reporter.report({ pointer: ['command'], code: 'message-schema', message: `no ${command}.request.yaml in NDC ${version} names the RQ this RS answers` });
      } else {
        const stem = rq.replace(/RQ$/, '');
        const rs = findExpectedResponse(context.schemaPath, version, stem) ?? 'OrderViewRS';
        const loaded = loadMessageModel(context.schemaPath, version, rs);
        if ('problem' in loaded) reporter.report({ pointer: ['command'], code: 'message-schema', message: loaded.problem });
        else checkRequestPaths(spec, loaded.model.root, reporter);
      }
    }
    issues.push(...reporter.issues);
  }
  return issues;
}
