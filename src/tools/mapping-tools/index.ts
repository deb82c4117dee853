export { checkRequestPaths } from './check-request-paths.ts';
export { checkResponseKeys } from './check-response-keys.ts';
export { describeDiffValue, diffValues, formatDifference, type DiffOptions, type DiffPathStyle, type ValueDifference } from './diff-values.ts';
export { compareLintIssues, formatLintIssue, mergeLintIssues, type LintCode, type LintIssue, type LintSeverity } from './lint-issue.ts';
export { lintMappings, type LintMappingsOptions, type LintReport } from './lint-mappings.ts';
export { createLintReporter, type LintFinding, type LintReporter } from './lint-reporter.ts';
export { FIXTURE_FILES, listFixtureCases, type FixtureCase } from './list-fixture-cases.ts';
export { MappingToolUsageError, ScaffoldExistsError } from './mapping-tool-error.ts';
export { listEffectiveFiles, listVersionsUsing, readMappingTree, resolveEffectiveFile, type MappingTree } from './mapping-tree.ts';
export { findExpectedResponse, findMessageSchema, loadMessageModel } from './message-schemas.ts';
export {
  describeFailure, runFixtureCase, runFixtureRequest, runFixtureResponse,
  type FixtureCaseOutcome, type FixtureMappings, type FixtureRunEnvironment, type FixtureSideOutcome, type RequestSideOutcome, type ResponseSideOutcome,
} from './run-fixture-case.ts';
export {
  buildMessageScaffold, COMMAND_SCHEMA_ID_BASE, deriveCommandName, writeMessageScaffold,
  type ScaffoldFile, type ScaffoldFileRole, type ScaffoldOptions,
} from './scaffold-message.ts';
export { renderElementTree } from './scaffold-hints.ts';
export { suggestNames } from './suggest-names.ts';
export { createXsdResponseValidator, type XsdResponseValidator } from './xsd-response-validator.ts';
export { lintOutboundFile, outboundPlace, OUTBOUND_FILE_NAME, OUTBOUND_FOLDER_NAME, type OutboundLintContext } from './lint-outbound.ts';
export { OUTBOUND_FIXTURE_FILES, runOutboundFixtureCase, type OutboundFixtureEnvironment } from './run-outbound-case.ts';
