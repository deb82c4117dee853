import { dirname, join, relative } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { loadCommandValidator } from '../../commands/command-validator.ts';
import { loadConfig, type Config } from '../../config/config.ts';
import { loadAirlineContract } from '../../contracts/airline/index.ts';
import { loadMappingRegistry, loadOutboundMappings, MappingLoadError, type OutboundMappings } from '../../mapping/index.ts';
import {
  createXsdResponseValidator, formatDifference, formatLintIssue, lintMappings, listFixtureCases, MappingToolUsageError, runFixtureCase, runOutboundFixtureCase,
  ScaffoldExistsError, writeMessageScaffold, type FixtureCaseOutcome, type FixtureSideOutcome, type LintIssue, type XsdResponseValidator,
} from '../mapping-tools/index.ts';
import { EXIT, parseCommandLine, UsageError, type CliIo } from './cli-io.ts';

/**
 * `ndc-gateway mapping lint|test|scaffold`: the tools airline IT uses on mapping files — check
 * them against the message XSDs, run them on fixture cases, and start a new message from its XSDs.
 */

const USAGE = `Usage: ndc-gateway mapping <lint|test|scaffold> [options]

  lint [files|folders...]     check that mapping files load and that every path and output key
                              exists in the message's XSD (default: the whole mappings folder)
  test [fixture folders...]   run the mappings on fixture cases and compare with command.json and
                              expected.xml (default: every case under fixtures/mapping)
  scaffold <Message>          write request/response mappings and command schemas for a new
                              message, generated from its XSDs

Run 'ndc-gateway mapping <subcommand> --help' for its options.
Exit codes: 0 all good, 1 problems found (or a file scaffold would overwrite), 2 usage error.
`;

const LINT_USAGE = `Usage: ndc-gateway mapping lint [files|folders...] [options]

Checks each mapping file against the mapping JSON Schema (as loading does: file:line:column), and
every path a request mapping reads and every key a response mapping writes against the message's
XSD, with the closest allowed names for a typo. A file that other versions inherit is checked
against their XSDs too. Also checks that the command has its schemas in schemas/commands and that
a response names the response of its request.

Options:
  --ndc-version V   check against version V only; without files, lint the files in force for V
  --format F        text (default) or json
  -h, --help        this text

Exit codes: 0 no errors (warnings are printed), 1 errors found, 2 usage error.
`;

const TEST_USAGE = `Usage: ndc-gateway mapping test [fixture folders...] [options]

Runs fixture cases (<version>/<case>/ with request.xml, command.json, result.json, expected.xml):
the request mapping must produce command.json and pass the command schema; the response mapping,
on result.json, must build expected.xml and the response must pass its XSD. Each mismatch prints
the first differing paths. A folder may be a case, a version folder of cases, or a folder of those.
Cases under outbound/<version>/ run the outbound mappings (mappings/outbound): command.json
({ command, payload, ctx }) must build request.xml, an RQ that passes its XSD, and the airline's
response.xml must give result.json, which must pass the airline contract.

Options:
  --ndc-version V   run only cases of version V
  --skip-xsd        do not validate the built responses against their XSD (faster)
  --format F        text (default) or json
  -h, --help        this text

Exit codes: 0 every case passes, 1 a case fails or the mappings do not load, 2 usage error.
`;

const SCAFFOLD_USAGE = `Usage: ndc-gateway mapping scaffold <Message> --ndc-version V [options]

Writes <Message>.request.yaml (the request's element tree as comments, a map reading the elements
the XSD requires), <Message>.response.yaml (a map writing the elements the response XSD requires)
and the command schemas <command>.json and <command>.result.json that agree with them.

Options:
  --ndc-version V   the NDC version whose XSDs to read (required)
  --command NAME    internal command (default: the message's words, e.g. OrderRules → order.rules)
  --response NAME   response message (default: <Message>RS; e.g. OrderViewRS for OrderCreate)
  --out DIR         write all four files to DIR (default: mappings/<V>/ and schemas/commands/)
  --force           overwrite files that exist
  -h, --help        this text

Exit codes: 0 written, 1 a file exists (nothing written), 2 usage error.
`;

const FORMATS = ['text', 'json'] as const;
type Format = (typeof FORMATS)[number];

/** The shared command-line parser, with its values loosened to what the subcommands read. */
function parse(args: readonly string[], options: NonNullable<ParseArgsConfig['options']>): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const parsed = parseCommandLine(args, options);
  return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
}

function readFormat(value: string | boolean | undefined): Format {
  const format = typeof value === 'string' ? value : 'text';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`Unknown format '${format}': use text or json`);
  return format as Format;
}

