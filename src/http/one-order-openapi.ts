import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_TABLE } from '../errors/index.ts';

/**
 * The OpenAPI 3.1 description of the ONE Order REST API (`GET /api/v1/one-order/openapi.json`).
 * The order shapes are not written twice: every JSON Schema of schemas/commands becomes a
 * component under its file name (`order.common`, `order.create.result`...), with its `$ref`s
 * rewritten to point inside the document, so the contract the workers check is the one clients
 * read. Only what the REST edge adds is written here: the card in clear (tokenised at the edge),
 * the delivery/settlement and erasure selections, the status view, the audit trail and the error
 * body.
 */

type JsonObject = Record<string, unknown>;

const COMPONENTS = '#/components/schemas/';

/** `order.common.json#/definitions/x` → `#/components/schemas/order.common/definitions/x`; `#/x` stays in its file. */
function rewriteRefs(value: unknown, file: string): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, file));
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value as JsonObject)) {
    if (key === '$ref' && typeof item === 'string') {
      const [target = '', pointer = ''] = item.split('#');
      const component = target === '' ? file : target.replace(/\.json$/, '');
      out[key] = `${COMPONENTS}${component}${pointer}`;
    } else if (key !== '$schema' && key !== '$id') {
      out[key] = rewriteRefs(item, file);
    }
  }
  return out;
}

/** Every command schema of the folder as an OpenAPI component, keyed by file name without `.json`. */
function loadCommandComponents(folder: string): Record<string, JsonObject> {
  const components: Record<string, JsonObject> = {};
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.json')).sort()) {
    const name = file.replace(/\.json$/, '');
    components[name] = rewriteRefs(JSON.parse(readFileSync(join(folder, file), 'utf8')), name) as JsonObject;
  }
  return components;
}

/** A command schema as a REST body: without what the route supplies (path, header) and with the card in clear. */
function restBody(command: JsonObject, drop: readonly string[], description: string): JsonObject {
  const properties = { ...(command.properties as JsonObject) };
  for (const key of drop) delete properties[key];
  if ('payment' in properties) properties.payment = { $ref: `${COMPONENTS}PaymentInput` };
  const required = ((command.required as string[] | undefined) ?? []).filter((key) => !drop.includes(key));
  const { title: _title, ...rest } = command;
  return { ...rest, description, properties, required };
}

const ref = (name: string): JsonObject => ({ $ref: `${COMPONENTS}${name}` });
const json = (schema: JsonObject): JsonObject => ({ 'application/json': { schema } });
const answer = (description: string, schema: string, headers?: JsonObject): JsonObject => ({
  description, content: json(ref(schema)), ...(headers ? { headers } : {}),
});
const failure = (description: string): JsonObject => ({ description, content: json(ref('Error')) });

const ETAG = { ETag: { description: 'The order version, quoted (`"3"`); send it back as If-Match.', schema: { type: 'string' } } };

/** The error answers every authenticated route can give, besides its own. */
const COMMON_FAILURES: JsonObject = {
  400: failure('INVALID_COMMAND: the body or a header is malformed or misses data (details name each field).'),
  401: failure('AUTH_REQUIRED: no valid API key.'),
  403: failure('MESSAGE_NOT_ALLOWED: the client may not send the NDC message this route mirrors.'),
  404: failure('ORDER_NOT_FOUND: no such order for this client (another client\'s order looks the same).'),
  500: failure('INTERNAL_ERROR or INVALID_RESPONSE.'),
  502: failure('DOWNSTREAM_UNAVAILABLE: the airline or payment service did not answer.'),
  504: failure('DEADLINE_EXCEEDED.'),
};

