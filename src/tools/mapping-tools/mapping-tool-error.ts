/**
 * A mapping tool was asked for something it cannot do as asked: a target that does not exist, a
 * version the gateway does not know, a file it would overwrite. The CLI answers it with exit code 2
 * (usage) or 1, so it is a class of its own rather than a plain Error.
 */
export class MappingToolUsageError extends Error {
  override name = 'MappingToolUsageError';
}

/** A scaffold would overwrite existing files; nothing was written. The CLI answers it with exit code 1. */
export class ScaffoldExistsError extends Error {
  override name = 'ScaffoldExistsError';
  readonly files: readonly string[];

  constructor(files: readonly string[]) {
    super(`not overwriting ${files.join(', ')} (pass --force to replace)`);
    this.files = files;
  }
}
