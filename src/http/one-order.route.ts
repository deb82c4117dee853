import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { checkMessagePermission, type ApiClient } from '../auth/index.ts';
import { ERROR_TABLE, GatewayError, type ErrorCode } from '../errors/index.ts';
import { deriveOrderId, type OrderView } from '../orchestration/index.ts';
import type { OrderStore } from '../orders/index.ts';
import { deriveIdempotencyKey } from '../pipeline/idempotency-key.ts';
import type { PipelineDeps } from '../pipeline/ndc-pipeline.ts';
import { runCommand } from '../pipeline/run-command.ts';
import { auditFilterOf, toAuditPage } from './one-order-audit.ts';
import { erasePassengerData } from './one-order-erasure.ts';
import { deliverServices, settleServices, toOrderStatusView, type FulfilmentRequest } from './one-order-fulfilment.ts';
import { answerJson, type JsonApi } from './json-answer.ts';
import { buildOneOrderOpenApi } from './one-order-openapi.ts';

/**
 * The ONE Order REST API under `/api/v1/one-order`: JSON mirrors of the NDC order messages.
 * Writes go through the same stages as NDC (permission, card tokenisation, command schema, the
 * queue, the order handlers with their compensation and idempotency); only the edge differs.
 * Delivery, settlement and erasure are record keeping on the order store (one-order-fulfilment.ts,
 * one-order-erasure.ts); the audit trail is read straight from it (one-order-audit.ts).
 */

type BusinessCode = { [K in ErrorCode]: (typeof ERROR_TABLE)[K]['kind'] extends 'business' ? K : never }[ErrorCode];

/**
 * HTTP status of each business error over REST. NDC answers these 200 with `<Errors>` in the RS;
 * a REST client reads the status, so each gets the 4xx that says what to do next. Every other
 * code keeps the status of the error table. The type makes a new business code add its row here.
 *
 * | code | status | why |
 * |---|---|---|
 * | ORDER_NOT_FOUND | 404 | unknown, or another client's order (indistinguishable) |
 * | ORDER_VERSION_CONFLICT | 409 | read the order again and retry at its version |
 * | ORDER_NOT_CHANGEABLE | 409 | closed order, delivered or cancelled service |
 * | PAYMENT_DECLINED | 402 | another card; nothing was created or changed |
 * | OFFER_PRICE_CHANGED | 409 | price the offer again |
 * | OFFER_NOT_FOUND, OFFER_EXPIRED | 410 | the offer is gone: shop again |
 * | NO_AVAILABILITY | 409 | the seats are gone |
 * | UNKNOWN_LOCATION, INVALID_BUSINESS_DATA, AIRLINE_UNKNOWN | 422 | well-formed, but cannot be done as asked |
 * | AIRLINE_REFUSED | 422 | the owning airline refused it (its text in the message) |
 * | BUSINESS_RULE_VIOLATION | 422 | an NDC request broke a business rule (REST requests are not rule-checked) |
 */
export const REST_BUSINESS_STATUS: Readonly<Record<BusinessCode, number>> = {
  ORDER_NOT_FOUND: 404,
  ORDER_VERSION_CONFLICT: 409,
  ORDER_NOT_CHANGEABLE: 409,
  PAYMENT_DECLINED: 402,
  OFFER_PRICE_CHANGED: 409,
  OFFER_NOT_FOUND: 410,
  OFFER_EXPIRED: 410,
  NO_AVAILABILITY: 409,
  UNKNOWN_LOCATION: 422,
  AIRLINE_UNKNOWN: 422,
  INVALID_BUSINESS_DATA: 422,
  UNPROCESSABLE_REQUEST: 422,
  AIRLINE_REFUSED: 422,
  BUSINESS_RULE_VIOLATION: 422,
};

/** The HTTP status of an error over REST. */
export function restStatusOf(code: ErrorCode): number {
  return (REST_BUSINESS_STATUS as Partial<Record<ErrorCode, number>>)[code] ?? ERROR_TABLE[code].httpStatus;
}

