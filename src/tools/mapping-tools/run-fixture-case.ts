import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandValidator } from '../../commands/command-validator.ts';
import type { Config } from '../../config/config.ts';
import { isGatewayError } from '../../errors/index.ts';
import { applyMapping, type CompiledRequestMapping, type CompiledResponseMapping, type IdempotencyRules } from '../../mapping/index.ts';
import { NDC_VERSIONS, type NdcVersionInfo } from '../../ndc/ndc-versions.ts';
import { createMappingContext, type RequestFacts } from '../../pipeline/mapping-context.ts';
import { parseXml, readRootElement, writeXml, type SchemaModel } from '../../xml/index.ts';
import { diffValues, type ValueDifference } from './diff-values.ts';
import { FIXTURE_FILES, type FixtureCase } from './list-fixture-cases.ts';
import { findMessageSchema, loadPackageModel } from './message-schemas.ts';
import { addIdempotencyKey } from '../../pipeline/idempotency-key.ts';
import { tokeniseCardData, type CardTokeniser } from '../../pipeline/tokenise-card-data.ts';
import { createLogger } from '../../log/logger.ts';
import { maskCardNumber } from '../../security/card-data.ts';

/** The mappings a case runs through; a MappingRegistry or one of its snapshots. */
export interface FixtureMappings {
  request(version: string, message: string): CompiledRequestMapping;
  response(version: string, message: string): CompiledResponseMapping;
  idempotency(version: string): IdempotencyRules | undefined;
}

/** What running a case needs, built once for all cases. */
export interface FixtureRunEnvironment {
  /** `$config.*` of the mappings, and where the schema packages are (`schemaPath`). */
  readonly config: Config;
  readonly mappings: FixtureMappings;
  readonly commands: CommandValidator;
  /**
   * Validates the built response against its XSD, returning the problems found. Optional because
   * a schema takes about a second to compile: the CLI checks with the gateway's engine, the vitest
   * suite with xmllint on expected.xml.
   */
  readonly validateResponse?: (xml: string, schemaFile: string) => readonly string[] | Promise<readonly string[]>;
  /** `$ctx.now` of every case, so outputs are reproducible. @defaultValue '2026-01-01T00:00:00Z' */
  readonly now?: string;
}

/** One half of a case: what the mapping produced, what the fixture expects, and how they differ. */
export interface FixtureSideOutcome {
  /** No problem and no difference. */
  readonly ok: boolean;
  /** The command (request side) or the parsed built response content (response side); undefined when a step failed before. */
  readonly actual: unknown;
  /** command.json, or the parsed content of expected.xml. */
  readonly expected: unknown;
  /** First differences between expected and actual, in document order. */
  readonly differences: readonly ValueDifference[];
  /** Steps that failed: a mapping error, a schema refusal, an unreadable file. */
  readonly problems: readonly string[];
}

export interface RequestSideOutcome extends FixtureSideOutcome {
  /** The request message, e.g. `AirShoppingRQ`. */
  readonly message: string;
  /** The internal command, e.g. `offer.shop`. */
  readonly command?: string;
}

export interface ResponseSideOutcome extends FixtureSideOutcome {
  /** The response message, e.g. `AirShoppingRS`. */
  readonly response?: string;
  /** The response as built, for a reader who wants to look at it whole. */
  readonly xml?: string;
}

export interface FixtureCaseOutcome {
  readonly case: FixtureCase;
  readonly ok: boolean;
  readonly request: RequestSideOutcome;
  readonly response: ResponseSideOutcome;
}

const DEFAULT_NOW = '2026-01-01T00:00:00Z';

/** A failed step in words: a GatewayError with each of its details on a line of its own. */
export function describeFailure(step: string, error: unknown): string {
  if (isGatewayError(error)) {
    const details = error.details.map((d) => `\n    ${d.path ? `${d.path}: ` : ''}${d.message}`).join('');
    return `${step}: ${error.code} ${error.message}${details}`;
  }
  return `${step}: ${error instanceof Error ? error.message : String(error)}`;
}

interface CaseRequest {
  readonly info: NdcVersionInfo;
  readonly message: string;
  readonly xml: string;
  readonly facts: RequestFacts;
}

async function readCaseRequest(testCase: FixtureCase, env: FixtureRunEnvironment): Promise<CaseRequest> {
  const info = NDC_VERSIONS[testCase.version];
  if (!info) throw new Error(`unknown NDC version ${testCase.version}`);
  const xml = await readFile(join(testCase.dir, FIXTURE_FILES.request), 'utf8');
  const message = info.messageOf(readRootElement(xml).localName);
  return { info, message, xml, facts: { correlationId: 'fixture', version: testCase.version, message, now: env.now ?? DEFAULT_NOW } };
}

async function readJson(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, 'utf8')) as unknown;
}

function modelOf(env: FixtureRunEnvironment, version: string, message: string): { model: SchemaModel; file: string } {
  const file = findMessageSchema(env.config.schemaPath, version, message);
  if (!file) throw new Error(`no XSD for ${message} in ${join(env.config.schemaPath, version)}`);
  return { model: loadPackageModel(env.config.schemaPath, version, file), file };
}

function outcome(actual: unknown, expected: unknown, differences: readonly ValueDifference[], problems: readonly string[]): FixtureSideOutcome {
  return { ok: problems.length === 0 && differences.length === 0, actual, expected, differences, problems };
}

