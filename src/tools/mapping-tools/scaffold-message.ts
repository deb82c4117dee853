import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAPPING_SCHEMA_URL, normaliseMessageName, parseMappingSource } from '../../mapping/index.ts';
import { NDC_VERSIONS } from '../../ndc/ndc-versions.ts';
import { loadMessageModel } from './message-schemas.ts';
import { MappingToolUsageError, ScaffoldExistsError } from './mapping-tool-error.ts';
import { renderElementTree } from './scaffold-hints.ts';
import { scaffoldRequestMap, type ScaffoldJsonSchema } from './scaffold-request.ts';
import { scaffoldResponseMap } from './scaffold-response.ts';
import { renderScaffoldFields } from './scaffold-yaml.ts';

/** Options of {@link buildMessageScaffold} / {@link writeMessageScaffold}. */
export interface ScaffoldOptions {
  /** The message, as `OrderRules`, `OrderRulesRQ` or `IATA_OrderRulesRQ`. */
  readonly message: string;
  readonly version: string;
  /** Internal command name. @defaultValue the message's words, dotted: `OrderRules` → `order.rules` */
  readonly command?: string;
  /** Response message. @defaultValue `<Message>RS` */
  readonly response?: string;
  /** Write all four files into this folder. @defaultValue mappings to `<mappingsPath>/<version>/`, schemas to `commandSchemasPath` */
  readonly outDir?: string;
  /** Overwrite files that exist. @defaultValue false */
  readonly force?: boolean;
  readonly mappingsPath: string;
  readonly schemaPath: string;
  readonly commandSchemasPath: string;
}

export type ScaffoldFileRole = 'request mapping' | 'response mapping' | 'command schema' | 'result schema';

export interface ScaffoldFile {
  readonly role: ScaffoldFileRole;
  readonly path: string;
  readonly text: string;
}

/** Base of the `$id` of every command schema, as the files in schemas/commands have it. */
export const COMMAND_SCHEMA_ID_BASE = 'https://ndc-gateway.local/schemas/commands/';
const COMMAND_NAME = /^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)+$/;

/** `OrderRules` → `order.rules`; undefined for a one-word message, which needs `--command`. */
export function deriveCommandName(message: string): string | undefined {
  const words = message.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? [];
  const name = words.map((w) => w.toLowerCase()).join('.');
  return COMMAND_NAME.test(name) ? name : undefined;
}

