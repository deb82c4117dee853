import type { ValidateFunction } from 'ajv';
import { loadAirlineContract, type AirlineContract } from '../../contracts/airline/index.ts';
import { schemaErrorDetails } from '../../contracts/schema-folders.ts';
import { createDownstreamTransport, type DownstreamAnswer } from '../../downstream/downstream-transport.ts';
import { ERROR_TABLE, GatewayError, type ErrorCode, type ErrorDetail } from '../../errors/index.ts';
import { soapContentType, unwrapSoapEnvelope, wrapSoapEnvelope } from '../../http/soap-envelope.ts';
import type { Logger } from '../../log/logger.ts';
import { applyMapping, loadOutboundMappings, MappingError, type OutboundMappings } from '../../mapping/index.ts';
import { NDC_VERSIONS } from '../../ndc/ndc-versions.ts';
import { parseXml, readRootElement, writeXml } from '../../xml/index.ts';
import type { AirlineConnector, AirlineEntry, AirlineOrderLink, AirlineOrderLinks, ConnectorCallOptions } from '../airline-connector.ts';
import { redactText } from '../../security/card-data.ts';
import type { NdcSchemas } from './ndc-schemas.ts';

/** Commands that only read (or are replays by their requestKey): retried after a lost answer. */
export const NDC_IDEMPOTENT_COMMANDS: ReadonlySet<string> = new Set([
  'offer.shop', 'offer.price', 'service.list', 'seat.availability', 'order.rules',
  'inventory.reprice', 'inventory.refund-quote', 'inventory.services', 'inventory.seats', 'inventory.availability', 'inventory.booking',
]);

/** What an `ndc` connector needs besides its airline entry. */
export interface NdcConnectorDeps {
  readonly logger: Logger;
  /** Where the airline's order and item ids are kept (`createAirlineOrderLinks`). */
  readonly links: AirlineOrderLinks;
  /** The XSDs and schema models of the airline's version (`createNdcSchemas`, one per process). */
  readonly schemas: NdcSchemas;
  /** The mappings folder (MAPPINGS_PATH); the connector reads `outbound/<version>/` and `code-tables/`. */
  readonly mappingsPath: string;
  /** Results are checked against it. @defaultValue loadAirlineContract() */
  readonly contract?: AirlineContract;
  /** The outbound mappings of the version, loaded already (e.g. to fail at start-up). @defaultValue loaded on the first call */
  readonly mappings?: OutboundMappings;
  /** First retry backoff. @defaultValue 50 */
  readonly retryBackoffMs?: number;
}

/** The private part of a mapped result: the airline's ids, kept in the link store, never returned. */
interface MappedLink {
  readonly orderId?: string;
  readonly bookingReference?: string;
  readonly items?: readonly LinkItem[];
  readonly total?: { readonly amount?: number; readonly currency?: string };
}

/** The message name without IATA_ and RQ, as the `{message}` of an airline URL: `AirShopping`. */
function shortName(message: string): string {
  return message.replace(/^IATA_/, '').replace(/RQ$/, '');
}

function hasValue(value: unknown, path: readonly string[]): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.some((entry) => hasValue(entry, path));
  if (path.length === 0) return true;
  if (typeof value !== 'object') return false;
  return hasValue((value as Record<string, unknown>)[path[0]!], path.slice(1));
}

/**
 * The settlement card as the issue mapping reads it: the entry's fields, and the expiry also as
 * month, four- and two-digit year (`2030-12` → 12, 2030, 30), for whatever form the version wants.
 */
function settlementOf(settlement: NonNullable<AirlineEntry['settlement']>): Record<string, string> {
  const [year = '', month = ''] = settlement.expiry.split('-');
  return { ...settlement, expiryMonth: month, expiryYear: year, expiryYear2: year.slice(-2) };
}

type LinkItem = { readonly itemId?: string | undefined; readonly airlineItemId?: string | undefined };

/** The gateway's ids of the items a command adds, in order: flights, then services, then seats. */
function newItemIds(payload: unknown): string[] {
  const command = payload as Record<string, unknown> | undefined;
  return ['flights', 'services', 'seats'].flatMap((list) => {
    const entries = command?.[list];
    return Array.isArray(entries) ? entries.map((e) => (e as { itemId?: unknown })?.itemId).filter((id): id is string => typeof id === 'string') : [];
  });
}

/**
 * Id bookkeeping, no NDC field: link items the mapping gave without `itemId` are the command's new
 * items in order, and every `items[].itemId` of the result that is such an airline id becomes the
 * gateway's id.
 */
