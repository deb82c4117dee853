import { NEW_EXPERIMENT_SCHEMA, EXPERIMENT_ID_PATTERN } from '../analytics/experiment-registry.ts';
import { ABANDON_REASONS, JOURNEY_CHANNELS, JOURNEY_STATES } from '../journeys/journey-states.ts';

type JsonObject = Record<string, unknown>;

const COMPONENTS = '#/components/schemas/';
const ref = (name: string): JsonObject => ({ $ref: `${COMPONENTS}${name}` });
const json = (schema: JsonObject): JsonObject => ({ 'application/json': { schema } });
const answer = (description: string, schema: string): JsonObject => ({ description, content: json(ref(schema)) });
const failure = (description: string): JsonObject => ({ description, content: json(ref('Error')) });

const FAILURES: JsonObject = {
  401: failure('AUTH_REQUIRED: no valid API key.'),
  403: failure('MESSAGE_NOT_ALLOWED: the client is not declared with "analytics": true.'),
  429: failure('RATE_LIMITED: over the client\'s limits.'),
  500: failure('INTERNAL_ERROR, e.g. the order store\'s database is not open yet.'),
  503: failure('GATEWAY_BUSY: too many requests in flight.'),
};

const FILTERS: JsonObject[] = [
  { name: 'from', in: 'query', description: 'Start of the window, ISO 8601 (a date-time without a zone is UTC). Default: 7 days before `to`.', schema: { type: 'string' } },
  { name: 'to', in: 'query', description: 'End of the window (excluded), ISO 8601. Default: now.', schema: { type: 'string' } },
  { name: 'channel', in: 'query', description: 'Only journeys started on this channel (performance: only events on it).', schema: { enum: [...JOURNEY_CHANNELS] } },
  { name: 'clientId', in: 'query', description: 'Only journeys of this API client.', schema: { type: 'string' } },
  { name: 'experiment', in: 'query', description: 'Only journeys assigned to this experiment.', schema: { type: 'string' } },
  { name: 'variant', in: 'query', description: 'With `experiment`: only journeys that saw this variant.', schema: { type: 'string' } },
];

const report = (operationId: string, summary: string, description: string, schema: string): JsonObject => ({
  get: {
    operationId, summary, description, tags: ['Analytics'], parameters: FILTERS,
    responses: { ...FAILURES, 200: answer('The report, with the window and filters it counted.', schema), 400: failure('INVALID_COMMAND: a bad query parameter, named in the details.') },
  },
});

const state = { enum: [...JOURNEY_STATES] };
const latency = (key: string, keySchema: JsonObject): JsonObject => ({
  type: 'object',
  required: [key, 'count', 'p50Ms', 'p95Ms', 'p99Ms', 'errorRate'],
  properties: {
    [key]: keySchema, count: { type: 'integer' }, p50Ms: { type: 'number' }, p95Ms: { type: 'number' }, p99Ms: { type: 'number' },
    errorRate: { type: 'number', description: 'Share of outcomes other than ok (NDC messages); 0 for steps.' },
  },
});
const experiment: JsonObject = {
  type: 'object',
  required: ['id', 'name', 'variants', 'status', 'startedAt'],
  properties: {
    id: { type: 'string', pattern: EXPERIMENT_ID_PATTERN }, name: { type: 'string' },
    variants: NEW_EXPERIMENT_SCHEMA.properties.variants, status: { enum: ['running', 'stopped'] },
    startedAt: { type: 'string', format: 'date-time' }, stoppedAt: { type: 'string', format: 'date-time' },
  },
};
const ID_PARAMETER = { name: 'id', in: 'path', required: true, description: 'The experiment id.', schema: { type: 'string', pattern: EXPERIMENT_ID_PATTERN } };

/** Paths and components another part adds to the document (the prediction route). */
export interface OpenApiExtension {
  readonly paths?: Readonly<Record<string, unknown>>;
  readonly schemas?: Readonly<Record<string, unknown>>;
}

