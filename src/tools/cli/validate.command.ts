import { resolve } from 'node:path';
import { loadConfig } from '../../config/config.ts';
import { createRuleChecker, loadRulesConfig, RulesConfigError, type RuleChecker, type RulesConfig } from '../../rules/index.ts';
import type { ConformanceEngine } from '../conformance/conformance-engine.ts';
import type { ConformanceReport, FileResult } from '../conformance/conformance-types.ts';
import { createConformanceEngines, parseEngineChoice } from '../conformance/create-conformance-engines.ts';
import { findInputFiles } from '../conformance/find-input-files.ts';
import { runConformance } from '../conformance/run-conformance.ts';
import { EXIT, parseCommandLine, readCommandOptions, UsageError, writeReport, type CliIo } from './cli-io.ts';
import { formatSummary, isReportFormat, REPORTERS } from './reporters/index.ts';

/**
 * `ndc-gateway validate`: a schema conformance suite over files, folders and globs, for
 * certification teams and CI. Verdicts per file and engine; text, JSON or JUnit reports.
 */

const USAGE = `Usage: ndc-gateway validate <files|folders|globs...> [options]

Validates NDC messages against the installed IATA XSDs, and with --rules against IATA's business
rules beyond the XSD (docs/rules.md). Each file's message comes from its root element and its
version from the namespace (17.2, 19.2), else PayloadAttributes/VersionNumber, else the default
version (21.3, 24.4, 26.1 share one namespace).

Options:
  --ndc-version V        validate every file as version V (e.g. 24.4)
  --engine E             libxml2 (default), libxmljs2, xerces or all; with all, files on which
                         the engines disagree are flagged
  --format F             text (default), json or junit
  --output FILE          write the report to FILE and print only the summary
  --max-errors N         issues kept per file and engine (default: XSD_MAX_ERRORS, 50)
  --rules                also check the business rules; findings carry a rule id, and a
                         finding of severity error makes the file invalid (warnings do not)
  --rules-only           check the business rules and skip the XSD
  --rules-config FILE    YAML or JSON: rules: { <rule id>: off | warning | error }; implies --rules
  --schema-path DIR      schema packages as <version>/<files> (default: NDC_SCHEMA_PATH)
  -h, --help             this text

Exit codes: 0 all valid, 1 something invalid or not NDC, 2 usage error or a schema that is
missing or does not compile.
`;

