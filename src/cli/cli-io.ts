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
