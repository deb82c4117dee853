import { resolve } from 'node:path';
import { loadConfig } from '../../config/config.ts';
import {
  exitCodeOfRun, formatScenarioIssue, formatScenarioJunitReport, formatScenarioSummary, formatScenarioTextReport,
  loadScenarioSuite, runScenarioSuites, ScenarioLoadError, DEFAULT_STEP_TIMEOUT_MS, type ScenarioSuite,
} from '../scenario/index.ts';
import { EXIT, parseCommandLine, readCommandOptions, UsageError, writeReport, type CliIo } from './cli-io.ts';

/**
 * `ndc-gateway scenario`: replays request/response scenarios against a running gateway, for
 * certification teams and CI. A suite is a folder of YAML scenarios and XML request templates.
 */

const USAGE = `Usage: ndc-gateway scenario run <suite folders...> --url URL [options]
       ndc-gateway scenario check <suite folders...>

run     posts each scenario's requests in order to the gateway at URL, captures values from
        each answer for the next request, and checks every answer against its expectations
check   loads the suites and reports every problem in their files, without sending anything

Options of run:
  --url URL              base URL of the gateway, e.g. http://127.0.0.1:8080 (required)
  --format F             text (default) or junit
  --output FILE          write the report to FILE and print only the summary
  --header 'Name: value' sent with every request, over the scenarios' own headers (repeatable)
  --timeout MS           deadline of one request (default: ${DEFAULT_STEP_TIMEOUT_MS})
  --schema-path DIR      schema packages as <version>/<files>, for xsdValid (default: NDC_SCHEMA_PATH)
  --airline-url URL      the reference airline, for airlineChange steps (default: AIRLINE_URL, else
                         http://127.0.0.1:AIRLINE_PORT)
  --airline-admin-key K  bearer key of its admin routes (default: AIRLINE_ADMIN_KEY)
  -h, --help             this text

Exit codes: 0 every step passed, 1 a step failed, could not be judged or was skipped,
2 usage error or a suite that does not load (each problem with file and line).
See docs/scenarios.md for the format of scenario files.
`;

const OPTIONS = {
  url: { type: 'string' },
  format: { type: 'string', default: 'text' },
  output: { type: 'string' },
  header: { type: 'string', multiple: true },
  timeout: { type: 'string' },
  'schema-path': { type: 'string' },
  'airline-url': { type: 'string' },
  'airline-admin-key': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const FORMATS = ['text', 'junit'] as const;
type ScenarioReportFormat = (typeof FORMATS)[number];

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

interface ScenarioArgs {
  readonly action: 'run' | 'check' | undefined;
  readonly folders: readonly string[];
  readonly url: string | undefined;
  readonly format: ScenarioReportFormat;
  readonly output: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number | undefined;
  readonly schemaPath: string | undefined;
  readonly airlineUrl: string | undefined;
  readonly airlineAdminKey: string | undefined;
  readonly help: boolean;
}

function parseHeaders(raw: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const entry of raw) {
    const colon = entry.indexOf(':');
    const name = colon < 0 ? '' : entry.slice(0, colon).trim();
    if (!HEADER_NAME.test(name)) throw new UsageError(`--header takes 'Name: value', not '${entry}'`);
    headers[name] = entry.slice(colon + 1).trim();
  }
  return headers;
}

function readArgs(args: readonly string[]): ScenarioArgs {
  const { values, positionals } = parseCommandLine(args, OPTIONS);
  const [action, ...folders] = positionals;
  if (action !== undefined && action !== 'run' && action !== 'check') throw new UsageError(`Unknown action '${action}': use run or check`);
  if (!(FORMATS as readonly string[]).includes(values.format)) throw new UsageError(`Unknown format '${values.format}': use text or junit`);
  const url = values.url;
  if (url !== undefined) {
    let parsedUrl: URL | undefined;
    try {
      parsedUrl = new URL(url);
    } catch {
      parsedUrl = undefined;
    }
    if (!parsedUrl || !/^https?:$/.test(parsedUrl.protocol)) throw new UsageError(`--url takes an http or https URL, not '${url}'`);
  }
  const rawTimeout = values.timeout;
  const timeoutMs = rawTimeout === undefined ? undefined : Number(rawTimeout);
  if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs < 1)) throw new UsageError(`--timeout takes a positive whole number of milliseconds, not '${rawTimeout}'`);
  return {
    action,
    folders,
    url,
    format: values.format as ScenarioReportFormat,
    output: values.output,
    headers: parseHeaders(values.header ?? []),
    timeoutMs,
    schemaPath: values['schema-path'],
    airlineUrl: values['airline-url'],
    airlineAdminKey: values['airline-admin-key'],
    help: values.help,
  };
}

/** Loads every suite, collecting the problems of all of them before giving up. */
function loadSuites(folders: readonly string[], io: CliIo): ScenarioSuite[] | undefined {
  const suites: ScenarioSuite[] = [];
  let failed = false;
  for (const folder of folders) {
    try {
      suites.push(loadScenarioSuite(folder));
    } catch (error) {
      if (!(error instanceof ScenarioLoadError)) throw error;
      failed = true;
      for (const issue of error.issues) io.stderr.write(`${formatScenarioIssue(issue)}\n`);
    }
  }
  return failed ? undefined : suites;
}

export async function run(args: readonly string[], io: CliIo): Promise<number> {
  const options = readCommandOptions(() => readArgs(args), USAGE, io);
  if (typeof options === 'number') return options;
  if (options.action === undefined) {
    io.stderr.write(USAGE);
    return EXIT.usage;
  }
  if (options.folders.length === 0) {
    io.stderr.write(`Name at least one suite folder.\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (options.action === 'run' && options.url === undefined) {
    io.stderr.write(`--url is required: the base URL of the gateway to run the scenarios against.\n\n${USAGE}`);
    return EXIT.usage;
  }

  const suites = loadSuites(options.folders, io);
  if (!suites) return EXIT.usage;
  if (options.action === 'check') {
    const count = suites.reduce((sum, suite) => sum + suite.scenarios.length, 0);
    const steps = suites.reduce((sum, suite) => sum + suite.scenarios.reduce((s, scenario) => s + scenario.steps.length, 0), 0);
    io.stdout.write(`${suites.length} suite${suites.length === 1 ? '' : 's'}, ${count} scenario${count === 1 ? '' : 's'}, ${steps} step${steps === 1 ? '' : 's'}: no problems found\n`);
    return EXIT.ok;
  }

  const config = loadConfig();
  const report = await runScenarioSuites(suites, {
    url: options.url as string,
    headers: options.headers,
    schemaPath: resolve(options.schemaPath ?? config.schemaPath),
    xsdEngine: config.xsdEngine,
    airlineUrl: options.airlineUrl ?? config.airlineUrl ?? `http://127.0.0.1:${config.airlinePort}`,
    ...((options.airlineAdminKey ?? config.airlineAdminKey) !== undefined ? { airlineAdminKey: (options.airlineAdminKey ?? config.airlineAdminKey) as string } : {}),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });

  const text = options.format === 'junit' ? formatScenarioJunitReport(report) : formatScenarioTextReport(report);
  writeReport(io, text, options.output, () => formatScenarioSummary(report));
  return exitCodeOfRun(report) === 0 ? EXIT.ok : EXIT.invalid;
}
