export { DEFAULT_NDC_PATH, loadScenarioSuite, parseScenarioSource } from './load-scenario-suite.ts';
export { createResponseReader, type ResponseReader, type ScenarioResponse } from './read-response.ts';
export {
  BUILT_IN_NAMES, compileTemplate, escapeRegExp, escapeXml, renderTemplate, TemplateRenderError, TemplateSyntaxError,
  type Placeholder, type RenderContext, type RenderMode, type Template, type TemplateFilter,
} from './render-template.ts';
export { nodeValue, parseResponsePath, ResponsePathError, selectNodes, selectValues, type ResponsePath, type ResponsePathStep } from './response-path.ts';
export { ASSERTIONS, checkExpectations, describeNdcErrors, type AssertionContext } from './scenario-assertions.ts';
export { formatScenarioJunitReport } from './scenario-junit.reporter.ts';
export { formatScenarioIssue, ScenarioLoadError, type ScenarioLoadIssue } from './scenario-load-error.ts';
export { getScenarioValidator, SCENARIO_SCHEMA_URL } from './scenario-schema.ts';
export { formatScenarioSummary, formatScenarioTextReport } from './scenario-text.reporter.ts';
export type * from './scenario-types.ts';
export { DEFAULT_STEP_TIMEOUT_MS, exitCodeOfRun, runScenarioSuites, type RunScenariosOptions } from './run-scenarios.ts';