/** `{ error: { code, message, details } }` with the REST status of the code. */
export function sendJsonError(res: Response, error: GatewayError): void {
  res.status(restStatusOf(error.code)).json({ error: error.toJSON() });
}

/** The NDC message each route mirrors; the client's message permissions apply to it. */
const MIRRORS = { create: 'OrderCreateRQ', retrieve: 'OrderRetrieveRQ', change: 'OrderChangeRQ' } as const;

/** Stands in for the NDC version in command meta, logs and metrics. */
const REST_VERSION = 'rest';

export interface OneOrderRouteDeps {
  readonly deps: PipelineDeps;
  /** The order store the workers write to: delivery, settlement and replay look-ups. */
  readonly orders: OrderStore;
  /** The API-key authentication of the NDC routes. */
  readonly authenticate: RequestHandler;
  /**
   * Whether a client is an operator: it may read any client's audit rows and erase passenger
   * data on any client's order. @defaultValue nobody
   */
  readonly mayAdminister?: (client: ApiClient) => boolean;
}

/**
 * Runs the NDC authentication stage with its refusal (written for NDC clients as XML) answered
 * as this API's JSON error instead; the decision itself is the NDC routes', unchanged.
 */
export function withJsonRefusal(authenticate: RequestHandler): RequestHandler {
  return (req, res, next) => {
    const send = res.send.bind(res);
    res.send = (body?: unknown) => {
      res.send = send;
      if (res.statusCode < 400) return send(body);
      const code: ErrorCode = res.statusCode === 401 ? 'AUTH_REQUIRED' : res.statusCode === 403 ? 'MESSAGE_NOT_ALLOWED' : 'INTERNAL_ERROR';
      const invalid = /invalid_token/.test(String(res.getHeader('WWW-Authenticate') ?? ''));
      const message = code === 'AUTH_REQUIRED' ? (invalid ? 'The API key is not valid' : 'The request carries no API key') : undefined;
      res.status(restStatusOf(code)).type('application/json');
      return send(JSON.stringify({ error: new GatewayError(code, message, [{ message: 'Send the key as Authorization: Bearer <key> or X-API-Key: <key>' }]).toJSON() }));
    };
    void authenticate(req, res, (error?: unknown) => {
      res.send = send;
      next(error);
    });
  };
}

