export type {
  ConformanceEngineName, ConformanceReport, ConformanceSummary, EngineVerdict, FileError, FileErrorCode, FileResult, FileStatus, RuleSummary, RulesVerdict, VersionSource,
} from './conformance-types.ts';
export { CONFORMANCE_ENGINES, SETUP_ERROR_CODES } from './conformance-types.ts';
export { fromXercesValidator, fromXsdEngine, type ConformanceEngine, type ConformanceSchema } from './conformance-engine.ts';
export { createConformanceEngines, parseEngineChoice } from './create-conformance-engines.ts';
export { detectFileMessage, normalisePayloadVersion, readPayloadVersion, schemaFileOf, type DetectedFile, type Detection, type DetectOptions } from './detect-file-message.ts';
export { findInputFiles, type InputFiles } from './find-input-files.ts';
export { compileGlob, isGlob, splitGlob } from './glob-pattern.ts';
export { createSchemaCache, type SchemaCache } from './schema-cache.ts';
export { describeVerdicts, findDisagreement } from './compare-engines.ts';
export { summariseResults, summariseRules } from './summarise-results.ts';
export { runConformance, type ConformanceOptions } from './run-conformance.ts';
