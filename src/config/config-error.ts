/** Thrown when the environment holds an invalid setting; the message lists every problem. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