function pairItems(payload: unknown, link: MappedLink | undefined, result: Record<string, unknown>): { link: MappedLink | undefined; result: Record<string, unknown> } {
  if (!link?.items) return { link, result };
  const ids = newItemIds(payload);
  let next = 0;
  const items: LinkItem[] = link.items.map((item) => (item.itemId !== undefined ? item : { ...item, itemId: ids[next++] }));
  const toGateway = new Map(items.filter((i) => i.itemId && i.airlineItemId).map((i) => [i.airlineItemId!, i.itemId!]));
  const resultItems = result.items;
  const renamed = Array.isArray(resultItems)
    ? { ...result, items: resultItems.map((item: { itemId?: string }) => (item.itemId && toGateway.has(item.itemId) ? { ...item, itemId: toGateway.get(item.itemId) } : item)) }
    : result;
  return { link: { ...link, items }, result: renamed };
}

function located(issue: ErrorDetail): string {
  const where = issue.line !== undefined ? ` (line ${issue.line}${issue.column !== undefined ? `, column ${issue.column}` : ''})` : '';
  return `${issue.message}${where}`;
}

/** XSD messages quote values: an RQ paying with the settlement card must not carry its number into an error or a log. */
function redacted(issues: readonly ErrorDetail[]): ErrorDetail[] {
  return issues.map((issue) => ({ ...issue, message: redactText(issue.message) }));
}

/** The compensations that answer "nothing to undo" for an order the airline has no order of. */
const NOTHING_TO_UNDO: Readonly<Record<string, (orderId: string) => unknown>> = {
  'inventory.release': (orderId) => ({ orderId, released: [] }),
  'inventory.void': (orderId) => ({ orderId, voidedDocuments: [], restored: [] }),
};

/**
 * An airline that speaks NDC: each airline command becomes the RQ of `entry.version` through the
 * outbound mappings (`mappings/outbound/<version>/<command>.request.yaml`, built by the
 * schema-aware builder and checked against the version's XSD — a failure there is the gateway's
 * bug, INTERNAL_ERROR), is POSTed (`application/xml`, or in a SOAP 1.1/1.2 envelope) with the
 * entry's headers and X-Correlation-ID through the shared downstream transport (timeout, retries
 * for idempotent commands only, circuit breaker), and the RS comes back checked against the XSD
 * (else AIRLINE_RESPONSE_INVALID, which counts towards the breaker), its `Error` elements turned
 * into gateway errors through the version's `errors:` table (else AIRLINE_REFUSED), mapped by
 * `<command>.response.yaml` and checked against the airline contract. A `link` the response
 * mapping outputs (`{ orderId, bookingReference, items: [{ itemId, airlineItemId }] }`) is taken
 * out of the result and written to `deps.links`.
 *
 * The mappings see the command as input; `$ctx` holds `correlationId`, `now`, `version`,
 * `airline` ({ designator, name }), `agency`, `link` (the order's link, when the command names an
 * order) and, for inventory.issue only, `settlement` (the card the gateway pays the airline with;
 * never logged). The response mapping's `$ctx` also holds `command` (the payload sent).
 *
 * Signature stable: `createNdcConnector(entry, deps)`; deps are {@link NdcConnectorDeps}.
 */
