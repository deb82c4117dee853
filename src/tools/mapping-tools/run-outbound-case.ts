import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AirlineContract } from '../../contracts/airline/index.ts';
import { schemaErrorDetails } from '../../contracts/schema-folders.ts';
import { applyMapping, type OutboundMappings } from '../../mapping/index.ts';
import { NDC_VERSIONS } from '../../ndc/ndc-versions.ts';
import { loadSchemaModel, parseXml, readRootElement, writeXml, type SchemaModel } from '../../xml/index.ts';
import { diffValues } from './diff-values.ts';
import type { FixtureCase } from './list-fixture-cases.ts';
import { findMessageSchema } from './message-schemas.ts';
import { describeFailure, type FixtureCaseOutcome, type FixtureSideOutcome } from './run-fixture-case.ts';

/**
 * The files of an outbound case (`fixtures/mapping/outbound/<version>/<case>/`): the command the
 * gateway sends an airline, the RQ it must become, the airline's RS, and the result it must give.
 */
export const OUTBOUND_FIXTURE_FILES = { command: 'command.json', request: 'request.xml', response: 'response.xml', result: 'result.json' } as const;

/** command.json of an outbound case. */
interface OutboundCommandFile {
  readonly command: string;
  readonly payload: unknown;
  /** Extra `$ctx` of the case: `link`, `settlement`, `agency`… (`correlationId`, `now`, `version`, `airline` are fixed). */
  readonly ctx?: Record<string, unknown>;
}

export interface OutboundFixtureEnvironment {
  readonly schemaPath: string;
  /** The outbound mappings of a version (loaded once per version by the caller). */
  mappings(version: string): Promise<OutboundMappings>;
  readonly contract: AirlineContract;
  /** Validates a built RQ against its XSD file, returning the problems. */
  readonly validateRequest?: (xml: string, schemaFile: string) => readonly string[] | Promise<readonly string[]>;
  /** @defaultValue '2026-01-01T00:00:00Z' */
  readonly now?: string;
}

function sideOutcome(actual: unknown, expected: unknown, differences: FixtureSideOutcome['differences'], problems: readonly string[]): FixtureSideOutcome {
  return { ok: problems.length === 0 && differences.length === 0, actual, expected, differences, problems };
}

function modelOf(schemaPath: string, version: string, message: string): { model: SchemaModel; file: string } {
  const file = findMessageSchema(schemaPath, version, message);
  if (!file) throw new Error(`no XSD for ${message} in ${join(schemaPath, version)}`);
  return { model: loadSchemaModel(file), file };
}

/**
 * Runs an outbound case: the request mapping on the command must build request.xml (compared
 * parsed, so prefixes and formatting do not matter) and the RQ must pass its XSD; the response
 * mapping on response.xml must give result.json (its private `link` included), and the result
 * without `link` must pass the airline contract.
 */
export async function runOutboundFixtureCase(testCase: FixtureCase, env: OutboundFixtureEnvironment): Promise<FixtureCaseOutcome> {
  const { version } = testCase;
  const info = NDC_VERSIONS[version];
  const failed = (step: string, error: unknown): FixtureCaseOutcome => {
    const side = sideOutcome(undefined, undefined, [], [describeFailure(step, error)]);
    return { case: testCase, ok: false, request: { ...side, message: '' }, response: side };
  };
  if (!info) return failed('version', new Error(`unknown NDC version ${version}`));
  let file: OutboundCommandFile;
  let mappings: OutboundMappings;
  try {
    file = JSON.parse(await readFile(join(testCase.dir, OUTBOUND_FIXTURE_FILES.command), 'utf8')) as OutboundCommandFile;
    mappings = await env.mappings(version);
  } catch (error) {
    return failed(OUTBOUND_FIXTURE_FILES.command, error);
  }
  const pair = mappings.find(file.command);
  if (!pair) return failed('mappings', new Error(`NDC ${version} has no outbound mappings for ${file.command}`));
  const ctx = { correlationId: 'fixture', now: env.now ?? '2026-01-01T00:00:00Z', version, airline: { designator: 'XA', name: 'Fixture Air' }, ...file.ctx };

  // The RQ.
  const message = pair.request.message;
  const rqRoot = info.rootName(message);
  const requestProblems: string[] = [];
  let requestSide: FixtureSideOutcome;
  try {
    const { model, file: schemaFile } = modelOf(env.schemaPath, version, message);
    const xml = writeXml(rqRoot, applyMapping(pair.request, file.payload, { ctx, rootName: rqRoot }), model, info).toString('utf8');
    if (env.validateRequest) for (const issue of await env.validateRequest(xml, schemaFile)) requestProblems.push(`XSD ${message}: ${issue}`);
    const actual = parseXml(xml, { model }).document;
    let expected: unknown;
    try {
      expected = parseXml(await readFile(join(testCase.dir, OUTBOUND_FIXTURE_FILES.request), 'utf8'), { model }).document;
    } catch (error) {
      requestProblems.push(describeFailure(OUTBOUND_FIXTURE_FILES.request, error));
    }
    requestSide = sideOutcome(actual, expected, expected === undefined ? [] : diffValues(expected, actual, { style: 'xml', root: `/${rqRoot}` }), requestProblems);
  } catch (error) {
    requestSide = sideOutcome(undefined, undefined, [], [...requestProblems, describeFailure('request mapping', error)]);
  }

  // The RS.
  let responseSide: FixtureSideOutcome;
  let response = '';
  try {
    const text = await readFile(join(testCase.dir, OUTBOUND_FIXTURE_FILES.response), 'utf8');
    const rsRoot = readRootElement(text).localName;
    response = info.messageOf(rsRoot);
    const { model } = modelOf(env.schemaPath, version, response);
    const content = parseXml(text, { model }).document;
    const actual = applyMapping(pair.response, content, { ctx: { ...ctx, command: file.payload }, rootName: rsRoot });
    const problems: string[] = [];
    const { link: _link, ...result } = actual;
    const validate = env.contract.result(file.command);
    if (validate && !validate(result)) problems.push(`airline contract ${file.command}.result.json: ${schemaErrorDetails(validate, 5).map((d) => d.message).join('; ')}`);
    let expected: unknown;
    try {
      expected = JSON.parse(await readFile(join(testCase.dir, OUTBOUND_FIXTURE_FILES.result), 'utf8')) as unknown;
    } catch (error) {
      problems.push(describeFailure(OUTBOUND_FIXTURE_FILES.result, error));
    }
    responseSide = sideOutcome(actual, expected, expected === undefined ? [] : diffValues(expected, actual, { style: 'json' }), problems);
  } catch (error) {
    responseSide = sideOutcome(undefined, undefined, [], [describeFailure('response mapping', error)]);
  }
  return {
    case: testCase,
    ok: requestSide.ok && responseSide.ok,
    request: { ...requestSide, message, command: file.command },
    response: { ...responseSide, ...(response ? { response } : {}) },
  };
}