/** Stands in for the payment service: fixtures run offline, and a token is all the command schema needs. */
const FIXTURE_TOKENISER: CardTokeniser = {
  async tokenise(card) {
    const [month, year] = card.expiry.includes('/') ? card.expiry.split('/') : [card.expiry.slice(5, 7), card.expiry.slice(2, 4)];
    return { token: 'tok_fixture', maskedNumber: maskCardNumber(card.cardNumber, 'last4'), brand: 'UNKNOWN', expiry: `20${(year ?? '').slice(-2)}-${month ?? ''}` };
  },
};
const FIXTURE_LOGGER = createLogger('silent');

/**
 * The request half: parses request.xml with the request's schema model, applies the request
 * mapping, compares the command with command.json and checks it against the command schema.
 */
export async function runFixtureRequest(testCase: FixtureCase, env: FixtureRunEnvironment): Promise<RequestSideOutcome> {
  let request: CaseRequest;
  try {
    request = await readCaseRequest(testCase, env);
  } catch (error) {
    return { ...outcome(undefined, undefined, [], [describeFailure(FIXTURE_FILES.request, error)]), message: '' };
  }
  const { info, message, xml, facts } = request;
  const problems: string[] = [];
  let expected: unknown;
  try {
    expected = await readJson(join(testCase.dir, FIXTURE_FILES.command));
  } catch (error) {
    problems.push(describeFailure(FIXTURE_FILES.command, error));
  }
  let mapping: CompiledRequestMapping;
  let document: Record<string, unknown>;
  let actual: Record<string, unknown>;
  try {
    const { model } = modelOf(env, testCase.version, message);
    mapping = env.mappings.request(testCase.version, message);
    document = parseXml(xml, { model }).document;
    actual = applyMapping(mapping, document, createMappingContext(env.config, facts, info.rootName(message)));
  } catch (error) {
    return { ...outcome(undefined, expected, [], [...problems, describeFailure('request mapping', error)]), message };
  }
  try {
    // The command schema checks what is queued: the pipeline first adds the idempotency key and
    // tokenises cards, so the fixture's mapping output goes through the same two stages.
    const keyed = addIdempotencyKey(actual, mapping, { rules: env.mappings.idempotency(testCase.version), document, clientId: 'fixture' });
    const queued = await tokeniseCardData(keyed, { payment: FIXTURE_TOKENISER, correlationId: 'fixture', deadline: Date.now() + 5_000, logger: FIXTURE_LOGGER });
    env.commands.validateCommand(mapping.command, queued);
  } catch (error) {
    problems.push(describeFailure(`command schema ${mapping.command}`, error));
  }
  const differences = expected === undefined ? [] : diffValues(expected, actual, { style: 'json' });
  return { ...outcome(actual, expected, differences, problems), message, command: mapping.command };
}

/**
 * The response half: checks result.json against the command's result schema, applies the response
 * mapping, builds the XML in schema order and compares it, parsed, with expected.xml parsed the
 * same way (so formatting and prefixes do not matter, content and order of repeats do).
 */
export async function runFixtureResponse(testCase: FixtureCase, env: FixtureRunEnvironment): Promise<ResponseSideOutcome> {
  let request: CaseRequest;
  try {
    request = await readCaseRequest(testCase, env);
  } catch (error) {
    return outcome(undefined, undefined, [], [describeFailure(FIXTURE_FILES.request, error)]);
  }
  const { info, message, facts } = request;
  const problems: string[] = [];
  let result: unknown;
  let responseMapping: CompiledResponseMapping;
  try {
    result = await readJson(join(testCase.dir, FIXTURE_FILES.result));
    const requestMapping = env.mappings.request(testCase.version, message);
    responseMapping = env.mappings.response(testCase.version, message);
    try {
      env.commands.validateResult(requestMapping.command, result);
    } catch (error) {
      problems.push(describeFailure(`result schema ${requestMapping.command}`, error));
    }
  } catch (error) {
    return outcome(undefined, undefined, [], [...problems, describeFailure(FIXTURE_FILES.result, error)]);
  }
  const response = responseMapping.message.replace(/^IATA_/, '');
  const rootName = info.rootName(response);
  let model: SchemaModel;
  let schemaFile: string;
  let xml: string;
  try {
    ({ model, file: schemaFile } = modelOf(env, testCase.version, response));
    const content = applyMapping(responseMapping, result, createMappingContext(env.config, facts, rootName));
    xml = writeXml(rootName, content, model, info).toString('utf8');
  } catch (error) {
    return { ...outcome(undefined, undefined, [], [...problems, describeFailure('response mapping', error)]), response };
  }
  let expected: unknown;
  try {
    expected = parseXml(await readFile(join(testCase.dir, FIXTURE_FILES.expected), 'utf8'), { model }).document;
  } catch (error) {
    problems.push(describeFailure(FIXTURE_FILES.expected, error));
  }
  const actual = parseXml(xml, { model }).document;
  if (env.validateResponse) {
    for (const issue of await env.validateResponse(xml, schemaFile)) problems.push(`XSD ${response}: ${issue}`);
  }
  const differences = expected === undefined ? [] : diffValues(expected, actual, { style: 'xml', root: `/${rootName}` });
  return { ...outcome(actual, expected, differences, problems), response, xml };
}

/** Runs both halves of a case; they are independent, so a broken request mapping still shows the response's state. */
export async function runFixtureCase(testCase: FixtureCase, env: FixtureRunEnvironment): Promise<FixtureCaseOutcome> {
  const request = await runFixtureRequest(testCase, env);
  const response = await runFixtureResponse(testCase, env);
  return { case: testCase, ok: request.ok && response.ok, request, response };
}
