export type { CompiledSchema, CompiledSchemaSet, RootElement, ValidateOptions, XsdEngine, XsdEngineName, XsdIssue } from './xsd-types.ts';
export { createXsdEngine } from './xsd-engine.ts';
export { createLibxml2WasmEngine } from './libxml2-wasm-engine.ts';
export { createLibxmljs2Engine } from './libxmljs2-engine.ts';
export { SchemaCompileError } from './schema-compile-error.ts';
export { buildCombinedSchema, COMBINED_SCHEMA_NAME, type CombinedSchemaSource } from './combined-schema.ts';
export { compileCombinedSchema, type CombinedSchema, type ExcludedMember, type SchemaSetMember } from './compile-combined-schema.ts';
export { listSchemaMessages, readPackageMessages, resolveSchemaFile, type PackageMessageSchema } from './package-messages.ts';
export { readSchemaHeader, type SchemaHeader } from './read-schema-header.ts';
export {
  createSchemaRegistry,
  type CombinedSchemaInfo,
  type SchemaFailure,
  type SchemaRegistry,
  type SchemaRegistryOptions,
  type SchemaRoute,
} from './schema-registry.ts';
export { checkRootElement, cleanXsdMessage, DEFAULT_MAX_ERRORS, EMPTY_DOCUMENT_MESSAGE, extractElementName, locateIssues, type RawXsdIssue } from './xsd-issues.ts';
export { buildElementPath, findStartTagsOnLine, matchesNodeXPath, scanStartTags, type StartTagIndex } from './xml-tag-scanner.ts';
