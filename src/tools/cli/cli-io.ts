import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** What a command writes to, and whether it may draw progress bars. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Whether stdout is a terminal (progress bars) and not CI. */
  readonly interactive: boolean;
}

/** Exit codes of every command: 0 all good, 1 something is invalid or failed, 2 usage or schema error. */
export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

export type CliCommand = (args: readonly string[], io: CliIo) => Promise<number>;

/** A command line the command cannot run: the message is printed above the command's usage text. */
export class UsageError extends Error {}

/** `parseArgs` with positionals and unknown options refused; its errors become usage errors. */
export function parseCommandLine<const O extends NonNullable<ParseArgsConfig['options']>>(args: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Reads a command's options. On a usage error (message and usage on stderr) or `--help` (usage on
 * stdout) it returns the exit code to end with instead.
 */
export function readCommandOptions<T extends { readonly help: boolean }>(read: () => T, usage: string, io: CliIo): T | number {
  let options: T;
  try {
    options = read();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`${error.message}\n\n${usage}`);
    return EXIT.usage;
  }
  if (options.help) {
    io.stdout.write(usage);
    return EXIT.ok;
  }
  return options;
}

/** Prints the report, or with `--output` writes it to that file and prints only the summary. */
export function writeReport(io: CliIo, text: string, output: string | undefined, summary: () => string): void {
  if (output === undefined) {
    io.stdout.write(text);
    return;
  }
  const target = resolve(output);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
  io.stdout.write(`${summary()}\nReport written to ${target}\n`);
}