const OPTIONS = {
  'ndc-version': { type: 'string' },
  engine: { type: 'string', default: 'libxml2' },
  format: { type: 'string', default: 'text' },
  output: { type: 'string' },
  'max-errors': { type: 'string' },
  'schema-path': { type: 'string' },
  rules: { type: 'boolean', default: false },
  'rules-only': { type: 'boolean', default: false },
  'rules-config': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

interface ValidateArgs {
  readonly inputs: readonly string[];
  readonly version: string | undefined;
  readonly engines: NonNullable<ReturnType<typeof parseEngineChoice>>;
  readonly format: keyof typeof REPORTERS;
  readonly output: string | undefined;
  readonly maxErrors: number | undefined;
  readonly schemaPath: string | undefined;
  /** `xsd+rules`, `rules` (no XSD) or `xsd`. */
  readonly checks: 'xsd' | 'xsd+rules' | 'rules';
  readonly rulesConfig: string | undefined;
  readonly help: boolean;
}

function readArgs(args: readonly string[]): ValidateArgs {
  const { values, positionals } = parseCommandLine(args, OPTIONS);
  const engines = parseEngineChoice(values.engine);
  if (!engines) throw new UsageError(`Unknown engine '${values.engine}': use libxml2, libxmljs2, xerces or all`);
  if (!isReportFormat(values.format)) throw new UsageError(`Unknown format '${values.format}': use text, json or junit`);
  const version = values['ndc-version'];
  if (version !== undefined && !/^\d{2}\.\d$/.test(version)) throw new UsageError(`--ndc-version takes a version such as 21.3, not '${version}'`);
  const rawMax = values['max-errors'];
  const maxErrors = rawMax === undefined ? undefined : Number(rawMax);
  if (maxErrors !== undefined && (!Number.isInteger(maxErrors) || maxErrors < 1)) throw new UsageError(`--max-errors takes a positive whole number, not '${rawMax}'`);
  return {
    inputs: positionals,
    version,
    engines,
    format: values.format,
    output: values.output,
    maxErrors,
    schemaPath: values['schema-path'],
    checks: values['rules-only'] ? 'rules' : values.rules || values['rules-config'] !== undefined ? 'xsd+rules' : 'xsd',
    rulesConfig: values['rules-config'],
    help: values.help,
  };
}

/** 2 when a schema is missing or broken, 1 when a file is invalid or no NDC, else 0. */
export function exitCodeOf(report: ConformanceReport): number {
  const { summary } = report;
  if (summary.setupErrors > 0) return EXIT.usage;
  if (summary.invalid > 0 || summary.errors > 0) return EXIT.invalid;
  return EXIT.ok;
}

/** A progress bar on stderr for a person watching; nothing in CI or when output is piped. */
async function startProgress(io: CliIo, total: number): Promise<{ update(done: number, result: FileResult): void; stop(): void }> {
  if (!io.interactive || total < 2) return { update: () => undefined, stop: () => undefined };
  const { SingleBar, Presets } = await import('cli-progress');
  const bar = new SingleBar(
    { stream: io.stderr, format: 'validating [{bar}] {value}/{total} {file}', hideCursor: true, clearOnComplete: true, noTTYOutput: true, notTTYSchedule: 200 },
    Presets.shades_classic,
  );
  bar.start(total, 0, { file: '' });
  return {
    update: (done, result) => bar.update(done, { file: result.file.length > 60 ? `…${result.file.slice(-59)}` : result.file }),
    stop: () => bar.stop(),
  };
}

export async function run(args: readonly string[], io: CliIo): Promise<number> {
  const options = readCommandOptions(() => readArgs(args), USAGE, io);
  if (typeof options === 'number') return options;
  if (options.inputs.length === 0) {
    io.stderr.write(`Name at least one file, folder or glob.\n\n${USAGE}`);
    return EXIT.usage;
  }
  const config = loadConfig();
  const schemaPath = resolve(options.schemaPath ?? config.schemaPath);
  const { files, unmatched } = findInputFiles(options.inputs);
  for (const input of unmatched) io.stderr.write(`No such file or folder, and no file matches: ${input}\n`);
  if (unmatched.length > 0) return EXIT.usage;
  if (files.length === 0) {
    io.stderr.write('No .xml files found in the folders given.\n');
    return EXIT.usage;
  }

  let rules: RuleChecker | undefined;
  if (options.checks !== 'xsd') {
    let rulesConfig: RulesConfig = {};
    try {
      if (options.rulesConfig !== undefined) rulesConfig = loadRulesConfig(resolve(options.rulesConfig));
    } catch (error) {
      if (!(error instanceof RulesConfigError)) throw error;
      io.stderr.write(`${error.message}\n`);
      return EXIT.usage;
    }
    rules = createRuleChecker(rulesConfig, { schemaPath });
  }
  const engines: ConformanceEngine[] = options.checks === 'rules' ? [] : await createConformanceEngines(options.engines);
  const progress = await startProgress(io, files.length);
  let report: ConformanceReport;
  try {
    report = await runConformance(files, {
      schemaPath,
      engines,
      defaultVersion: config.defaultVersion,
      maxErrors: options.maxErrors ?? config.xsdMaxErrors,
      ...(rules ? { rules } : {}),
      ...(options.version === undefined ? {} : { version: options.version }),
      onProgress: (done, _total, result) => progress.update(done, result),
    });
  } finally {
    progress.stop();
    for (const engine of engines) engine.dispose();
  }

  const text = REPORTERS[options.format](report);
  writeReport(io, text, options.output, () => formatSummary(report));
  return exitCodeOf(report);
}