const ID_PARAMETER = { name: 'id', in: 'path', required: true, description: 'The orderId.', schema: ref('order.common/definitions/orderId') };
const IDEMPOTENCY_KEY = (required: boolean, description: string): JsonObject => ({
  name: 'Idempotency-Key', in: 'header', required, description, schema: { type: 'string', pattern: '^[\\x21-\\x7E]{1,200}$' },
});
/** A body naming some things by id (`{ <list>: [ids] }`) or all of them (`{ all: true }`), with an optional expectedVersion. */
const selection = (list: string, description: string): JsonObject => ({
  description, type: 'object', additionalProperties: false,
  properties: {
    [list]: { type: 'array', minItems: 1, uniqueItems: true, items: ref('common/definitions/id') },
    all: { type: 'boolean', const: true },
    expectedVersion: ref('order.common/definitions/expectedVersion'),
  },
  oneOf: [{ required: [list] }, { required: ['all'] }],
});

/** The time and paging filters of the audit routes (one-order-audit.ts). */
const AUDIT_FILTERS: JsonObject[] = [
  { name: 'from', in: 'query', required: false, description: 'Rows at or after this instant.', schema: { type: 'string', format: 'date-time' } },
  { name: 'to', in: 'query', required: false, description: 'Rows before this instant.', schema: { type: 'string', format: 'date-time' } },
  { name: 'after', in: 'query', required: false, description: 'Rows after this id: the `next` of the previous page.', schema: { type: 'integer', minimum: 0 } },
  { name: 'limit', in: 'query', required: false, description: 'Rows per page.', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
];

const IF_MATCH = { name: 'If-Match', in: 'header', required: false, description: 'The order version the request is based on (`"3"`, `W/"3"` or `3`); a stale one is 409 ORDER_VERSION_CONFLICT.', schema: { type: 'string' } };

/** Builds the document once; `commandSchemasPath` is the folder the command validator loads. */
export function buildOneOrderOpenApi(commandSchemasPath: string): JsonObject {
  const commands = loadCommandComponents(commandSchemasPath);
  const create = commands['order.create'];
  const change = commands['order.change'];
  if (!create || !change) throw new Error(`${commandSchemasPath} has no order.create.json or order.change.json`);

  const schemas: Record<string, JsonObject> = {
    ...commands,
    Error: {
      type: 'object', additionalProperties: false, required: ['error'],
      properties: {
        error: {
          type: 'object', additionalProperties: false, required: ['code', 'message', 'details'],
          properties: {
            code: { type: 'string', enum: Object.keys(ERROR_TABLE) },
            message: { type: 'string' },
            details: {
              type: 'array',
              items: {
                type: 'object', additionalProperties: false, required: ['message'],
                properties: { message: { type: 'string' }, path: { type: 'string' }, line: { type: 'integer' }, column: { type: 'integer' } },
              },
            },
          },
        },
      },
    },
    CardInput: {
      description: 'A payment card in clear. The gateway exchanges it at the payment service for a token before the command is queued; answers show only the masked number.',
      type: 'object', additionalProperties: false, required: ['number', 'expiry', 'cvv', 'holderName'],
      properties: {
        number: { type: 'string', minLength: 1 },
        expiry: { type: 'string', description: '`MM/YY` or `YYYY-MM`.' },
        cvv: { type: 'string', minLength: 3, maxLength: 4 },
        holderName: { type: 'string', minLength: 1 },
      },
    },
    PaymentInput: {
      type: 'object', additionalProperties: false, required: ['card'],
      properties: {
        card: ref('CardInput'),
        holderName: { type: 'string', minLength: 1, maxLength: 256 },
        amount: { description: 'What the seller expects to pay; another amount due is OFFER_PRICE_CHANGED.', ...ref('common/definitions/amount') },
      },
    },
    OrderCreateRequest: restBody(create, ['idempotencyKey'], 'The order.create command; its idempotency key is the Idempotency-Key header.'),
    OrderChangeRequest: restBody(change, ['idempotencyKey', 'orderId'], 'The order.change command; the order is the path\'s, and expectedVersion (or If-Match) is required.'),
    ServiceSelection: selection('serviceIds', 'Which services: the listed ones, or every active service not yet done. expectedVersion (or If-Match) is optional here.'),
    AuditEntry: {
      description: 'One order message (NDC or REST) that read or wrote an order or a payment: one row per order version it wrote, or one row when it wrote none. Never personal or card data.',
      type: 'object', additionalProperties: false, required: ['id', 'at', 'clientId', 'message', 'channel', 'outcome', 'detail'],
      properties: {
        id: { type: 'integer', description: 'Increasing.' },
        at: ref('common/definitions/instant'),
        clientId: { type: 'string', description: 'The API client that sent the message.' },
        message: { type: 'string', description: 'The NDC message (`OrderCreateRQ`…) or the REST operation (`one-order.deliver`, `one-order.settle`, `one-order.erase`).' },
        channel: { type: 'string', description: 'The NDC version it came in (`21.3`…), or `rest`.' },
        orderId: { type: 'string' },
        orderVersion: { type: 'integer', minimum: 1, description: 'The version the message wrote, or read.' },
        outcome: { type: 'string', description: '`ok`, or the error code the message was answered with.' },
        correlationId: { type: 'string' },
        detail: { type: 'object', description: 'What else identifies the message, e.g. `bookingReference` or the `paxIds` of an erasure.' },
      },
    },
    AuditPage: {
      type: 'object', additionalProperties: false, required: ['entries'],
      properties: {
        entries: { type: 'array', items: ref('AuditEntry'), description: 'Oldest first.' },
        next: { type: 'integer', description: 'Pass as `after` for the next page; absent on the last page.' },
      },
    },
    ErasureRequest: selection('paxIds', 'Whose personal data goes: the listed passengers, or all of them. expectedVersion (or If-Match) is optional.'),
    OrderStatusView: {
      type: 'object', additionalProperties: false, required: ['orderId', 'bookingReference', 'status', 'version', 'amountDue', 'items', 'payments'],
      properties: {
        orderId: ref('order.common/definitions/orderId'),
        bookingReference: { type: 'string', pattern: '^[A-Z0-9]{6}$' },
        status: { type: 'string', enum: ['OPENED', 'CLOSED'] },
        version: { type: 'integer', minimum: 1 },
        amountDue: ref('common/definitions/amount'),
        items: {
          type: 'array',
          items: {
            type: 'object', additionalProperties: false, required: ['orderItemId', 'status', 'services'],
            properties: {
              orderItemId: ref('common/definitions/id'),
              status: { type: 'string', enum: ['ACTIVE', 'CANCELLED'] },
              services: {
                type: 'array',
                items: {
                  type: 'object', additionalProperties: false, required: ['serviceId', 'type', 'paxId', 'status', 'delivery', 'settlement'],
                  properties: {
                    serviceId: ref('common/definitions/id'),
                    type: { type: 'string', enum: ['FLIGHT', 'SEAT', 'BAGGAGE', 'MEAL', 'LOUNGE'] },
                    paxId: ref('common/definitions/id'),
                    segmentId: ref('common/definitions/id'),
                    status: { type: 'string', enum: ['PENDING', 'CONFIRMED', 'CANCELLED'] },
                    delivery: {
                      type: 'object', additionalProperties: false, required: ['status'],
                      properties: {
                        status: { type: 'string', enum: ['READY_TO_PROCEED', 'IN_PROGRESS', 'DELIVERED', 'CANCELLED'] },
                        documentNumber: { type: 'string' },
                        deliveredAt: ref('common/definitions/instant'),
                      },
                    },
                    settlement: {
                      type: 'object', additionalProperties: false, required: ['status'],
                      properties: { status: { type: 'string', enum: ['PENDING', 'SETTLED'] }, settledAt: ref('common/definitions/instant') },
                    },
                  },
                },
              },
            },
          },
        },
        payments: {
          type: 'array',
          items: {
            type: 'object', additionalProperties: false, required: ['paymentId', 'status', 'amount', 'currency'],
            properties: {
              paymentId: ref('common/definitions/id'),
              status: { type: 'string', enum: ['PENDING', 'SUCCESSFUL', 'FAILED', 'VOIDED', 'REFUNDED'] },
              amount: ref('common/definitions/amount'),
              currency: ref('common/definitions/currency'),
            },
          },
        },
      },
    },
  };

  /** A change the REST edge makes on the record itself (deliver, settle, erase): its body, what answers 200, 409 and 422. */
  const recordChange = (operationId: string, summary: string, description: string, body: string, answers: { 200: string; 409: string; 422: string }): JsonObject => ({
    post: {
      operationId, summary, description, tags: ['ONE Order'],
      parameters: [ID_PARAMETER, IF_MATCH],
      requestBody: { required: true, content: json(ref(body)) },
      responses: {
        ...COMMON_FAILURES,
        200: answer(answers[200], 'order.retrieve.result', ETAG),
        409: failure(answers[409]),
        415: failure('UNSUPPORTED_MEDIA_TYPE: send application/json.'),
        422: failure(answers[422]),
      },
    },
  });
  const serviceAction = (operationId: string, summary: string, description: string): JsonObject => recordChange(operationId, summary, description, 'ServiceSelection', {
    200: 'The order after the change (unchanged, same version, when every service asked for was already done).',
    409: 'ORDER_VERSION_CONFLICT (stale version) or ORDER_NOT_CHANGEABLE (closed order, cancelled service).',
    422: 'INVALID_BUSINESS_DATA: the order has no such service.',
  });

  return {
    openapi: '3.1.0',
    info: {
      title: 'ONE Order REST API',
      version: '1.0.0',
      description: 'JSON mirror of the NDC order messages. Writes run through the same queue, orchestration, compensation and idempotency as OrderCreateRQ/OrderChangeRQ. Card numbers are tokenised at the edge; answers carry the masked number only. Errors are `{ error: { code, message, details } }`; business refusals are 4xx here (see the status of each response).',
    },
    servers: [{ url: '/api/v1/one-order' }],
    security: [{ bearerAuth: [] }, { apiKey: [] }],
    tags: [{ name: 'ONE Order' }],
    paths: {
      '/create': {
        post: {
          operationId: 'createOrder', summary: 'Create an order from a priced offer (OrderCreateRQ)', tags: ['ONE Order'],
          description: 'With payment the order is paid and ticketed at once; without it, a hold booking. A replay with the same Idempotency-Key (and body) answers 200 with the same order and never creates a second one.',
          parameters: [IDEMPOTENCY_KEY(true, 'Names this request; a retry with the same key gets the first answer.')],
          requestBody: { required: true, content: json(ref('OrderCreateRequest')) },
          responses: {
            ...COMMON_FAILURES,
            200: answer('A replay: the order the first request with this key created.', 'order.create.result', ETAG),
            201: answer('The order created.', 'order.create.result', { ...ETAG, Location: { description: 'The order\'s URL.', schema: { type: 'string' } } }),
            402: failure('PAYMENT_DECLINED: no order is created.'),
            409: failure('OFFER_PRICE_CHANGED, NO_AVAILABILITY, or REQUEST_IN_PROGRESS (the same key is still running).'),
            410: failure('OFFER_NOT_FOUND or OFFER_EXPIRED: shop again.'),
            415: failure('UNSUPPORTED_MEDIA_TYPE: send application/json.'),
            422: failure('INVALID_BUSINESS_DATA or UNKNOWN_LOCATION (also: the key was used for another body).'),
          },
        },
      },
      '/{id}': {
        get: {
          operationId: 'getOrder', summary: 'The order (OrderRetrieveRQ)', tags: ['ONE Order'],
          parameters: [ID_PARAMETER],
          responses: { ...COMMON_FAILURES, 200: answer('The order.', 'order.retrieve.result', ETAG) },
        },
        put: {
          operationId: 'changeOrder', summary: 'Change the order (OrderChangeRQ)', tags: ['ONE Order'],
          description: 'Adds services or seats, replaces contacts, pays a hold booking, or cancels items. Without an Idempotency-Key the change is keyed by order, version and body, so repeating the same PUT returns the first answer.',
          parameters: [ID_PARAMETER, IF_MATCH, IDEMPOTENCY_KEY(false, 'Names this change; a retry with the same key gets the first answer.')],
          requestBody: { required: true, content: json(ref('OrderChangeRequest')) },
          responses: {
            ...COMMON_FAILURES,
            200: answer('The order after the change, with the payment or refund it caused.', 'order.change.result', ETAG),
            402: failure('PAYMENT_DECLINED: the order is left as it was.'),
            409: failure('ORDER_VERSION_CONFLICT (stale version), ORDER_NOT_CHANGEABLE, OFFER_PRICE_CHANGED or REQUEST_IN_PROGRESS.'),
            415: failure('UNSUPPORTED_MEDIA_TYPE: send application/json.'),
            422: failure('INVALID_BUSINESS_DATA.'),
          },
        },
      },
      '/{id}/status': {
        get: {
          operationId: 'getOrderStatus', summary: 'Order, item, service, delivery, settlement and payment statuses', tags: ['ONE Order'],
          parameters: [ID_PARAMETER],
          responses: { ...COMMON_FAILURES, 200: answer('The statuses and the version.', 'OrderStatusView', ETAG) },
        },
      },
      '/{id}/deliver': serviceAction('deliverServices', 'Mark services delivered',
        'Records the delivery of the services (flown, seat used, bag carried): one event, one new version. An order closes once every active service is delivered and settled.'),
      '/{id}/settle': serviceAction('settleServices', 'Record order-based settlement of services',
        'Records the settlement of the services: one event, one new version. The order CLOSES once every active service is delivered and settled.'),
      '/{id}/erasure': recordChange('erasePassengerData', 'Erase passengers\' personal data (GDPR)',
        'Pseudonymises the passengers in the order: their names, birth date, gender, title, loyalty accounts and identity documents, the contacts only they use, and, once every passenger is erased, the booker\'s contact and the card holder names. Items, prices, payments (amounts, masked numbers) and ticket numbers stay for accounting. The answers kept for replays of the order\'s requests are deleted. One event, one new version, one audit row; erasing again writes nothing. Allowed to the order\'s owner (with OrderChangeRQ) and to operators on any client\'s order.',
        'ErasureRequest', {
          200: 'The order after the erasure (unchanged, same version, when there was nothing left to erase).',
          409: 'ORDER_VERSION_CONFLICT: a stale version.',
          422: 'INVALID_BUSINESS_DATA: the order has no such passenger.',
        }),
      '/{id}/audit': {
        get: {
          operationId: 'getOrderAudit', summary: 'The order\'s audit trail', tags: ['ONE Order'],
          description: 'Every message that read or wrote the order, refusals and failures included, oldest first. The owner (with OrderRetrieveRQ) reads the rows of its own messages; an operator reads every row, of any order.',
          parameters: [ID_PARAMETER, ...AUDIT_FILTERS],
          responses: { ...COMMON_FAILURES, 200: answer('The rows.', 'AuditPage') },
        },
      },
      '/audit': {
        get: {
          operationId: 'getClientAudit', summary: 'A client\'s audit trail', tags: ['ONE Order'],
          description: 'Every order message the client sent, oldest first. A client (with OrderRetrieveRQ) reads its own rows; an operator names any client.',
          parameters: [
            { name: 'clientId', in: 'query', required: false, description: 'Whose rows; another client than the caller\'s needs an operator.', schema: { type: 'string' } },
            ...AUDIT_FILTERS,
          ],
          responses: { ...COMMON_FAILURES, 200: answer('The rows.', 'AuditPage') },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'getOpenApi', summary: 'This document', tags: ['ONE Order'], security: [],
          responses: { 200: { description: 'The OpenAPI 3.1 document.', content: json({ type: 'object' }) } },
        },
      },
    },
    components: {
      schemas,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <API key>' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
  };
}