function readVersion(value: string | boolean | undefined): string | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  if (!/^\d{2}\.\d$/.test(value)) throw new UsageError(`--ndc-version takes a version such as 21.3, not '${value}'`);
  return value;
}

/** Paths as the user typed them relative to: short in a terminal, still clickable in an editor. */
function shorten(path: string): string {
  const short = relative(process.cwd(), path);
  return short === '' || short.startsWith('..') ? path : short;
}

function writeJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

async function runLint(args: readonly string[], io: CliIo, config: Config): Promise<number> {
  const { values, positionals } = parse(args, {
    'ndc-version': { type: 'string' }, format: { type: 'string' }, help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    io.stdout.write(LINT_USAGE);
    return EXIT.ok;
  }
  const format = readFormat(values.format);
  const version = readVersion(values['ndc-version']);
  const report = await lintMappings({
    targets: positionals,
    ...(version === undefined ? {} : { version }),
    mappingsPath: config.mappingsPath,
    schemaPath: config.schemaPath,
    commandSchemasPath: config.commandSchemasPath,
  });
  const issues: LintIssue[] = report.issues.map((issue) => ({ ...issue, file: shorten(issue.file) }));
  if (format === 'json') {
    writeJson(io, { files: report.files.map(shorten), errorCount: report.errorCount, warningCount: report.warningCount, issues });
  } else {
    for (const issue of issues) io.stdout.write(`${formatLintIssue(issue)}\n`);
    const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
    io.stdout.write(`${plural(report.files.length, 'file')} linted: ${plural(report.errorCount, 'error')}, ${plural(report.warningCount, 'warning')}\n`);
  }
  return report.errorCount > 0 ? EXIT.invalid : EXIT.ok;
}

function describeSide(label: string, side: FixtureSideOutcome): string[] {
  if (side.ok) return [];
  const lines: string[] = [];
  if (side.differences.length > 0) {
    lines.push(`  ${label}: ${side.differences.length === 1 ? '1 difference' : `${side.differences.length} differences`}${side.differences.length >= 20 ? ' (first 20)' : ''}`);
    for (const difference of side.differences) lines.push(`    ${formatDifference(difference)}`);
  }
  for (const problem of side.problems) lines.push(`  ${problem.replace(/\n/g, '\n  ')}`);
  return lines;
}

function summariseOutcome(outcome: FixtureCaseOutcome): object {
  const side = (s: FixtureSideOutcome): object => ({ ok: s.ok, differences: s.differences, problems: s.problems });
  return {
    version: outcome.case.version,
    name: outcome.case.name,
    dir: shorten(outcome.case.dir),
    ok: outcome.ok,
    message: outcome.request.message,
    request: side(outcome.request),
    response: side(outcome.response),
  };
}

async function runTest(args: readonly string[], io: CliIo, config: Config): Promise<number> {
  const { values, positionals } = parse(args, {
    'ndc-version': { type: 'string' }, format: { type: 'string' }, 'skip-xsd': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    io.stdout.write(TEST_USAGE);
    return EXIT.ok;
  }
  const format = readFormat(values.format);
  const version = readVersion(values['ndc-version']);
  const folders = positionals.length > 0 ? positionals : [join(dirname(config.mappingsPath), 'fixtures', 'mapping')];
  const cases = await listFixtureCases(folders, version);
  if (cases.length === 0) throw new UsageError(`no fixture case${version === undefined ? '' : ` of NDC ${version}`} under ${folders.join(', ')}`);

  let mappings;
  const outboundSets = new Map<string, Promise<OutboundMappings>>();
  const outbound = (v: string): Promise<OutboundMappings> => {
    let set = outboundSets.get(v);
    if (!set) outboundSets.set(v, (set = loadOutboundMappings({ mappingsPath: config.mappingsPath, version: v })));
    return set;
  };
  try {
    const inboundVersions = [...new Set(cases.filter((c) => !c.outbound).map((c) => c.version))];
    mappings = await loadMappingRegistry({ mappingsPath: config.mappingsPath, versions: inboundVersions });
    for (const v of new Set(cases.filter((c) => c.outbound).map((c) => c.version))) await outbound(v);
  } catch (error) {
    if (!(error instanceof MappingLoadError)) throw error;
    io.stderr.write(`The mappings do not load:\n${error.issues.map((issue) => `  ${formatLintIssue({ ...issue, file: shorten(issue.file), severity: 'error', code: 'load' })}`).join('\n')}\n`);
    return EXIT.invalid;
  }
  const commands = loadCommandValidator(config.commandSchemasPath);
  const contract = cases.some((c) => c.outbound) ? loadAirlineContract({ commandSchemasPath: config.commandSchemasPath }) : undefined;
  let validator: XsdResponseValidator | undefined;
  if (values['skip-xsd'] !== true) validator = await createXsdResponseValidator(config.xsdEngine);
  const outcomes: FixtureCaseOutcome[] = [];
  try {
    for (const testCase of cases) {
      const validate = validator ? { validate: (xml: string, file: string) => validator.validate(xml, file) } : undefined;
      const outcome = testCase.outbound
        ? await runOutboundFixtureCase(testCase, { schemaPath: config.schemaPath, mappings: outbound, contract: contract!, ...(validate ? { validateRequest: validate.validate } : {}) })
        : await runFixtureCase(testCase, { config, mappings, commands, ...(validate ? { validateResponse: validate.validate } : {}) });
      outcomes.push(outcome);
      if (format === 'text') {
        io.stdout.write(`${outcome.ok ? 'ok  ' : 'FAIL'} ${testCase.outbound ? 'outbound ' : ''}${testCase.version} ${testCase.name}${outcome.ok ? '' : `  (${shorten(testCase.dir)})`}\n`);
        const details = testCase.outbound
          ? [...describeSide('request.xml', outcome.request), ...describeSide('result.json', outcome.response)]
          : [...describeSide('command.json', outcome.request), ...describeSide('expected.xml', outcome.response)];
        if (details.length > 0) io.stdout.write(`${details.join('\n')}\n`);
      }
    }
  } finally {
    validator?.dispose();
  }
  const failed = outcomes.filter((o) => !o.ok).length;
  if (format === 'json') writeJson(io, { cases: outcomes.length, passed: outcomes.length - failed, failed, outcomes: outcomes.map(summariseOutcome) });
  else io.stdout.write(`${outcomes.length} case${outcomes.length === 1 ? '' : 's'}: ${outcomes.length - failed} passed, ${failed} failed\n`);
  return failed > 0 ? EXIT.invalid : EXIT.ok;
}

async function runScaffold(args: readonly string[], io: CliIo, config: Config): Promise<number> {
  const { values, positionals } = parse(args, {
    'ndc-version': { type: 'string' }, command: { type: 'string' }, response: { type: 'string' }, out: { type: 'string' },
    force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    io.stdout.write(SCAFFOLD_USAGE);
    return EXIT.ok;
  }
  const [message, ...extra] = positionals;
  if (message === undefined) throw new UsageError('name the message to scaffold, e.g. OrderRules');
  if (extra.length > 0) throw new UsageError(`one message at a time; also got ${extra.join(', ')}`);
  const version = readVersion(values['ndc-version']);
  if (version === undefined) throw new UsageError('--ndc-version is required: the scaffold is generated from that version\'s XSDs');
  const text = (value: string | boolean | undefined): string | undefined => (typeof value === 'string' ? value : undefined);
  const command = text(values.command);
  const response = text(values.response);
  const outDir = text(values.out);
  let files;
  try {
    files = await writeMessageScaffold({
      message, version,
      ...(command === undefined ? {} : { command }),
      ...(response === undefined ? {} : { response }),
      ...(outDir === undefined ? {} : { outDir }),
      force: values.force === true,
      mappingsPath: config.mappingsPath, schemaPath: config.schemaPath, commandSchemasPath: config.commandSchemasPath,
    });
  } catch (error) {
    if (!(error instanceof ScaffoldExistsError)) throw error;
    io.stderr.write(`Not overwriting (pass --force to replace):\n${error.files.map((file) => `  ${shorten(file)}`).join('\n')}\n`);
    return EXIT.invalid;
  }
  for (const file of files) io.stdout.write(`wrote ${shorten(file.path)} (${file.role})\n`);
  io.stdout.write("Next: point the placeholder paths at the command and result fields, run 'ndc-gateway mapping lint', and add a fixture case.\n");
  return EXIT.ok;
}

const SUBCOMMANDS: Readonly<Record<string, { usage: string; run: (args: readonly string[], io: CliIo, config: Config) => Promise<number> }>> = {
  lint: { usage: LINT_USAGE, run: runLint },
  test: { usage: TEST_USAGE, run: runTest },
  scaffold: { usage: SCAFFOLD_USAGE, run: runScaffold },
};

/** Runs `ndc-gateway mapping <subcommand> …` and returns its exit code. */
export async function run(args: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h') {
    io.stdout.write(USAGE);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const subcommand = SUBCOMMANDS[name];
  if (!subcommand) {
    io.stderr.write(`Unknown mapping subcommand '${name}'.\n\n${USAGE}`);
    return EXIT.usage;
  }
  try {
    return await subcommand.run(rest, io, loadConfig());
  } catch (error) {
    if (error instanceof UsageError || error instanceof MappingToolUsageError) {
      io.stderr.write(`${error.message}\n\n${subcommand.usage}`);
      return EXIT.usage;
    }
    throw error;
  }
}
