import { Ajv, type ErrorObject } from 'ajv';
import { GatewayError, type ErrorDetail } from '../errors/index.ts';
import type { Order } from './one-order.ts';

const id = { type: 'string', minLength: 1, maxLength: 256 } as const;
const idList = { type: 'array', items: id, uniqueItems: true } as const;
const currency = { type: 'string', pattern: '^[A-Z]{3}$' } as const;
const amount = { type: 'number', minimum: 0 } as const;
const text = { type: 'string', minLength: 1, maxLength: 256 } as const;
const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const localDateTime = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?$' } as const;
const instant = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?(Z|[+-]\\d{2}:\\d{2})$' } as const;

/**
 * A masked card number: digits, mask characters (`*`, `X`), spaces and dashes, with at least four
 * mask characters and at most ten digits (PCI DSS allows the first six and the last four), so a
 * clear card number can never pass as a masked one.
 */
export const MASKED_CARD_NUMBER_PATTERN = '^(?=(?:[^*Xx]*[*Xx]){4})[*Xx \\-]*(?:\\d[*Xx \\-]*){0,10}$';

function object(required: readonly string[], properties: Record<string, unknown>): Record<string, unknown> {
  return { type: 'object', additionalProperties: false, required, properties };
}

const schedule = object(['departure', 'arrival', 'aircraft'], {
  departure: localDateTime,
  arrival: localDateTime,
  aircraft: { type: 'string', minLength: 1, maxLength: 8 },
});

const money = {
  base: amount,
  taxes: amount,
  total: amount,
  currency,
};

/**
 * JSON Schema (draft-07) of the ONE Order record. Every object refuses unknown properties: that is
 * what keeps a `cardNumber` or `cvv` out of the store, whatever a caller builds.
 */