/** The OpenAPI 3.1 description of the analytics API (`GET /api/v1/analytics/openapi.json`). */
export function buildAnalyticsOpenApi(extensions: readonly OpenApiExtension[] = []): JsonObject {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Journey analytics API',
      version: '1.0.0',
      description: 'The funnel, step and message latency, conversion, look-to-book and A/B experiments of the journeys of every channel (the JSON journey API and NDC sellers alike), computed with SQL from the journey events the gateway records. For clients declared with "analytics": true; they see every client\'s journeys. Errors are `{ error: { code, message, details } }`.',
    },
    servers: [{ url: '/api/v1/analytics' }],
    security: [{ bearerAuth: [] }, { apiKey: [] }],
    tags: [{ name: 'Analytics' }],
    paths: {
      '/journey/funnel': report('getFunnel', 'Journeys reaching each step, conversion and drop-off',
        'Journeys started in the window (and matching the filters): how many reached each state of the happy path, the conversion from each step to the next, and the abandoned ones by the state they left and the reason.', 'FunnelReport'),
      '/journey/performance': report('getPerformance', 'Step and NDC message latency',
        'p50, p95 and p99 (continuous percentiles) of the time spent in each state, and of each NDC message, over the events in the window; the error rate of each message.', 'PerformanceReport'),
      '/conversion/rate': report('getConversion', 'Conversion by day, channel and client; look-to-book per client',
        'Completed over started for the journeys started in the window, per UTC day of the start, starting channel and client; searches (AirShoppingRQ, offer.shop) per order, per client (null with no order).', 'ConversionReport'),
      '/experiments': {
        get: { operationId: 'listExperiments', summary: 'Every experiment, newest first', tags: ['Analytics'], responses: { ...FAILURES, 200: { description: 'The experiments.', content: json({ type: 'object', required: ['experiments'], properties: { experiments: { type: 'array', items: ref('Experiment') } } }) } } },
        post: {
          operationId: 'startExperiment', summary: 'Start an experiment', tags: ['Analytics'],
          description: 'New journeys are assigned one variant of every running experiment, deterministically from a hash of the experiment and journey id, in proportion to the weights (within about a second of the start). The first variant is the control.',
          requestBody: { required: true, content: json(ref('NewExperiment')) },
          responses: { ...FAILURES, 201: answer('The experiment, running.', 'Experiment'), 400: failure('INVALID_COMMAND: the body is not a valid experiment.'), 409: failure('EXPERIMENT_EXISTS: the id is taken.'), 415: failure('UNSUPPORTED_MEDIA_TYPE: send application/json.') },
        },
      },
      '/experiments/{id}': {
        get: {
          operationId: 'getExperimentResults', summary: 'Exposures, conversions and the statistics of each variant', tags: ['Analytics'], parameters: [ID_PARAMETER],
          description: 'Per variant: journeys started with it (exposures), those that completed (conversions), the rate; against the control: the relative lift, the 95% confidence interval of the difference of rates (unpooled Wald) and the pooled two-proportion z-test with its two-sided p-value.',
          responses: { ...FAILURES, 200: answer('The results.', 'ExperimentResults'), 404: failure('EXPERIMENT_NOT_FOUND.') },
        },
      },
      '/experiments/{id}/stop': {
        post: {
          operationId: 'stopExperiment', summary: 'Stop assigning an experiment to new journeys', tags: ['Analytics'], parameters: [ID_PARAMETER],
          description: 'Its results stay readable. Stopping a stopped experiment changes nothing.',
          responses: { ...FAILURES, 200: answer('The experiment, stopped.', 'Experiment'), 404: failure('EXPERIMENT_NOT_FOUND.') },
        },
      },
      '/openapi.json': {
        get: { operationId: 'getOpenApi', summary: 'This document', tags: ['Analytics'], security: [], responses: { 200: { description: 'The OpenAPI 3.1 document.', content: json({ type: 'object' }) } } },
      },
      ...Object.assign({}, ...extensions.map((e) => e.paths ?? {})),
    },
    components: {
      schemas: {
        Filter: {
          type: 'object', required: ['from', 'to'],
          properties: { from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' }, channel: { enum: [...JOURNEY_CHANNELS] }, clientId: { type: 'string' }, experiment: { type: 'string' }, variant: { type: 'string' } },
        },
        FunnelReport: {
          type: 'object', required: ['filter', 'steps', 'dropOff'],
          properties: {
            filter: ref('Filter'),
            steps: { type: 'array', items: { type: 'object', required: ['state', 'reached'], properties: { state, reached: { type: 'integer' }, conversionToNext: { type: 'number', description: 'reached(next) / reached(this); absent on the last step, 0 when none reached this one.' } } } },
            dropOff: { type: 'array', items: { type: 'object', required: ['state', 'reason', 'journeys'], properties: { state, reason: { enum: [...ABANDON_REASONS] }, journeys: { type: 'integer' } } } },
          },
        },
        PerformanceReport: {
          type: 'object', required: ['filter', 'steps', 'messages'],
          properties: { filter: ref('Filter'), steps: { type: 'array', items: latency('state', state) }, messages: { type: 'array', items: latency('message', { type: 'string' }) } },
        },
        ConversionReport: {
          type: 'object', required: ['filter', 'rates', 'lookToBook'],
          properties: {
            filter: ref('Filter'),
            rates: { type: 'array', items: { type: 'object', required: ['day', 'channel', 'clientId', 'started', 'completed', 'rate'], properties: { day: { type: 'string', format: 'date' }, channel: { enum: [...JOURNEY_CHANNELS] }, clientId: { type: 'string' }, started: { type: 'integer' }, completed: { type: 'integer' }, rate: { type: 'number' } } } },
            lookToBook: { type: 'array', items: { type: 'object', required: ['clientId', 'searches', 'orders', 'ratio'], properties: { clientId: { type: 'string' }, searches: { type: 'integer' }, orders: { type: 'integer' }, ratio: { type: ['number', 'null'] } } } },
          },
        },
        NewExperiment: NEW_EXPERIMENT_SCHEMA,
        Experiment: experiment,
        ExperimentResults: {
          type: 'object', required: ['experiment', 'variants'],
          properties: {
            experiment: ref('Experiment'),
            variants: {
              type: 'array',
              items: {
                type: 'object', required: ['name', 'exposures', 'conversions', 'rate'],
                properties: {
                  name: { type: 'string' }, exposures: { type: 'integer' }, conversions: { type: 'integer' }, rate: { type: 'number' },
                  lift: { type: 'number', description: 'Relative to the control; absent for the control and when the control converted none.' },
                  differenceCi95: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
                  zScore: { type: 'number' }, pValue: { type: 'number' },
                },
              },
            },
          },
        },
        Error: {
          type: 'object', required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message', 'details'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'array', items: { type: 'object', properties: { message: { type: 'string' }, path: { type: 'string' } } } } } } },
        },
        ...Object.assign({}, ...extensions.map((e) => e.schemas ?? {})),
      },
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <API key>' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
  };
}