function commandSchema(command: string, kind: 'command' | 'result', description: string, shape: { properties: Record<string, ScaffoldJsonSchema>; required: readonly string[] }): string {
  const file = kind === 'command' ? `${command}.json` : `${command}.result.json`;
  const schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `${COMMAND_SCHEMA_ID_BASE}${file}`,
    title: `${command} ${kind}`,
    description,
    type: 'object',
    additionalProperties: false,
    required: shape.required,
    properties: shape.properties,
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

function schemaComment(folder: string): string {
  const target = relative(folder, fileURLToPath(MAPPING_SCHEMA_URL)).split('\\').join('/');
  return `# yaml-language-server: $schema=${target}`;
}

/**
 * Generates the four files of a new message from its XSDs: the request mapping (the element tree as
 * comments, a map reading the required elements), the response mapping (a map writing the required
 * elements), and the command and result schemas those maps agree with. Nothing is written.
 *
 * @throws MappingToolUsageError for an unknown version, a message without an XSD, or a bad command name.
 */
export function buildMessageScaffold(options: ScaffoldOptions): ScaffoldFile[] {
  const info = NDC_VERSIONS[options.version];
  if (!info) throw new MappingToolUsageError(`unknown NDC version '${options.version}'; known: ${Object.keys(NDC_VERSIONS).join(', ')}`);
  const message = normaliseMessageName(options.message);
  if (!/^[A-Z][A-Za-z0-9]*$/.test(message)) throw new MappingToolUsageError(`'${options.message}' is not a message name such as OrderRules`);
  const command = options.command ?? deriveCommandName(message);
  if (command === undefined || !COMMAND_NAME.test(command)) {
    throw new MappingToolUsageError(`${options.command === undefined ? `cannot derive a command name from '${message}'` : `'${command}' is not a command name`}: pass --command with dotted lower-case words, e.g. --command order.rules`);
  }
  const response = (options.response ?? `${message}RS`).replace(/^IATA_/, '');
  const rq = loadMessageModel(options.schemaPath, options.version, `${message}RQ`);
  if ('problem' in rq) throw new MappingToolUsageError(rq.problem);
  const rs = loadMessageModel(options.schemaPath, options.version, response);
  if ('problem' in rs) throw new MappingToolUsageError(`${rs.problem}; name the response with --response (e.g. OrderViewRS)`);

  const mappingFolder = resolve(options.outDir ?? join(options.mappingsPath, options.version));
  const schemaFolder = resolve(options.outDir ?? options.commandSchemasPath);
  const rqRoot = rq.model.rootName;
  const rsRoot = rs.model.rootName;

  const request = scaffoldRequestMap(rq.model.root);
  const requestText = [
    schemaComment(mappingFolder),
    '#',
    `# ${rqRoot} (${options.version}) → ${command}. Scaffolded from ${basename(rq.model.schemaFile)}: the map reads every`,
    '# text element the schema requires outside a choice. Rename the fields to the words of the command, add',
    `# what the command needs (the tree below shows what the request can carry), and keep ${command}.json in step.`,
    ...(request.choices.length > 0
      ? ['#', '# Choices not followed (the schema may require one branch; map the ones the command needs):', ...request.choices.map((c) => `#   ${c}`)]
      : []),
    '#',
    `# Elements of ${rqRoot} (+ repeats and required, * repeats, ? optional, @ attributes, = text):`,
    ...renderElementTree(rq.model.root).map((line) => `#${line}`),
    `description: ${rqRoot} (${options.version}) → ${command}`,
    `command: ${command}`,
    ...(request.fields.length > 0 ? ['map:', ...renderScaffoldFields(request.fields, 2)] : ['map: {}']),
    '',
  ].join('\n');

  const responseMap = scaffoldResponseMap(rs.model.root, options.version);
  const responseText = [
    schemaComment(mappingFolder),
    '#',
    `# ${command} result → ${rsRoot} (${options.version}). Scaffolded from ${basename(rs.model.schemaFile)}: the map writes every`,
    '# element the schema requires. Paths are placeholders named after the elements, read from a flat result',
    `# (${command}.result.json lists them); point them at the real result fields. Write elements in any order:`,
    '# the builder puts them in schema order. Comments give the XSD type and the attributes an element may carry.',
    `description: ${command} result → ${rsRoot} (${options.version})`,
    `message: ${response}`,
    ...(responseMap.fields.length > 0 ? ['map:', ...renderScaffoldFields(responseMap.fields, 2)] : ['map: {}']),
    '',
  ].join('\n');

  const files: ScaffoldFile[] = [
    { role: 'request mapping', path: join(mappingFolder, `${message}.request.yaml`), text: requestText },
    { role: 'response mapping', path: join(mappingFolder, `${message}.response.yaml`), text: responseText },
    {
      role: 'command schema', path: join(schemaFolder, `${command}.json`),
      text: commandSchema(command, 'command', `What the ${rqRoot} mapping produces (scaffolded: the elements the XSD requires).`, request.command),
    },
    {
      role: 'result schema', path: join(schemaFolder, `${command}.result.json`),
      text: commandSchema(command, 'result', `What the ${response} mapping reads (scaffolded: one field per required element).`, responseMap.result),
    },
  ];
  // A scaffold that does not load would be a bug here, not the author's to find.
  for (const file of files.slice(0, 2)) parseMappingSource(file.text, file.path, { direction: file.role === 'request mapping' ? 'request' : 'response' });
  return files;
}

/**
 * Generates and writes the files of a new message.
 * @throws ScaffoldExistsError when a file exists and `force` is not set (nothing is written then).
 */
export async function writeMessageScaffold(options: ScaffoldOptions): Promise<ScaffoldFile[]> {
  const files = buildMessageScaffold(options);
  const existing = files.filter((file) => existsSync(file.path));
  if (existing.length > 0 && options.force !== true) {
    throw new ScaffoldExistsError(existing.map((file) => file.path));
  }
  for (const file of files) {
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, file.text);
  }
  return files;
}
