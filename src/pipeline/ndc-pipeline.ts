import type { Config } from '../config/config.ts';
import { checkCommandAirline, checkMessagePermission, type ApiClient } from '../auth/index.ts';
import { GatewayError, toGatewayError, type ErrorDetail } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts';
import type { CommandValidator } from '../commands/command-validator.ts';
import type { CommandQueue } from '../queue/index.ts';
import type { MappingRegistry, MappingSnapshot } from '../mapping/index.ts';
import { applyMapping } from '../mapping/index.ts';
import { isAirlineAnswer } from '../worker/command-handlers.ts';
import type { SchemaRegistry } from '../xsd/index.ts';
import { parseXml, readRootElement } from '../xml/index.ts';
import { decodeUtf8 } from '../xml/xml-text.ts';
import { NDC_VERSIONS } from '../ndc/ndc-versions.ts';
import { addWarningsContent, type WarningEntry } from '../ndc/warnings-content.ts';
import type { RuleChecker } from '../rules/index.ts';
import { soapContentType, unwrapSoapEnvelope, wrapSoapEnvelope, type SoapVersion } from '../http/soap-envelope.ts';
import { createMappingContext } from './mapping-context.ts';
import { detectMessage, type DetectedMessage, type DetectionHints, type RootElement } from './detect-message.ts';
import { addressUndetected, buildErrorAnswer, type ErrorAddress } from './error-answer.ts';
import { addIdempotencyKey } from './idempotency-key.ts';
import { checkRequestRules } from './request-rules.ts';
import { tokeniseCardData, type CardTokeniser } from './tokenise-card-data.ts';
import type { SchemaModels } from './schema-models.ts';
import { writeResponse } from './write-response.ts';

export type { SchemaModels };

/** Everything the NDC pipeline needs, built once by the gateway factory. */
export interface PipelineDeps {
  readonly config: Config;
  readonly schemas: SchemaRegistry;
  readonly models: SchemaModels;
  /** Decides what is served: a message is served when its version maps both its request and its response. */
  readonly mappings: MappingRegistry;
  readonly commands: CommandValidator;
  readonly queue: CommandQueue;
  readonly metrics: GatewayMetrics;
  /** Exchanges card data in commands for tokens before they are queued. */
  readonly payment: CardTokeniser;
  /** The business rules requests are checked against after their XSD (REQUEST_RULES_CONFIG applied). */
  readonly rules: RuleChecker;
}

export interface NdcRequest {
  readonly body: Buffer;
  readonly correlationId: string;
  readonly hints: DetectionHints;
  readonly logger: Logger;
  readonly clientId?: string;
  /** The authenticated client: it may send only its messages, and its id owns what it writes. */
  readonly client?: ApiClient;
  /** The `Idempotency-Key` header; for write messages it replaces the message id of the document. */
  readonly idempotencyKey?: string;
}

export interface NdcAnswer {
  readonly status: number;
  /** The answer, encoded to UTF-8 once: the bytes the response XSD check read are the bytes sent. */
  readonly body: Buffer;
  readonly contentType: string;
  readonly message: string;
  readonly version: string;
  /** `ok`, or the error code that answered. */
  readonly outcome: string;
  /**
   * The command the message ran, when it got that far, and its result when it succeeded: what
   * journey tracking reads before the answer is sent. References only, nothing is copied.
   */
  readonly command?: NdcCommandTrace;
}

/** The version-neutral command behind an NDC answer. */
export interface NdcCommandTrace {
  name?: string;
  /** The command as queued (cards already tokens). */
  payload?: unknown;
  result?: unknown;
}

/** Whether a body holds anything but XML white space; stops at the first other byte instead of copying the body. */
function hasContent(body: Buffer): boolean {
  for (const byte of body) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return true;
  return false;
}

function decodeBody(body: Buffer): string {
  if (!hasContent(body)) throw new GatewayError('EMPTY_BODY');
  return decodeUtf8(body);
}

function shiftLines(error: unknown, offset: number): unknown {
  if (offset === 0 || !(error instanceof GatewayError)) return error;
  const details: ErrorDetail[] = error.details.map((d) => (d.line === undefined ? d : { ...d, line: d.line + offset }));
  return new GatewayError(error.code, error.message, details, error.cause);
}

