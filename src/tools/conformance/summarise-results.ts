import { SETUP_ERROR_CODES, type ConformanceSummary, type FileResult } from './conformance-types.ts';

/** Counts of a run; a file counts once, under its status. */
export function summariseResults(files: readonly FileResult[], durationMs: number): ConformanceSummary {
  let valid = 0;
  let invalid = 0;
  let errors = 0;
  let setupErrors = 0;
  let disagreements = 0;
  for (const file of files) {
    if (file.status === 'valid') valid++;
    else if (file.status === 'invalid') invalid++;
    else errors++;
    if (file.status === 'error' && file.error && SETUP_ERROR_CODES.has(file.error.code)) setupErrors++;
    if (file.disagreement) disagreements++;
  }
  return { files: files.length, valid, invalid, errors, setupErrors, disagreements, durationMs: Math.round(durationMs) };
}
