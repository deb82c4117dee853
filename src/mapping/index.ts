export { applyMapping } from './apply-mapping.ts';
export { compileMappingSpec, type CompileIssue, type CompileOptions, type CompileResult } from './compile-mapping.ts';
export { type DocumentIdentity, type IdempotencyRules, type IdempotencySpec } from './idempotency-rules.ts';
export { loadCodeTables } from './load-code-tables.ts';
export { loadMappingFile, parseMappingSource, type LoadMappingOptions } from './load-mapping.ts';
export {
  formatLoadIssue, MappingError, MappingLoadError,
  type MappingDirection, type MappingIssue, type MappingLoadIssue,
} from './mapping-error.ts';
export { parsePath, PathSyntaxError, type CompiledPath } from './mapping-path.ts';
export {
  loadMappingRegistry, normaliseMessageName,
  type MappedMessage, type MappingRegistry, type MappingRegistryOptions, type MappingReloadResult, type MappingSnapshot,
} from './mapping-registry.ts';
export { getMappingValidators, MAPPING_SCHEMA_URL } from './mapping-schema.ts';
export type {
  CodeTable, CodeTables, CompiledMapping, CompiledRequestMapping, CompiledResponseMapping, MappingContext, MappingSpec, RuleSpec,
} from './mapping-types.ts';
export {
  BUILT_IN_TRANSFORMS, createTransformRegistry, defineTransform,
  type TransformContext, type TransformDefinition, type TransformRegistry,
} from './transforms/index.ts';
export { watchMappings, type MappingWatcher, type WatchMappingsOptions } from './watch-mappings.ts';
export {
  listOutboundVersions, loadOutboundMappings, outboundFolder,
  type LoadOutboundOptions, type OutboundCommandMappings, type OutboundMappings, type UnsupportedField, type UntranslatedField,
} from './outbound-mappings.ts';
