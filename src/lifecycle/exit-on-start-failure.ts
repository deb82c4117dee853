import { ConfigError } from '../config/config.ts';
import { ListenError } from '../net/listen.ts';

/**
 * Ends a process whose start failed. A bad setting is the operator's to fix: its message says
 * which setting and where, so it is printed as it is, without a stack trace; anything else in full.
 * @param settingErrors error classes that also name a setting, besides ConfigError and ListenError
 */
export function exitOnStartFailure(error: unknown, ...settingErrors: readonly (abstract new (...args: never[]) => Error)[]): never {
  const namesSetting = [ConfigError, ListenError, ...settingErrors].some((type) => error instanceof type);
  console.error(namesSetting ? `${(error as Error).name}: ${(error as Error).message}` : error);
  process.exit(1);
}