function clientOf(req: Request): ApiClient {
  if (!req.client) throw new GatewayError('AUTH_REQUIRED');
  return req.client;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function bodyObject(req: Request): Record<string, unknown> {
  if (!isObject(req.body)) throw new GatewayError('INVALID_COMMAND', 'The body must be a JSON object', [{ message: 'not a JSON object', path: '/' }]);
  return req.body;
}

/** Refuses body properties the route supplies itself, so a body never silently disagrees with the path or a header. */
function refuseSupplied(body: Record<string, unknown>, supplied: Readonly<Record<string, string>>): void {
  const problems = Object.keys(supplied).filter((key) => key in body).map((key) => ({ message: `${key} comes from ${supplied[key]}`, path: `/${key}` }));
  if (problems.length > 0) throw new GatewayError('INVALID_COMMAND', 'The body carries what the route supplies', problems);
}

const IF_MATCH = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/;

/** The version the request is based on: `If-Match`, or `expectedVersion` in the body; both must agree. */
function expectedVersionOf(req: Request, body: Record<string, unknown>): number | undefined {
  const header = req.get('if-match');
  let fromHeader: number | undefined;
  if (header !== undefined) {
    const match = IF_MATCH.exec(header);
    if (!match) throw new GatewayError('INVALID_COMMAND', 'If-Match must name the order version, e.g. "3"', [{ message: 'malformed If-Match', path: 'If-Match' }]);
    fromHeader = Number(match[1]);
  }
  const fromBody = body.expectedVersion;
  if (fromBody !== undefined && (typeof fromBody !== 'number' || !Number.isInteger(fromBody) || fromBody < 1)) {
    throw new GatewayError('INVALID_COMMAND', 'expectedVersion must be a positive integer', [{ message: 'not a version', path: '/expectedVersion' }]);
  }
  if (fromHeader !== undefined && fromBody !== undefined && fromHeader !== fromBody) {
    throw new GatewayError('INVALID_COMMAND', `If-Match (${fromHeader}) and expectedVersion (${fromBody}) disagree`, [{ message: 'two different versions', path: '/expectedVersion' }]);
  }
  return fromHeader ?? fromBody;
}

/** The idempotency key of a write, scoped to the client exactly as NDC scopes the Idempotency-Key header. */
function idempotencyKeyOf(client: ApiClient, header: string): string {
  return deriveIdempotencyKey({ rules: undefined, document: {}, clientId: client.id, header });
}

/** Runs a command for the request's client through the stages of an NDC message. */
function runClientCommand(route: OneOrderRouteDeps, req: Request, name: string, message: string, payload: unknown): Promise<unknown> {
  const client = clientOf(req);
  return runCommand(route.deps, { client, clientId: client.id, correlationId: req.correlationId, logger: req.log }, REST_VERSION, name, message, payload);
}

function retrieve(route: OneOrderRouteDeps, req: Request, orderId = String(req.params.id)): Promise<{ order: OrderView }> {
  return runClientCommand(route, req, 'order.retrieve', MIRRORS.retrieve, { orderId }) as Promise<{ order: OrderView }>;
}

/**
 * Which services or passengers a body names: `{ <list>: [ids] }` or `{ all: true }`, beside an
 * optional expectedVersion; the ids without repeats, or undefined for all.
 */
function selectionOf(body: Record<string, unknown>, list: 'serviceIds' | 'paxIds', what: string): string[] | undefined {
  const { [list]: ids, all, expectedVersion: _version, ...rest } = body;
  const problems = Object.keys(rest).map((key) => ({ message: `unknown property ${key}`, path: `/${key}` }));
  const listed = Array.isArray(ids) && ids.length > 0 && ids.every((id) => typeof id === 'string' && id !== '');
  if (ids !== undefined && !listed) problems.push({ message: `${list} must be a non-empty list of ${what} ids`, path: `/${list}` });
  if (all !== undefined && all !== true) problems.push({ message: 'all must be true', path: '/all' });
  if ((ids === undefined) === (all === undefined)) problems.push({ message: `send either ${list} or "all": true`, path: '/' });
  if (problems.length > 0) throw new GatewayError('INVALID_COMMAND', `The body must name the ${what}s: ${list}, or "all": true`, problems);
  return all === true ? undefined : [...new Set(ids as string[])];
}

function sendOrder(res: Response, status: number, body: { order: OrderView }): void {
  res.status(status).setHeader('ETag', `"${body.order.version}"`);
  res.json(body);
}

/** JSON bodies only; refused before they are read. */
export function acceptJson(req: Request, res: Response, next: NextFunction): void {
  const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json' && !/^application\/[\w.+-]+\+json$/.test(type)) {
    sendJsonError(res, new GatewayError('UNSUPPORTED_MEDIA_TYPE', `Content-Type ${req.get('content-type') ?? '(none)'} is not accepted: send application/json`));
    return;
  }
  next();
}

/** Body-parser failures as JSON errors. The parser's message is left out: it may quote the body, card number and all. */
export function bodyErrors(limit: number) {
  return (error: unknown, _req: Request, res: Response, next: NextFunction): void => {
    const { status, type } = error as { status?: number; type?: string };
    if (res.headersSent) return next(error);
    if (type === 'entity.too.large' || status === 413) {
      res.setHeader('Connection', 'close');
      sendJsonError(res, new GatewayError('BODY_TOO_LARGE', `The body is over the limit of ${limit} bytes`));
    } else if (status !== undefined && status >= 400 && status < 500) {
      sendJsonError(res, new GatewayError('INVALID_COMMAND', 'The body is not valid JSON', [{ message: 'unparseable JSON', path: '/' }]));
    } else {
      next(error);
    }
  };
}

