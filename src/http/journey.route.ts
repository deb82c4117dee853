import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { checkMessagePermission, type ApiClient } from '../auth/index.ts';
import { GatewayError } from '../errors/index.ts';
import { JOURNEY_VERSION } from '../journeys/journey-command-runner.ts';
import { parseCard, parseChannel, parseInit, parseJourneyRef, parseOfferId, parsePaging, parseReason, parseSearch, refuseUnknown } from '../journeys/journey-request.ts';
import { JourneyStepError, type JourneyRef, type JourneyService, type StepContext } from '../journeys/journey-service.ts';
import { parseOfferFilter } from '../journeys/offer-filter.ts';
import type { PipelineDeps } from '../pipeline/ndc-pipeline.ts';
import { buildJourneyOpenApi } from './journey-openapi.ts';
import { answerJson, type JsonApi } from './json-answer.ts';
import { acceptJson, bodyErrors, restStatusOf, sendJsonError, withJsonRefusal } from './one-order.route.ts';

/**
 * The journey API under `/api/v1/journey`: a web shop, an app or an agent desktop runs a booking
 * from search to ticket as one stateful journey. Routes only read the request and chain stages;
 * the state machine and the commands are the journey service's.
 */

export interface JourneyRouteDeps {
  readonly deps: PipelineDeps;
  readonly journeys: JourneyService;
  /** The API-key authentication of the NDC routes. */
  readonly authenticate: RequestHandler;
}

const TOKEN_HEADER = 'journey-resume-token';
const CHANNEL_HEADER = 'journey-channel';

function clientOf(req: Request): ApiClient {
  if (!req.client) throw new GatewayError('AUTH_REQUIRED');
  return req.client;
}

function bodyObject(req: Request): Record<string, unknown> {
  if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
    throw new GatewayError('INVALID_COMMAND', 'The body must be a JSON object', [{ message: 'not a JSON object', path: '/' }]);
  }
  return req.body as Record<string, unknown>;
}

/** The step's caller and channel: `channel` in the body, else the Journey-Channel header. */
function contextOf(req: Request, body: Record<string, unknown> = {}): StepContext {
  const channel = parseChannel(body.channel ?? req.get(CHANNEL_HEADER), body.channel !== undefined ? '/channel' : 'Journey-Channel');
  return { client: clientOf(req), correlationId: req.correlationId, logger: req.log, ...(channel ? { channel } : {}) };
}

/** A step's journey: from the body (POST, PUT) or the query and path (GET, DELETE); the token from the body or the header. */
function refOf(req: Request, body: Record<string, unknown> | undefined, journeyId: unknown): JourneyRef {
  return parseJourneyRef(journeyId, body?.resumeToken ?? req.get(TOKEN_HEADER));
}

/** A step that moved the journey before it failed answers the error with where the journey is now. */
function sendStepFailure(thrown: unknown, res: Response): GatewayError | undefined {
  if (!(thrown instanceof JourneyStepError)) return undefined;
  res.status(restStatusOf(thrown.error.code)).json({ error: thrown.error.toJSON(), journey: thrown.journey });
  return thrown.error;
}

/** `/api/v1/journey`: shopping, booking, status, cancel, and the OpenAPI document. */
export function createJourneyRouter({ deps, journeys, authenticate: auth }: JourneyRouteDeps): Router {
  const router = express.Router();
  const api: JsonApi = { metrics: deps.metrics, name: 'journey', version: JOURNEY_VERSION, sendError: sendJsonError, sendFailure: sendStepFailure };
  const limit = deps.config.bodyLimitBytes;
  const json = [acceptJson, express.json({ limit, type: () => true, strict: false })];
  const authenticate = withJsonRefusal(auth);
  const openApi = buildJourneyOpenApi();

  router.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });

  router.post('/shopping/init', authenticate, ...json, answerJson(api, 'init', async (req, res) => {
    const input = parseInit(bodyObject(req));
    const started = await journeys.start({ client: clientOf(req), logger: req.log, ...input });
    res.status(201).json({ journeyId: started.journeyId, resumeToken: started.resumeToken, state: started.journey.state, journey: started.journey });
  }));

  router.post('/shopping/search', authenticate, ...json, answerJson(api, 'search', async (req, res) => {
    const body = bodyObject(req);
    const criteria = parseSearch(body);
    res.json(await journeys.search(contextOf(req, body), refOf(req, body, body.journeyId), criteria));
  }));

  router.put('/shopping/filter', authenticate, ...json, answerJson(api, 'filter', async (req, res) => {
    const body = bodyObject(req);
    const { journeyId, resumeToken: _token, channel: _channel, ...filter } = body;
    const ref = refOf(req, body, journeyId);
    res.json(await journeys.setFilter(contextOf(req, body), ref, parseOfferFilter(filter)));
  }));

  router.get('/shopping/offers', authenticate, answerJson(api, 'offers', async (req, res) => {
    const ref = refOf(req, undefined, req.query.journeyId);
    const { limit: size, cursor } = parsePaging(req.query.limit, req.query.cursor);
    res.json(await journeys.listOffers(clientOf(req), ref, size, cursor));
  }));

  router.post('/booking/start', authenticate, ...json, answerJson(api, 'booking-start', async (req, res) => {
    const body = bodyObject(req);
    const offerId = parseOfferId(body);
    res.json(await journeys.startBooking(contextOf(req, body), refOf(req, body, body.journeyId), offerId));
  }));

  router.put('/booking/customer', authenticate, ...json, answerJson(api, 'customer', async (req, res) => {
    const body = bodyObject(req);
    refuseUnknown(body, ['passengers', 'contact']);
    res.json(await journeys.setCustomer(contextOf(req, body), refOf(req, body, body.journeyId), body));
  }));

  router.post('/booking/payment', authenticate, ...json, answerJson(api, 'payment', async (req, res) => {
    const body = bodyObject(req);
    const context = contextOf(req, body);
    checkMessagePermission(context.client, 'OrderCreateRQ');
    const ref = refOf(req, body, body.journeyId);
    res.json(await journeys.pay(context, ref, parseCard(body)));
  }));

  router.post('/booking/confirm', authenticate, ...json, answerJson(api, 'confirm', async (req, res) => {
    const body = bodyObject(req);
    refuseUnknown(body, []);
    const context = contextOf(req, body);
    checkMessagePermission(context.client, 'OrderCreateRQ');
    res.json(await journeys.confirm(context, refOf(req, body, body.journeyId)));
  }));

  router.get('/status/:journeyId', authenticate, answerJson(api, 'status', async (req, res) => {
    res.json(await journeys.status(refOf(req, undefined, req.params.journeyId), clientOf(req)));
  }));

  router.delete('/:journeyId', authenticate, answerJson(api, 'cancel', async (req, res) => {
    const reason = parseReason(req.query.reason);
    res.json(await journeys.cancel(contextOf(req), refOf(req, undefined, req.params.journeyId), reason));
  }));

  router.use(bodyErrors(limit));
  router.use((req: Request, res: Response) => {
    sendJsonError(res, new GatewayError('NOT_FOUND', `No route for ${req.method} ${req.baseUrl}${req.path}`, [{ message: 'unknown route', path: req.path }]));
  });
  return router;
}
