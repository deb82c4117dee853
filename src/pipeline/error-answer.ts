import type { ApiClient } from '../auth/index.ts';
import type { Config } from '../config/config.ts';
import type { GatewayError } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import type { MappingSnapshot } from '../mapping/index.ts';
import { buildErrorsContent, buildGenericErrorsXml } from '../ndc/errors-content.ts';
import type { SchemaRegistry } from '../xsd/index.ts';
import { errorVersion, type DetectionHints, type RootElement } from './detect-message.ts';
import type { SchemaModels } from './schema-models.ts';
import { writeResponse } from './write-response.ts';

/** What building an error answer needs of the pipeline's dependencies. */
export interface ErrorAnswerDeps {
  readonly config: Pick<Config, 'versions' | 'defaultVersion' | 'airlineName'>;
  readonly schemas: Pick<SchemaRegistry, 'has'>;
  readonly models: SchemaModels;
}

/** What an error answer speaks: a version, and the response message whose RS carries the error when one is known. */
export interface ErrorAddress {
  readonly version: string;
  readonly response?: string;
}

/** What is known of a request whose message was not detected. */
export interface UndetectedRequest {
  readonly hints: DetectionHints;
  /** The authenticated client, if the request got that far. */
  readonly client?: ApiClient;
  /** The document's root, if the body was read that far. */
  readonly document?: { readonly root: RootElement; readonly xml: string };
}

/**
 * Where the error answer of a request whose message is not known goes: the version it names
 * ({@link errorVersion}), and the RS of the route's message (`/api/v1/ndc/AirShopping`) when that
 * message is served in that version and the client is known. Before authentication the answer is
 * the generic `Errors`, so that it does not tell which messages are served.
 */
export function addressUndetected(config: ErrorAnswerDeps['config'], mappings: Pick<MappingSnapshot, 'mapped'>, request: UndetectedRequest): ErrorAddress {
  const version = errorVersion(request.hints, config.defaultVersion, request.document);
  const route = request.client && request.hints.routeMessage && config.versions.includes(version)
    ? mappings.mapped(version).find((m) => m.name === request.hints.routeMessage)
    : undefined;
  return route ? { version, response: route.response } : { version };
}

/** 17.2 responses hold `Errors`, 21.3 and later `Error` elements right below the root. */
function canCarryErrors(children: readonly string[]): boolean {
  return children.includes('Errors') || children.includes('Error');
}

/**
 * The XML of an error answer: the RS of the addressed response carrying the error when its schema
 * is compiled and it has a place for errors, schema-valid; else NDC `Errors` in the namespace of the
 * addressed version.
 */
export function buildErrorAnswer(deps: ErrorAnswerDeps, address: ErrorAddress, error: GatewayError, correlationId: string, logger: Logger): Buffer {
  const { version, response } = address;
  // A response with no place for errors (an Acknowledgement) cannot carry the error: generic Errors.
  if (response !== undefined && deps.schemas.has(version, response) && canCarryErrors(deps.models.get(version, response).root.childOrder)) {
    try {
      // 17.2 order responses (OrderViewRS, OrderReshopRS, OrderCancelRS) require a Document before Errors.
      const needsDocument = deps.models.get(version, response).root.required.includes('Document');
      return writeResponse(deps.models, version, response, buildErrorsContent(version, error, correlationId, needsDocument ? deps.config.airlineName : undefined));
    } catch (buildError) {
      logger.error({ err: buildError }, 'could not build the errors response');
    }
  }
  return Buffer.from(buildGenericErrorsXml(error, correlationId, version));
}