/** `/api/v1/one-order`: create, get, change, status, deliver, settle, and the OpenAPI document. */
export function createOneOrderRouter(route: OneOrderRouteDeps): Router {
  const { deps, orders } = route;
  const api: JsonApi = { metrics: deps.metrics, name: 'one-order', version: REST_VERSION, sendError: sendJsonError };
  const isOperator = (client: ApiClient): boolean => route.mayAdminister?.(client) ?? false;
  const router = express.Router();
  const limit = deps.config.bodyLimitBytes;
  const json = [acceptJson, express.json({ limit, type: () => true, strict: false })];
  const authenticate = withJsonRefusal(route.authenticate);
  const openApi = buildOneOrderOpenApi(deps.config.commandSchemasPath);

  // A description, not data: readable without a key, so tools can fetch it.
  router.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });

  router.post('/create', authenticate, ...json, answerJson(api, 'create', async (req, res) => {
    const client = clientOf(req);
    checkMessagePermission(client, MIRRORS.create);
    const header = req.get('idempotency-key');
    if (header === undefined) {
      throw new GatewayError('INVALID_COMMAND', 'Creating an order needs an Idempotency-Key header, so that a retry is not taken for a new order', [
        { message: 'Idempotency-Key header is required', path: 'Idempotency-Key' },
      ]);
    }
    const body = bodyObject(req);
    refuseSupplied(body, { idempotencyKey: 'the Idempotency-Key header' });
    const idempotencyKey = idempotencyKeyOf(client, header);
    // A replay of a finished request answers from the order it made, without tokenising the card
    // again. An order still being made (an attempt stopped before its delivery was recorded) or
    // cancelled while being made goes through the command: it finishes the order, says the request
    // is in progress, or answers the stored error, never the half-made order as if it were booked.
    const replayed = deriveOrderId(client.id, idempotencyKey);
    const made = await orders.get(replayed, client.id);
    if (made && made.status === 'OPENED' && !made.payments.some((payment) => payment.status === 'PENDING')) {
      sendOrder(res, 200, await retrieve(route, req, replayed));
      return;
    }
    const result = await runClientCommand(route, req, 'order.create', MIRRORS.create, { ...body, idempotencyKey }) as { order: OrderView };
    res.setHeader('Location', `${req.baseUrl}/${encodeURIComponent(result.order.orderId)}`);
    sendOrder(res, 201, result);
  }));

  // Before /:id, which would take "audit" for an order id.
  router.get('/audit', authenticate, answerJson(api, 'audit', async (req, res) => {
    const client = clientOf(req);
    const { clientId: asked, ...filters } = req.query;
    if (asked !== undefined && typeof asked !== 'string') throw new GatewayError('INVALID_COMMAND', 'clientId is given more than once', [{ message: 'one clientId', path: 'clientId' }]);
    const clientId = asked ?? client.id;
    if (!isOperator(client)) {
      checkMessagePermission(client, MIRRORS.retrieve);
      if (clientId !== client.id) throw new GatewayError('MESSAGE_NOT_ALLOWED', `Client ${client.id} may read its own audit rows only`, [{ message: 'only an operator reads another client\'s rows', path: 'clientId' }]);
    }
    const filter = auditFilterOf(filters);
    res.json(toAuditPage(await orders.auditTrail({ ...filter, clientId }), filter.limit ?? 0));
  }));

  router.get('/:id', authenticate, answerJson(api, 'get', async (req, res) => {
    sendOrder(res, 200, await retrieve(route, req));
  }));

  router.get('/:id/status', authenticate, answerJson(api, 'status', async (req, res) => {
    const { order } = await retrieve(route, req);
    res.setHeader('ETag', `"${order.version}"`);
    res.json(toOrderStatusView(order));
  }));

  router.put('/:id', authenticate, ...json, answerJson(api, 'change', async (req, res) => {
    const client = clientOf(req);
    checkMessagePermission(client, MIRRORS.change);
    const orderId = String(req.params.id);
    const body = bodyObject(req);
    refuseSupplied(body, { idempotencyKey: 'the Idempotency-Key header', orderId: 'the path' });
    const expectedVersion = expectedVersionOf(req, body);
    if (expectedVersion === undefined) {
      throw new GatewayError('INVALID_COMMAND', 'A change must name the order version it is based on: If-Match or expectedVersion', [
        { message: 'If-Match header or expectedVersion is required', path: '/expectedVersion' },
      ]);
    }
    // Without a key of its own, a PUT is keyed by order and version: repeating it answers the first result.
    const header = req.get('idempotency-key') ?? `put:${orderId}:${expectedVersion}`;
    const idempotencyKey = idempotencyKeyOf(client, header);
    const result = await runClientCommand(route, req, 'order.change', MIRRORS.change, { ...body, orderId, expectedVersion, idempotencyKey }) as { order: OrderView };
    sendOrder(res, 200, result);
  }));

  const fulfilment = (operation: 'deliver' | 'settle', run: typeof deliverServices) =>
    answerJson(api, operation, async (req, res) => {
      const client = clientOf(req);
      checkMessagePermission(client, MIRRORS.change);
      const body = bodyObject(req);
      const expectedVersion = expectedVersionOf(req, body);
      const serviceIds = selectionOf(body, 'serviceIds', 'service');
      const request: FulfilmentRequest = {
        orderId: String(req.params.id), clientId: client.id, correlationId: req.correlationId, selection: serviceIds ? { serviceIds } : { all: true },
        ...(expectedVersion !== undefined ? { expectedVersion } : {}),
      };
      sendOrder(res, 200, { order: await run(orders, request, req.log) });
    });
  router.post('/:id/deliver', authenticate, ...json, fulfilment('deliver', deliverServices));
  router.post('/:id/settle', authenticate, ...json, fulfilment('settle', settleServices));

  // GDPR erasure: by the order's owner, or by an operator on any client's order.
  router.post('/:id/erasure', authenticate, ...json, answerJson(api, 'erase', async (req, res) => {
    const client = clientOf(req);
    const operator = isOperator(client);
    if (!operator) checkMessagePermission(client, MIRRORS.change);
    const orderId = String(req.params.id);
    const body = bodyObject(req);
    const expectedVersion = expectedVersionOf(req, body);
    const paxIds = selectionOf(body, 'paxIds', 'passenger');
    const owner = operator ? (await orders.ownerOf(orderId)) ?? client.id : client.id;
    const order = await erasePassengerData(orders, {
      orderId, clientId: client.id, ownerClientId: owner, correlationId: req.correlationId,
      ...(paxIds ? { paxIds } : {}), ...(expectedVersion !== undefined ? { expectedVersion } : {}),
    }, req.log);
    sendOrder(res, 200, { order });
  }));

  // The order's audit rows: the owner reads those it caused, an operator all of them.
  router.get('/:id/audit', authenticate, answerJson(api, 'order-audit', async (req, res) => {
    const client = clientOf(req);
    const orderId = String(req.params.id);
    const filter = auditFilterOf(req.query);
    if (isOperator(client)) {
      res.json(toAuditPage(await orders.auditTrail({ ...filter, orderId }), filter.limit ?? 0));
      return;
    }
    checkMessagePermission(client, MIRRORS.retrieve);
    if ((await orders.ownerOf(orderId)) !== client.id) throw new GatewayError('ORDER_NOT_FOUND', `Order ${orderId} is unknown`, [{ message: 'unknown order', path: '/orderId' }]);
    res.json(toAuditPage(await orders.auditTrail({ ...filter, orderId, clientId: client.id }), filter.limit ?? 0));
  }));

  router.use(bodyErrors(limit));
  router.use((req: Request, res: Response) => {
    sendJsonError(res, new GatewayError('NOT_FOUND', `No route for ${req.method} ${req.baseUrl}${req.path}`, [{ message: 'unknown route', path: req.path }]));
  });
  return router;
}
