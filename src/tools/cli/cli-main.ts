/**
 * `ndc-gateway <command>`: the conformance and mapping tools. Each command lives in its own
 * module and is loaded only when asked for, so `validate` never pays for the mapping tools.
 *
 * Exit codes: 0 all good, 1 something is invalid or failed, 2 usage or schema error.
 */
import { loadConfig } from '../../config/config.ts';
import { EXIT, type CliCommand, type CliIo } from './cli-io.ts';

export { EXIT, type CliCommand, type CliIo };

const COMMANDS: Readonly<Record<string, { summary: string; load: () => Promise<{ run: CliCommand }> }>> = {
  validate: { summary: 'validate NDC messages against the IATA XSDs (files, folders, globs)', load: () => import('./validate.command.ts') },
  schemas: { summary: 'import an IATA schema package, or list what is installed', load: () => import('./schemas.command.ts') },
  mapping: { summary: 'lint, test or scaffold mapping files', load: () => import('./mapping.command.ts') },
  scenario: { summary: 'run request/response scenario suites against a running gateway', load: () => import('./scenario.command.ts') },
  airline: { summary: 'change a flight at the reference airline (times, cancellation, aircraft)', load: () => import('./airline.command.ts') },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, { summary }]) => `  ${name.padEnd(10)} ${summary}`);
  return `Usage: ndc-gateway <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun 'ndc-gateway <command> --help' for the options of a command.\n`;
}

/** Runs one CLI invocation and returns its exit code. */
export async function runCli(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    io.stdout.write(usage());
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`Unknown command '${name}'.\n\n${usage()}`);
    return EXIT.usage;
  }
  try {
    const { run } = await command.load();
    return await run(rest, io);
  } catch (error) {
    io.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.usage;
  }
}

function defaultIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, interactive: Boolean(process.stdout.isTTY) && !loadConfig().ci };
}