export function createNdcConnector(entry: AirlineEntry, deps: NdcConnectorDeps): AirlineConnector {
  const version = entry.version;
  if (entry.kind !== 'ndc' || !version || !entry.url) throw new Error(`Airline ${entry.designator}: an ndc connector needs kind ndc, a version and a url`);
  const info = NDC_VERSIONS[version];
  if (!info) throw new Error(`Airline ${entry.designator}: NDC ${version} is not known`);
  const airline = `Airline ${entry.designator}`;
  const endpoint = entry.url;
  const origin = new URL(endpoint.replaceAll('{message}', 'AirShopping')).origin;
  const pathOf = (message: string): string => {
    const url = new URL(endpoint.replaceAll('{message}', shortName(message)));
    return `${url.pathname}${url.search}`;
  };
  const logger = deps.logger.child({ airline: entry.designator });
  const transport = createDownstreamTransport({
    name: `airline ${entry.designator}`,
    baseUrl: origin,
    timeoutMs: entry.timeoutMs,
    retries: entry.retries,
    connections: entry.connections,
    logger,
    headers: entry.headers,
    retryBackoffMs: deps.retryBackoffMs,
    breaker: entry.breaker,
    probe: { path: pathOf('AirShoppingRQ'), anyStatus: true },
  });
  let contract = deps.contract;
  let mappings: Promise<OutboundMappings> | undefined = deps.mappings ? Promise.resolve(deps.mappings) : undefined;
  const mappingsOf = (): Promise<OutboundMappings> => {
    mappings ??= loadOutboundMappings({ mappingsPath: deps.mappingsPath, version });
    // A broken file must not stay cached: the next call tries again.
    mappings.catch(() => { mappings = undefined; });
    return mappings;
  };

  /** Reads the RS: envelope, root, XSD, errors. Runs inside the breaker, so nonsense counts as a failure. */
  function readAnswer(command: string, sent: string, outbound: OutboundMappings, answer: DownstreamAnswer): { message: string; content: Record<string, unknown> } {
    const invalid = (why: string, details: readonly ErrorDetail[] = []): GatewayError =>
      new GatewayError('AIRLINE_RESPONSE_INVALID', `${airline} answered ${sent} (${command}) with ${why}`, details.slice(0, 5));
    let xml: string;
    let rootName: string;
    try {
      const outer = readRootElement(answer.text);
      const unwrapped = unwrapSoapEnvelope(answer.text, outer);
      xml = unwrapped.xml;
      rootName = (unwrapped.soap ? readRootElement(xml) : outer).localName;
    } catch (error) {
      const details = error instanceof GatewayError ? error.details : [];
      throw invalid(`a body that is not an NDC message (HTTP ${answer.status})${details[0] ? `: ${located(details[0])}` : ''}`, details);
    }
    const message = info!.messageOf(rootName);
    if (!/RS$/.test(message) || !deps.schemas.has(version!, message)) {
      throw invalid(`<${rootName}>, which is no NDC ${version} response message (HTTP ${answer.status})`);
    }
    const issues = deps.schemas.schema(version!, message).validate(xml, { maxErrors: 5 });
    if (issues.length > 0) {
      throw invalid(`an ${message} that does not validate against the NDC ${version} schema: ${issues.slice(0, 3).map(located).join('; ')}`, issues);
    }
    const content = parseXml(xml, { model: deps.schemas.model(version!, message) }).document;
    const errors = outbound.errorsFrom ? (applyMapping(outbound.errorsFrom, content).errors as { code?: string; altCode?: string; text?: string }[] | undefined) : undefined;
    const first = errors?.[0];
    if (first) {
      const text = errors.map((e) => e.text).filter(Boolean).join('; ');
      const known = [first.code, first.altCode].map((code) => (code === undefined ? undefined : outbound.errors.get(code))).find((code) => code !== undefined);
      if (known && known in ERROR_TABLE) throw new GatewayError(known as ErrorCode, `${airline}: ${text || ERROR_TABLE[known as ErrorCode].message}`);
      const code = first.code ?? first.altCode;
      throw new GatewayError('AIRLINE_REFUSED', `${airline} refused ${command}${code ? ` (${code})` : ''}${text ? `: ${text}` : ''}`);
    }
    if (answer.status >= 300) throw invalid(`HTTP ${answer.status} and an ${message} without errors`);
    return { message, content };
  }

  async function call(command: string, payload: unknown, options: ConnectorCallOptions): Promise<unknown> {
    const outbound = await mappingsOf();
    const pair = outbound.find(command);
    if (!pair) throw new GatewayError('UNPROCESSABLE_REQUEST', `${airline} speaks NDC ${version}, which has no mapping for ${command} (mappings/outbound/${version}/)`);
    contract ??= loadAirlineContract();
    const validate: ValidateFunction | undefined = contract.result(command);
    if (!validate) throw new GatewayError('INTERNAL_ERROR', `${command} is not a command of the airline contract, so it is not sent to ${airline}`);
    // What the version cannot send at all is refused before anything is built or sent: the client's request, not our bug.
    for (const field of outbound.unsupported(command)) {
      if (hasValue(payload, field.path.split('.')) === field.missing) continue;
      throw new GatewayError('UNPROCESSABLE_REQUEST', `${airline} speaks NDC ${version}, which cannot take this ${command}: ${field.message}`,
        [{ message: field.message, path: `/${field.path.replaceAll('.', '/')}` }]);
    }

    const orderId = (payload as { orderId?: unknown })?.orderId;
    const link = typeof orderId === 'string' ? await deps.links.get(orderId) : undefined;
    // Undoing a hold or an issue the airline never answered: nothing of the order is known there,
    // so nothing is released or voided (a hold whose answer was lost lapses at its time limit).
    const nothing = NOTHING_TO_UNDO[command];
    if (nothing && typeof orderId === 'string' && !link) return nothing(orderId);
    const ctx = {
      correlationId: options.correlationId,
      now: new Date().toISOString(),
      version,
      airline: { designator: entry.designator, name: entry.name },
      ...(entry.agency ? { agency: entry.agency } : {}),
      // The link as the mappings read it: also its items as a list, to join airline ids to the gateway's.
      ...(link ? { link: { ...link, itemList: Object.entries(link.items).map(([itemId, airlineItemId]) => ({ itemId, airlineItemId })) } } : {}),
      ...(command === 'inventory.issue' && entry.settlement ? { settlement: settlementOf(entry.settlement) } : {}),
    };
    const sent = pair.request.message;
    const rqRoot = info!.rootName(sent);
    let content: Record<string, unknown>;
    try {
      content = applyMapping(pair.request, payload, { ctx, rootName: rqRoot });
    } catch (error) {
      if (!(error instanceof MappingError)) throw error;
      throw new GatewayError('INTERNAL_ERROR', `Cannot build the ${sent} of ${command} for ${airline}`, redacted(error.details));
    }
    const rq = writeXml(rqRoot, content, deps.schemas.model(version!, sent), info!);
    const rqIssues = redacted(deps.schemas.schema(version!, sent).validate(rq, { maxErrors: 5 }));
    if (rqIssues.length > 0) {
      throw new GatewayError('INTERNAL_ERROR', `The ${sent} built for ${airline} (${command}) does not validate against the NDC ${version} schema: ${rqIssues.slice(0, 3).map(located).join('; ')}`, rqIssues);
    }
    const body = entry.soap ? wrapSoapEnvelope(rq, entry.soap) : rq;

    const result = await transport.send({
      method: 'POST',
      path: pathOf(sent),
      raw: { body, contentType: soapContentType(entry.soap), ...(entry.soap === '1.1' ? { headers: { soapaction: `"${rqRoot}"` } } : {}) },
      operation: command,
      idempotent: NDC_IDEMPOTENT_COMMANDS.has(command),
      correlationId: options.correlationId,
      deadline: options.deadline,
      signal: options.signal,
      read: (answer) => {
        const { message, content: rs } = readAnswer(command, sent, outbound, answer);
        let mapped: Record<string, unknown>;
        try {
          mapped = applyMapping(pair.response, rs, { ctx: { ...ctx, command: payload }, rootName: info!.rootName(message) });
        } catch (error) {
          if (!(error instanceof MappingError)) throw error;
          throw new GatewayError('INTERNAL_ERROR', `${airline} answered ${command} with an ${message} the outbound mapping cannot read: ${error.details.slice(0, 3).map((d) => `${d.message} ${d.path ?? ''}`).join('; ')}`, error.details);
        }
        const { link: ownLink, ...own } = mapped as { link?: MappedLink } & Record<string, unknown>;
        const { link: mappedLink, result: rest } = pairItems(payload, ownLink, own);
        const warnings = outbound.untranslated(command)
          .filter((field) => hasValue(payload, field.path.split('.')))
          .map((field) => ({ code: field.code, message: field.message, owner: entry.designator }));
        const answerResult = warnings.length > 0 ? { ...rest, warnings: [...((rest.warnings as unknown[] | undefined) ?? []), ...warnings] } : rest;
        if (!validate(answerResult)) {
          const details = schemaErrorDetails(validate, 10);
          throw new GatewayError('INTERNAL_ERROR', `${airline} answered ${command} with a result that breaks the airline contract (${command}.result.json): ${details.slice(0, 3).map((d) => d.message).join('; ')}`, details);
        }
        return { result: answerResult, link: mappedLink };
      },
    });

    const mappedLink = result.link;
    if (mappedLink && typeof orderId === 'string' && (mappedLink.orderId ?? link?.orderId)) {
      const items: Record<string, string> = {};
      for (const item of mappedLink.items ?? []) if (item.itemId && item.airlineItemId) items[item.itemId] = item.airlineItemId;
      const total = mappedLink.total;
      const next: AirlineOrderLink = {
        gatewayOrderId: orderId, owner: entry.designator, orderId: (mappedLink.orderId ?? link?.orderId)!,
        ...(mappedLink.bookingReference ? { bookingReference: mappedLink.bookingReference } : link?.bookingReference ? { bookingReference: link.bookingReference } : {}),
        items,
        ...(total?.amount !== undefined && total.currency ? { total: { amount: total.amount, currency: total.currency } } : {}),
      };
      await deps.links.put(next);
    }
    return result.result;
  }

  return {
    designator: entry.designator,
    kind: 'ndc',
    call,
    isReachable: () => transport.isReachable(),
    breakerState: () => transport.breakerState(),
    close: () => transport.close(),
  };
}