export const ONE_ORDER_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://ndc-gateway.local/schemas/one-order.json',
  title: 'IATA ONE Order record',
  ...object(
    ['orderId', 'bookingReference', 'ownerClientId', 'status', 'version', 'currency', 'totalPrice', 'createdAt', 'updatedAt',
      'passengers', 'contacts', 'items', 'segments', 'journeys', 'payments', 'documents'],
    {
      orderId: id,
      bookingReference: { type: 'string', pattern: '^[A-Z0-9]{6}$' },
      ownerClientId: id,
      status: { enum: ['OPENED', 'CLOSED'] },
      version: { type: 'integer', minimum: 1 },
      currency,
      totalPrice: object(['base', 'taxes', 'total', 'currency'], money),
      createdAt: instant,
      updatedAt: instant,
      paymentTimeLimit: instant,
      airline: object(['owner', 'orderId'], {
        owner: { type: 'string', pattern: '^[A-Z0-9]{2}$' },
        orderId: id,
        bookingReference: { type: 'string', minLength: 1, maxLength: 32 },
      }),
      passengers: {
        type: 'array',
        items: object(['paxId', 'ptc'], {
          paxId: id,
          ptc: { type: 'string', pattern: '^[A-Z0-9]{3}$' },
          accompanyingPaxId: id,
          givenName: text,
          surname: text,
          birthdate: date,
          gender: { enum: ['MALE', 'FEMALE', 'UNDISCLOSED'] },
          title: { type: 'string', minLength: 1, maxLength: 32 },
          loyalty: {
            type: 'array',
            items: object(['programOwner', 'accountNumber'], {
              programOwner: { type: 'string', pattern: '^[A-Z0-9]{2}$' },
              accountNumber: { type: 'string', minLength: 1, maxLength: 64 },
              tierLevel: { type: 'string', minLength: 1, maxLength: 64 },
            }),
          },
          identityDocuments: {
            type: 'array',
            maxItems: 8,
            items: object(['typeCode', 'number'], {
              typeCode: { type: 'string', pattern: '^[A-Z0-9]{1,3}$' },
              number: { type: 'string', pattern: '^[A-Za-z0-9 -]{1,32}$' },
              issuingCountryCode: { type: 'string', pattern: '^[A-Z]{2}$' },
              citizenshipCountryCode: { type: 'string', pattern: '^[A-Z]{2}$' },
              expiryDate: date,
            }),
          },
        }),
      },
      contacts: {
        type: 'array',
        items: object(['contactId'], {
          contactId: id,
          paxIds: idList,
          emails: {
            type: 'array',
            items: object(['address'], { address: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+$', maxLength: 320 }, label: text }),
          },
          phones: {
            type: 'array',
            items: object(['number'], {
              number: { type: 'string', pattern: '^[0-9 ()\\-]{3,32}$' },
              countryDialingCode: { type: 'string', pattern: '^\\+?[0-9]{1,4}$' },
              label: text,
            }),
          },
          address: object([], {
            street: { type: 'array', items: text, maxItems: 4 },
            cityName: text,
            postalCode: { type: 'string', minLength: 1, maxLength: 32 },
            countrySubdivision: text,
            countryCode: { type: 'string', pattern: '^[A-Z]{2}$' },
          }),
        }),
      },
      items: {
        type: 'array',
        items: object(['orderItemId', 'status', 'paxIds', 'price', 'services'], {
          orderItemId: id,
          offerId: id,
          offerItemId: id,
          status: { enum: ['ACTIVE', 'CANCELLED'] },
          paxIds: idList,
          price: object(['base', 'taxes', 'total', 'currency'], {
            ...money,
            taxBreakdown: {
              type: 'array',
              items: object(['code', 'amount'], { code: { type: 'string', minLength: 1, maxLength: 8 }, amount, description: text }),
            },
          }),
          services: {
            type: 'array',
            items: object(['serviceId', 'type', 'status', 'paxId', 'delivery'], {
              serviceId: id,
              type: { enum: ['FLIGHT', 'SEAT', 'BAGGAGE', 'MEAL', 'LOUNGE'] },
              status: { enum: ['PENDING', 'CONFIRMED', 'CANCELLED'] },
              paxId: id,
              segmentId: id,
              seat: object(['row', 'column'], { row: { type: 'integer', minimum: 1, maximum: 999 }, column: { type: 'string', pattern: '^[A-Z]$' } }),
              code: { type: 'string', minLength: 1, maxLength: 16 },
              name: text,
              delivery: object(['status'], {
                status: { enum: ['READY_TO_PROCEED', 'IN_PROGRESS', 'DELIVERED', 'CANCELLED'] },
                documentNumber: { type: 'string', pattern: '^\\d{13}$' },
                deliveredAt: instant,
              }),
              settlement: object(['status'], { status: { enum: ['PENDING', 'SETTLED'] }, settledAt: instant }),
            }),
          },
        }),
      },
      segments: {
        type: 'array',
        items: object(['segmentId', 'origin', 'destination', 'departure', 'arrival', 'carrier', 'flightNumber', 'aircraft', 'cabin'], {
          segmentId: id,
          origin: { type: 'string', pattern: '^[A-Z]{3}$' },
          destination: { type: 'string', pattern: '^[A-Z]{3}$' },
          departure: localDateTime,
          arrival: localDateTime,
          carrier: { type: 'string', pattern: '^[A-Z0-9]{2}$' },
          flightNumber: { type: 'string', pattern: '^[0-9]{1,4}[A-Z]?$' },
          aircraft: { type: 'string', minLength: 1, maxLength: 8 },
          cabin: { enum: ['FIRST', 'BUSINESS', 'PREMIUM_ECONOMY', 'ECONOMY'] },
          durationMinutes: { type: 'integer', minimum: 0 },
          rbd: { type: 'string', pattern: '^[A-Z]$' },
          fareBasisCode: { type: 'string', minLength: 1, maxLength: 16 },
          cancelled: { type: 'boolean' },
        }),
      },
      airlineChanges: {
        type: 'array',
        items: object(['changeId', 'kind', 'receivedAt', 'segments', 'defaultAction', 'status'], {
          changeId: id,
          kind: { enum: ['SCHEDULE_CHANGE', 'CANCELLATION', 'EQUIPMENT_CHANGE'] },
          reason: { type: 'string', minLength: 1, maxLength: 1000 },
          receivedAt: instant,
          segments: {
            type: 'array',
            minItems: 1,
            items: object(['segmentId', 'before'], {
              segmentId: id,
              before: schedule,
              after: schedule,
              cancelled: { type: 'boolean' },
            }),
          },
          actionTimeLimit: instant,
          defaultAction: { enum: ['ACCEPT', 'CANCEL'] },
          status: { enum: ['PENDING', 'ACCEPTED', 'REFUNDED'] },
          answeredAt: instant,
        }),
      },
      journeys: {
        type: 'array',
        items: object(['journeyId', 'origin', 'destination', 'segmentIds'], {
          journeyId: id,
          origin: { type: 'string', pattern: '^[A-Z]{3}$' },
          destination: { type: 'string', pattern: '^[A-Z]{3}$' },
          segmentIds: { ...idList, minItems: 1 },
          durationMinutes: { type: 'integer', minimum: 0 },
        }),
      },
      payments: {
        type: 'array',
        items: object(['paymentId', 'status', 'amount', 'currency', 'method', 'createdAt'], {
          paymentId: id,
          status: { enum: ['PENDING', 'SUCCESSFUL', 'FAILED', 'VOIDED', 'REFUNDED'] },
          amount,
          currency,
          method: object(['type', 'token', 'maskedNumber'], {
            type: { const: 'CARD' },
            token: id,
            maskedNumber: { type: 'string', pattern: MASKED_CARD_NUMBER_PATTERN },
            brand: { type: 'string', pattern: '^[A-Z0-9]{2}$' },
            expiry: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' },
            holderName: text,
          }),
          authorisationCode: { type: 'string', minLength: 1, maxLength: 32 },
          createdAt: instant,
        }),
      },
      documents: {
        type: 'array',
        items: object(['type', 'number', 'paxId', 'orderItemIds'], {
          type: { enum: ['ET', 'EMD'] },
          number: { type: 'string', pattern: '^\\d{13}$' },
          paxId: id,
          orderItemIds: { ...idList, minItems: 1 },
          issuedAt: instant,
        }),
      },
    },
  ),
} as const;

const validateSchema = new Ajv({ allErrors: true, strict: true }).compile<Order>(ONE_ORDER_SCHEMA);

function toDetails(errors: readonly ErrorObject[] | null | undefined): ErrorDetail[] {
  return (errors ?? []).slice(0, 50).map((e) => {
    const path = e.instancePath || '/';
    const extra = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: unknown }).additionalProperty)})` : '';
    return { message: `${path} ${e.message ?? 'is invalid'}${extra}`, path };
  });
}

/** Checks a value against the ONE Order schema; an empty list means it is a valid record. */
export function validateOrderRecord(value: unknown): readonly ErrorDetail[] {
  return validateSchema(value) ? [] : toDetails(validateSchema.errors);
}

/**
 * Throws INTERNAL_ERROR naming each offending field: a record that breaks the schema was built by
 * the gateway, not sent by the client, so it is our fault and must not be stored.
 */
export function assertValidOrderRecord(value: unknown): asserts value is Order {
  const details = validateOrderRecord(value);
  if (details.length > 0) throw new GatewayError('INTERNAL_ERROR', 'The order record does not match the ONE Order schema', details);
}
