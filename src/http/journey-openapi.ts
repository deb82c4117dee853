import { ERROR_TABLE } from '../errors/index.ts';
import { ABANDON_REASONS, JOURNEY_CHANNELS, JOURNEY_STATES } from '../journeys/journey-states.ts';

/**
 * The OpenAPI 3.1 description of the journey API (`GET /api/v1/journey/openapi.json`). The states,
 * channels, reasons and error codes come from their tables, so the document cannot drift from
 * them; a test checks every answer of the API against it.
 */

type JsonObject = Record<string, unknown>;

const COMPONENTS = '#/components/schemas/';
const ref = (name: string): JsonObject => ({ $ref: `${COMPONENTS}${name}` });
const json = (schema: JsonObject): JsonObject => ({ 'application/json': { schema } });
const answer = (description: string, schema: string): JsonObject => ({ description, content: json(ref(schema)) });
const failure = (description: string, schema = 'Error'): JsonObject => ({ description, content: json(ref(schema)) });
const object = (required: string[], properties: JsonObject, extra: JsonObject = {}): JsonObject => ({ type: 'object', additionalProperties: false, required, properties, ...extra });

const STATE = { type: 'string', enum: [...JOURNEY_STATES] };
const CHANNEL = { type: 'string', enum: [...JOURNEY_CHANNELS] };
const CABIN = { type: 'string', enum: ['FIRST', 'BUSINESS', 'PREMIUM_ECONOMY', 'ECONOMY'] };
const TIME = { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' };

/** What every step after init carries to name its journey. */
const STEP_PROPERTIES: JsonObject = {
  journeyId: { type: 'string', description: 'The journey, as init answered it.' },
  resumeToken: { type: 'string', description: 'The resume token init answered; or send it as the Journey-Resume-Token header.' },
  channel: { ...CHANNEL, description: 'The channel of this step (or the Journey-Channel header); default: the channel of the previous step.' },
};

const COMMON_FAILURES: JsonObject = {
  400: failure('INVALID_COMMAND: the body, a parameter or a header is malformed (details name each field).'),
  401: failure('AUTH_REQUIRED: no valid API key.'),
  403: failure('MESSAGE_NOT_ALLOWED: the client may not send the NDC message this step stands for.'),
  404: failure('JOURNEY_NOT_FOUND: no such journey for this client, or a wrong resume token (indistinguishable).'),
  409: failure('JOURNEY_TRANSITION_NOT_ALLOWED (the message and details name the current state and the allowed next states), or JOURNEY_CONFLICT: another request changed the journey meanwhile; read its status and retry.'),
  500: failure('INTERNAL_ERROR.'),
  502: failure('DOWNSTREAM_UNAVAILABLE: the airline or payment service did not answer.'),
  504: failure('DEADLINE_EXCEEDED.'),
};

const TOKEN_HEADER = { name: 'Journey-Resume-Token', in: 'header', required: true, description: 'The resume token of the journey.', schema: { type: 'string' } };
const CHANNEL_HEADER = { name: 'Journey-Channel', in: 'header', required: false, description: 'The channel of this step.', schema: CHANNEL };

function step(operationId: string, summary: string, description: string, body: string, ok: string, failures: JsonObject = {}, method = 'post'): JsonObject {
  return {
    [method]: {
      operationId, summary, description, tags: ['Journey'],
      parameters: [{ ...TOKEN_HEADER, required: false }, CHANNEL_HEADER],
      requestBody: { required: true, content: json(ref(body)) },
      responses: { ...COMMON_FAILURES, 200: answer('The step is done.', ok), ...failures },
    },
  };
}

/** The payment step: a failure after the journey moved also answers where the journey is now. */
function paymentStep(...args: Parameters<typeof step>): JsonObject {
  const operation = step(...args) as { post: { responses: Record<string, JsonObject> } };
  for (const status of ['500', '502', '504']) operation.post.responses[status] = failure(`${String((operation.post.responses[status]!.description))} With the journey when it had moved.`, 'PaymentError');
  return operation;
}

function schemas(): Record<string, JsonObject> {
  const withStep = (required: string[], properties: JsonObject, description: string): JsonObject =>
    object(['journeyId', ...required], { ...STEP_PROPERTIES, ...properties }, { description });
  return {
    Error: object(['error'], {
      error: object(['code', 'message', 'details'], {
        code: { type: 'string', enum: Object.keys(ERROR_TABLE) },
        message: { type: 'string' },
        details: { type: 'array', items: object(['message'], { message: { type: 'string' }, path: { type: 'string' }, line: { type: 'integer' }, column: { type: 'integer' } }) },
      }),
    }),
    JourneyError: object(['error', 'journey'], { error: { $ref: `${COMPONENTS}Error/properties/error` }, journey: ref('JourneyStatus') }, {
      description: 'A step that failed but moved the journey (a declined payment): the error, and the journey as it is now.',
    }),
    PaymentError: {
      description: 'A failure of a payment: before the journey moved (a refused card), the error alone; after it (a decline, a failed hold), the error and the journey in Payment_Retry or Journey_Abandoned.',
      oneOf: [ref('Error'), ref('JourneyError')],
    },
    Transition: object(['from', 'to', 'channel', 'at'], {
      from: STATE, to: STATE, channel: CHANNEL, at: { type: 'string', format: 'date-time' }, reason: { type: 'string', enum: [...ABANDON_REASONS] },
    }),
    PricedOffer: object(['offerId', 'total', 'currency', 'priceChanged'], {
      offerId: { type: 'string' }, total: { type: 'number' }, currency: { type: 'string' }, priceChanged: { type: 'boolean', description: 'The price differs from the shopped one.' },
    }),
    JourneyStatus: object(['journeyId', 'state', 'channel', 'createdAt', 'updatedAt', 'allowedNext', 'history', 'variants', 'paymentFailures'], {
      journeyId: { type: 'string' },
      state: STATE,
      channel: { ...CHANNEL, description: 'The channel of the last step.' },
      customerRef: { type: 'string' },
      createdAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
      allowedNext: { type: 'array', items: STATE },
      history: { type: 'array', items: ref('Transition'), description: 'Every transition, with the channel it came in on.' },
      variants: { type: 'object', additionalProperties: { type: 'string' }, description: 'Experiment id → variant.' },
      orderId: { type: 'string', description: 'The ONE Order id, once there is an order.' },
      bookingReference: { type: 'string' },
      selectedOfferId: { type: 'string' },
      priced: ref('PricedOffer'),
      paymentFailures: { type: 'integer', minimum: 0 },
    }),
    OfferSummary: object(['offerId', 'total', 'currency', 'stops', 'departure', 'arrival', 'carriers', 'cabin', 'flightNumbers', 'expiresAt'], {
      offerId: { type: 'string' }, total: { type: 'number' }, currency: { type: 'string' }, stops: { type: 'integer', minimum: 0 },
      departure: { type: 'string', description: 'Local time of the first flight.' }, arrival: { type: 'string', description: 'Local arrival of the outbound.' },
      carriers: { type: 'array', items: { type: 'string' } }, cabin: CABIN, flightNumbers: { type: 'array', items: { type: 'string' } }, expiresAt: { type: 'string' },
      owner: { type: 'string', description: 'The airline that owns the offer (OwnerCode).' },
    }),
    Filter: object([], {
      maxPrice: { type: 'number', minimum: 0 }, maxStops: { type: 'integer', minimum: 0 }, departureFrom: TIME, departureTo: TIME, cabin: CABIN,
      carriers: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^[A-Z0-9]{2}$' }, description: 'Offers flown only by these carriers.' },
    }),
    OfferPage: object(['offers', 'total'], {
      offers: { type: 'array', items: ref('OfferSummary') }, total: { type: 'integer', description: 'Offers passing the filter.' }, nextCursor: { type: 'string' },
    }),
    OfferList: object(['offers', 'total', 'filter', 'state'], {
      offers: { type: 'array', items: ref('OfferSummary') }, total: { type: 'integer' }, nextCursor: { type: 'string' }, filter: ref('Filter'), state: STATE,
    }),
    InitRequest: object(['channel'], { channel: CHANNEL, customerRef: { type: 'string', minLength: 1, maxLength: 128 } }),
    InitAnswer: object(['journeyId', 'resumeToken', 'state', 'journey'], {
      journeyId: { type: 'string' }, resumeToken: { type: 'string', description: 'Shown once: keep it to continue the journey, on any channel.' }, state: STATE, journey: ref('JourneyStatus'),
    }),
    SearchRequest: withStep(['origin', 'destination', 'date'], {
      origin: { type: 'string', pattern: '^[A-Z]{3}$' }, destination: { type: 'string', pattern: '^[A-Z]{3}$' },
      date: { type: 'string', format: 'date' }, returnDate: { type: 'string', format: 'date' }, cabin: CABIN,
      currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217 code to price the offers in; amounts have its decimals (JPY 0, EUR 2, KWD 3). Default: the gateway currency.' },
      passengers: object([], { adults: { type: 'integer', minimum: 1 }, children: { type: 'integer', minimum: 0 }, infants: { type: 'integer', minimum: 0 } }, { description: 'Default: one adult. At most 9, no more infants than adults.' }),
    }, 'A search through offer.shop. Journey_Init → Shopping; in Shopping it replaces the offers.'),
    SearchAnswer: object(['journey', 'page'], { journey: ref('JourneyStatus'), page: ref('OfferPage') }),
    FilterRequest: withStep([], {
      maxPrice: { type: 'number', minimum: 0 }, maxStops: { type: 'integer', minimum: 0 }, departureFrom: TIME, departureTo: TIME, cabin: CABIN,
      carriers: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^[A-Z0-9]{2}$' } },
    }, 'Filters and preferences for the offers of a journey in Shopping; replaces the previous filter. No transition.'),
    BookingStartRequest: withStep(['offerId'], { offerId: { type: 'string' } }, 'Selects one of the journey\'s offers and prices it through offer.price.'),
    BookingStartAnswer: object(['journey', 'priced'], { journey: ref('JourneyStatus'), priced: ref('PricedOffer') }),
    CustomerRequest: withStep(['passengers', 'contact'], {
      passengers: {
        type: 'array', description: 'In the order of the search: adults, then children, then infants.',
        items: object(['givenName', 'surname'], {
          paxId: { type: 'string' }, givenName: { type: 'string' }, surname: { type: 'string' },
          birthdate: { type: 'string', format: 'date', description: 'Required for children (2-11 on the travel date) and infants (under 2).' },
          gender: { type: 'string', enum: ['MALE', 'FEMALE', 'UNDISCLOSED'] }, title: { type: 'string' },
        }),
      },
      contact: object(['email', 'phone'], {
        email: { type: 'string', format: 'email' },
        phone: object(['number'], { countryDialingCode: { type: 'string' }, number: { type: 'string' } }),
      }),
    }, 'Passengers and contact. Booking_Start → Customer_Data; in Customer_Data it replaces them.'),
    JourneyAnswer: object(['journey'], { journey: ref('JourneyStatus') }),
    PaymentRequest: withStep(['card'], {
      card: object(['number', 'expiry', 'cvv', 'holderName'], {
        number: { type: 'string' }, expiry: { type: 'string', description: '`MM/YY` or `YYYY-MM`.' }, cvv: { type: 'string' }, holderName: { type: 'string' },
      }, { description: 'Exchanged for a token at the payment service before anything else happens; never stored.' }),
    }, 'Pays the journey: the order is created as a hold the first time, then paid.'),
    PaymentAnswer: object(['journey', 'orderId'], { journey: ref('JourneyStatus'), orderId: { type: 'string' } }),
    ConfirmRequest: withStep([], {}, 'Confirms a paid journey: checks the tickets of the order.'),
    ConfirmAnswer: object(['journey', 'orderId', 'bookingReference', 'tickets'], {
      journey: ref('JourneyStatus'), orderId: { type: 'string', description: 'The ONE Order id.' }, bookingReference: { type: 'string' },
      tickets: { type: 'array', items: object(['paxId', 'number'], { paxId: { type: 'string' }, number: { type: 'string', pattern: '^\\d{13}$' } }) },
    }),
  };
}

/** Builds the document once, at start-up. */
export function buildJourneyOpenApi(): JsonObject {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Journey API', version: '1.0.0',
      description: 'One stateful journey from search to ticket, on any channel, over the same commands as NDC. Every step after init names the journey and carries its resume token. See docs/journeys.md.',
    },
    servers: [{ url: '/api/v1/journey' }],
    security: [{ bearerAuth: [] }, { apiKey: [] }],
    paths: {
      '/shopping/init': {
        post: {
          operationId: 'startJourney', summary: 'Start a journey', tags: ['Journey'],
          description: 'Opens a journey in Journey_Init on a channel and assigns its experiment variants. The resume token is shown only here.',
          requestBody: { required: true, content: json(ref('InitRequest')) },
          responses: { ...COMMON_FAILURES, 201: answer('The journey.', 'InitAnswer') },
        },
      },
      '/shopping/search': step('searchOffers', 'Search offers', 'offer.shop (needs AirShoppingRQ). Journey_Init → Shopping.', 'SearchRequest', 'SearchAnswer', {
        410: failure('OFFER_EXPIRED or OFFER_NOT_FOUND.'), 422: failure('UNKNOWN_LOCATION, NO_AVAILABILITY or INVALID_BUSINESS_DATA.'),
      }),
      '/shopping/filter': step('filterOffers', 'Filter the offers', 'No transition; the journey must be in Shopping.', 'FilterRequest', 'SearchAnswer', {}, 'put'),
      '/shopping/offers': {
        get: {
          operationId: 'listOffers', summary: 'The filtered offers, cheapest first', tags: ['Journey'],
          description: 'Sorted by price, then departure. Pages of `limit` (default 20, at most 100); pass `nextCursor` back as `cursor`.',
          parameters: [
            { name: 'journeyId', in: 'query', required: true, schema: { type: 'string' } },
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100 } },
            { name: 'cursor', in: 'query', required: false, schema: { type: 'string' } },
            TOKEN_HEADER,
          ],
          responses: { ...COMMON_FAILURES, 200: answer('A page of offers.', 'OfferList') },
        },
      },
      '/booking/start': step('startBooking', 'Select and price an offer', 'offer.price (needs OfferPriceRQ). Shopping → Offer_Selection → Booking_Start; a pricing failure leaves the journey in Offer_Selection.', 'BookingStartRequest', 'BookingStartAnswer', {
        409: failure('JOURNEY_TRANSITION_NOT_ALLOWED, JOURNEY_CONFLICT, OFFER_PRICE_CHANGED or NO_AVAILABILITY.'), 410: failure('OFFER_NOT_FOUND (not an offer of this journey) or OFFER_EXPIRED.'),
      }),
      '/booking/customer': step('setCustomer', 'Passengers and contact', 'Booking_Start → Customer_Data.', 'CustomerRequest', 'JourneyAnswer', {
        422: failure('INVALID_BUSINESS_DATA: every problem with its path; the journey does not move.'),
      }, 'put'),
      '/booking/payment': paymentStep('pay', 'Pay', 'Needs OrderCreateRQ. Customer_Data or Payment_Retry → Payment_Process → Order_Confirmation. A decline → Payment_Failed → Payment_Retry (402 with the journey); at the maximum of attempts → Journey_Abandoned and the held seats are released.', 'PaymentRequest', 'PaymentAnswer', {
        402: failure('PAYMENT_DECLINED: the journey awaits another payment, or is abandoned after the last attempt (see journey.state).', 'JourneyError'),
        409: failure('JOURNEY_TRANSITION_NOT_ALLOWED or JOURNEY_CONFLICT (nothing moved), or a failure of the held order (OFFER_PRICE_CHANGED, NO_AVAILABILITY) with the journey.', 'PaymentError'),
        410: failure('OFFER_EXPIRED or OFFER_NOT_FOUND when the order is held, with the journey.', 'PaymentError'),
        422: failure('INVALID_BUSINESS_DATA: the payment service refused the card (nothing moved), or the order was refused (with the journey).', 'PaymentError'),
      }),
      '/booking/confirm': step('confirm', 'Confirm and ticket', 'Needs OrderCreateRQ. Order_Confirmation → Ticket_Generation → Journey_Complete once every passenger has a ticket.', 'ConfirmRequest', 'ConfirmAnswer'),
      '/status/{journeyId}': {
        get: {
          operationId: 'getJourney', summary: 'State and history', tags: ['Journey'],
          parameters: [{ name: 'journeyId', in: 'path', required: true, schema: { type: 'string' } }, TOKEN_HEADER],
          responses: { ...COMMON_FAILURES, 200: answer('The journey.', 'JourneyStatus') },
        },
      },
      '/{journeyId}': {
        delete: {
          operationId: 'cancelJourney', summary: 'Cancel the journey', tags: ['Journey'],
          description: '→ Journey_Abandoned, from Shopping, Offer_Selection, Booking_Start, Customer_Data or Payment_Retry; a held unpaid order is released.',
          parameters: [
            { name: 'journeyId', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'reason', in: 'query', required: false, schema: { type: 'string', enum: ['exit', 'no_selection', 'form_abandonment', 'validation_failure'], default: 'exit' } },
            TOKEN_HEADER, CHANNEL_HEADER,
          ],
          responses: { ...COMMON_FAILURES, 200: answer('The abandoned journey.', 'JourneyAnswer') },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'getOpenApi', summary: 'This document', tags: ['Journey'], security: [],
          responses: { 200: { description: 'The OpenAPI 3.1 document.', content: json({ type: 'object' }) } },
        },
      },
    },
    components: {
      schemas: schemas(),
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <API key>' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
  };
}