/** Runs `work` and records how long the stage took. */
async function stage<T>(metrics: GatewayMetrics, name: string, work: () => T | Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    metrics.observeStage(name, (performance.now() - start) / 1000);
  }
}

/**
 * One NDC request, from raw body to XML answer:
 * unwrap SOAP → detect message/version → parse (schema-aware) → XSD-validate → map to command →
 * check command → queue → check the result the gateway made (airline answers were checked where they
 * entered) → map to response → build XML → XSD-validate the response.
 * Never throws: every failure becomes an NDC `<Errors>` answer.
 */
export async function handleNdcRequest(deps: PipelineDeps, request: NdcRequest): Promise<NdcAnswer> {
  const { config, metrics } = deps;
  // The mappings in force now serve this request to its end, even if a reload swaps them meanwhile.
  const mappings = deps.mappings.current();
  let detected: DetectedMessage | undefined;
  let document: { root: RootElement; xml: string } | undefined;
  let soap: SoapVersion | undefined;
  const trace: NdcCommandTrace = {};
  try {
    const text = await stage(metrics, 'decode', () => decodeBody(request.body));
    const outer = await stage(metrics, 'detect', () => readRootElement(text));
    const unwrapped = unwrapSoapEnvelope(text, outer);
    soap = unwrapped.soap;
    try {
      const xml = unwrapped.xml;
      const root = soap ? readRootElement(xml) : outer;
      document = { root, xml };
      detected = detectMessage(root, xml, request.hints, config, mappings);
      if (request.client) checkMessagePermission(request.client, detected.message);
      return await runMessage(deps, mappings, request, detected, xml, soap, trace);
    } catch (error) {
      throw shiftLines(error, unwrapped.lineOffset);
    }
  } catch (error) {
    const address = detected
      ? { version: detected.version, response: detected.response }
      : addressUndetected(config, mappings, { hints: request.hints, ...(request.client ? { client: request.client } : {}), ...(document ? { document } : {}) });
    const answer = await answerError(deps, request, detected, address, soap, toGatewayError(error));
    return trace.name ? { ...answer, command: trace } : answer;
  }
}

async function runMessage(
  deps: PipelineDeps, mappings: MappingSnapshot, request: NdcRequest, detected: DetectedMessage, xml: string, soap: SoapVersion | undefined, trace: NdcCommandTrace,
): Promise<NdcAnswer> {
  const { config, metrics } = deps;
  const { version, message, response } = detected;
  const deadline = Date.now() + config.queueWaitMs;

  const requestModel = deps.models.get(version, message);
  const parsed = await stage(metrics, 'parse', () => parseXml(xml, { model: requestModel }));
  const issues = await stage(metrics, 'xsd-request', () => deps.schemas.get(version, message).validate(xml, { maxErrors: config.xsdMaxErrors }));
  if (issues.length > 0) {
    metrics.countValidationFailure({ message, version, direction: 'request' });
    throw new GatewayError('XSD_INVALID', undefined, issues);
  }
  const rulesMode = request.client?.rules ?? config.requestRules;
  const warnings = await stage(metrics, 'rules-request', () =>
    checkRequestRules(deps.rules, rulesMode, { parsed, model: requestModel, xml, version, message }, metrics));

  const facts = { correlationId: request.correlationId, version, message, now: new Date().toISOString() };
  const requestMapping = mappings.request(version, message);
  const commandName = requestMapping.command;
  if (!deps.commands.commands.includes(commandName)) {
    throw new GatewayError('MESSAGE_UNAVAILABLE', `${message} maps to the command ${commandName}, which has no schema, so the message is refused`);
  }
  const clientId = request.client?.id ?? request.clientId;
  const command = await asBusinessRefusal(async () => {
    const mapped = await stage(metrics, 'map-request', () => applyMapping(requestMapping, parsed.document, createMappingContext(config, facts, detected.rootName)));
    const keyed = addIdempotencyKey(mapped, requestMapping, {
      rules: mappings.idempotency(version), document: parsed.document, clientId: clientId ?? '-',
      ...(request.idempotencyKey !== undefined ? { header: request.idempotencyKey } : {}),
    });
    const tokenised = await stage(metrics, 'tokenise-card', () => tokeniseCardData(keyed, { payment: deps.payment, correlationId: request.correlationId, deadline, logger: request.logger }));
    deps.commands.validateCommand(commandName, tokenised);
    // An airline's change must be of an airline the client speaks for (CLIENTS_FILE `airlines`).
    if (request.client) checkCommandAirline(request.client, commandName, tokenised);
    return tokenised;
  });

  trace.name = commandName;
  trace.payload = command;
  const result = await stage(metrics, 'queue', () =>
    deps.queue.send({
      name: commandName,
      payload: command,
      meta: { correlationId: request.correlationId, version, message, deadline, ...(clientId ? { clientId } : {}) },
    }),
  );
  // An airline answer was checked against the airline contract where it entered the gateway (the
  // worker's airline client); only the results the gateway makes itself are checked here.
  if (!isAirlineAnswer(commandName)) deps.commands.validateResult(commandName, result);
  trace.result = result;

  const responseMapping = mappings.response(version, message);
  const responseRoot = NDC_VERSIONS[version]!.rootName(response);
  const mapped = await stage(metrics, 'map-response', () => applyMapping(responseMapping, result, createMappingContext(config, facts, responseRoot)));
  const content = withRuleWarnings(deps, request, detected, mapped as Record<string, unknown>, warnings);
  const responseXml = await stage(metrics, 'build', () => writeResponse(deps.models, version, response, content));
  await checkResponse(deps, request, detected, responseXml);
  return {
    status: 200,
    body: soap ? wrapSoapEnvelope(responseXml, soap) : responseXml,
    contentType: soapContentType(soap),
    message,
    version,
    outcome: 'ok',
    command: trace,
  };
}

