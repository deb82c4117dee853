export type { CompiledSchema, CompiledSchemaSet, RootElement, ValidateOptions, XsdEngine, XsdEngineName, XsdIssue } from './xsd-types.ts';
export { createXsdEngine } from './xsd-engine.ts';
export { createLibxml2WasmEngine } from './libxml2-wasm-engine.ts';
export { createLibxmljs2Engine } from './libxmljs2-engine.ts';
export { SchemaCompileError } from './schema-compile-error.ts';
export { buildCombinedSchema, COMBINED_SCHEMA_NAME, type CombinedSchemaSource } from './combined-schema.ts';
export {
  createSchemaRegistry,
  listSchemaMessages,
  resolveSchemaFile,
  type SchemaFailure,
  type SchemaRegistry,
  type SchemaRegistryOptions,
} from './schema-registry.ts';
export { checkRootElement, cleanXsdMessage, DEFAULT_MAX_ERRORS, EMPTY_DOCUMENT_MESSAGE, extractElementName, locateIssues, type RawXsdIssue } from './xsd-issues.ts';
export { buildElementPath, findStartTagsOnLine, matchesNodeXPath, scanStartTags, type StartTagIndex } from './xml-tag-scanner.ts';
