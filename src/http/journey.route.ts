import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { checkMessagePermission, type ApiClient } from '../auth/index.ts';
import { GatewayError, toGatewayError } from '../errors/index.ts';
import { JOURNEY_VERSION } from '../journeys/journey-command-runner.ts';
import { parseCard, parseChannel, parseInit, parseJourneyRef, parseOfferId, parsePaging, parseReason, parseSearch, refuseUnknown } from '../journeys/journey-request.ts';
import { JourneyStepError, type JourneyRef, type JourneyService, type StepContext } from '../journeys/journey-service.ts';
import { parseOfferFilter } from '../journeys/offer-filter.ts';
import type { PipelineDeps } from '../pipeline/ndc-pipeline.ts';
import { buildJourneyOpenApi } from './journey-openapi.ts';
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

/** Wraps a route: failures become JSON errors (a step that moved the journey on failure says where it is now); the outcome is counted and logged. */
function answer(deps: PipelineDeps, operation: string, work: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return async (req, res) => {
    const started = performance.now();
    let outcome = 'ok';
    try {
      await work(req, res);
    } catch (thrown) {
      if (thrown instanceof JourneyStepError) {
        outcome = thrown.error.code;
        res.status(restStatusOf(thrown.error.code)).json({ error: thrown.error.toJSON(), journey: thrown.journey });
      } else {
        const error = toGatewayError(thrown);
        outcome = error.code;
        if (error.definition.kind === 'internal') req.log.error({ code: error.code, err: error.cause ?? error }, 'journey request failed');
        sendJsonError(res, error);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    deps.metrics.observeRequest({ message: `journey.${operation}`, version: JOURNEY_VERSION, outcome }, seconds);
    req.log.info({ operation, outcome, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'journey request');
  };
}

/** `/api/v1/journey`: shopping, booking, status, cancel, and the OpenAPI document. */
export function createJourneyRouter({ deps, journeys, authenticate: auth }: JourneyRouteDeps): Router {
  const router = express.Router();
  const limit = deps.config.bodyLimitBytes;
  const json = [acceptJson, express.json({ limit, type: () => true, strict: false })];
  const authenticate = withJsonRefusal(auth);
  const openApi = buildJourneyOpenApi();

  router.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });

  router.post('/shopping/init', authenticate, ...json, answer(deps, 'init', async (req, res) => {
    const input = parseInit(bodyObject(req));
    const started = await journeys.start({ client: clientOf(req), logger: req.log, ...input });
    res.status(201).json({ journeyId: started.journeyId, resumeToken: started.resumeToken, state: started.journey.state, journey: started.journey });
  }));

  router.post('/shopping/search', authenticate, ...json, answer(deps, 'search', async (req, res) => {
    const body = bodyObject(req);
    const criteria = parseSearch(body);
    res.json(await journeys.search(contextOf(req, body), refOf(req, body, body.journeyId), criteria));
  }));

  router.put('/shopping/filter', authenticate, ...json, answer(deps, 'filter', async (req, res) => {
    const body = bodyObject(req);
    const { journeyId, resumeToken: _token, channel: _channel, ...filter } = body;
    const ref = refOf(req, body, journeyId);
    res.json(await journeys.setFilter(contextOf(req, body), ref, parseOfferFilter(filter)));
  }));

  router.get('/shopping/offers', authenticate, answer(deps, 'offers', async (req, res) => {
    const ref = refOf(req, undefined, req.query.journeyId);
    const { limit: size, cursor } = parsePaging(req.query.limit, req.query.cursor);
    res.json(await journeys.listOffers(clientOf(req), ref, size, cursor));
  }));

  router.post('/booking/start', authenticate, ...json, answer(deps, 'booking-start', async (req, res) => {
    const body = bodyObject(req);
    const offerId = parseOfferId(body);
    res.json(await journeys.startBooking(contextOf(req, body), refOf(req, body, body.journeyId), offerId));
  }));

  router.put('/booking/customer', authenticate, ...json, answer(deps, 'customer', async (req, res) => {
    const body = bodyObject(req);
    refuseUnknown(body, ['passengers', 'contact']);
    res.json(await journeys.setCustomer(contextOf(req, body), refOf(req, body, body.journeyId), body));
  }));

  router.post('/booking/payment', authenticate, ...json, answer(deps, 'payment', async (req, res) => {
    const body = bodyObject(req);
    const context = contextOf(req, body);
    checkMessagePermission(context.client, 'OrderCreateRQ');
    const ref = refOf(req, body, body.journeyId);
    res.json(await journeys.pay(context, ref, parseCard(body)));
  }));

  router.post('/booking/confirm', authenticate, ...json, answer(deps, 'confirm', async (req, res) => {
    const body = bodyObject(req);
    refuseUnknown(body, []);
    const context = contextOf(req, body);
    checkMessagePermission(context.client, 'OrderCreateRQ');
    res.json(await journeys.confirm(context, refOf(req, body, body.journeyId)));
  }));

  router.get('/status/:journeyId', authenticate, answer(deps, 'status', async (req, res) => {
    res.json(await journeys.status(refOf(req, undefined, req.params.journeyId), clientOf(req)));
  }));

  router.delete('/:journeyId', authenticate, answer(deps, 'cancel', async (req, res) => {
    const reason = parseReason(req.query.reason);
    res.json(await journeys.cancel(contextOf(req), refOf(req, undefined, req.params.journeyId), reason));
  }));

  router.use(bodyErrors(limit));
  router.use((req: Request, res: Response) => {
    sendJsonError(res, new GatewayError('NOT_FOUND', `No route for ${req.method} ${req.baseUrl}${req.path}`, [{ message: 'unknown route', path: req.path }]));
  });
  return router;
}