/** The RS content with a `Warning` per rule finding; an RS with no place for warnings is sent without them, and the log says so. */
function withRuleWarnings(
  deps: PipelineDeps, request: NdcRequest, detected: DetectedMessage, content: Record<string, unknown>, warnings: readonly WarningEntry[],
): Record<string, unknown> {
  if (warnings.length === 0) return content;
  const added = addWarningsContent(deps.models.get(detected.version, detected.response), content, warnings);
  if (added) return added;
  request.logger.info({ rules: warnings.slice(0, 10).map((w) => w.code), response: detected.response }, 'request breaks business rules, and its RS has no place for warnings');
  return content;
}

/**
 * The document passed its XSD, so what the gateway cannot turn into a command (a choice it does
 * not support, data the command needs but the schema leaves optional) is a business refusal: the
 * RS carries it with HTTP 200, and only schema violations are 400, as xmllint would judge them.
 */
async function asBusinessRefusal<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof GatewayError && error.code === 'INVALID_COMMAND') throw new GatewayError('UNPROCESSABLE_REQUEST', error.message, error.details);
    throw error;
  }
}

async function checkResponse(deps: PipelineDeps, request: NdcRequest, detected: DetectedMessage, xml: Buffer): Promise<void> {
  const { version, response, message } = detected;
  const issues = await stage(deps.metrics, 'xsd-response', () => deps.schemas.get(version, response).validate(xml, { maxErrors: deps.config.xsdMaxErrors }));
  if (issues.length > 0) {
    deps.metrics.countValidationFailure({ message, version, direction: 'response' });
    request.logger.error({ issues: issues.slice(0, 10), response }, 'built response does not validate against its XSD');
    throw new GatewayError('INVALID_RESPONSE', undefined, []);
  }
}

async function answerError(
  deps: PipelineDeps, request: NdcRequest, detected: DetectedMessage | undefined, address: ErrorAddress, soap: SoapVersion | undefined, error: GatewayError,
): Promise<NdcAnswer> {
  const { definition } = error;
  const log = definition.kind === 'internal' ? request.logger.error.bind(request.logger) : request.logger.info.bind(request.logger);
  log({ code: error.code, details: error.details.slice(0, 5), err: definition.kind === 'internal' ? error.cause ?? error : undefined }, 'request answered with errors');
  const xml = buildErrorAnswer(deps, address, error, request.correlationId, request.logger);
  return {
    status: definition.httpStatus,
    body: soap ? wrapSoapEnvelope(xml, soap) : xml,
    contentType: soapContentType(soap),
    message: detected?.message ?? 'unknown',
    version: detected?.version ?? 'unknown',
    outcome: error.code,
  };
}
