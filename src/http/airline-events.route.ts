import express, { type Request, type RequestHandler, type Router } from 'express';
import { checkCommandAirline, checkMessagePermission, type ApiClient } from '../auth/index.ts';
import { GatewayError } from '../errors/index.ts';
import type { PipelineDeps } from '../pipeline/ndc-pipeline.ts';
import { runCommand } from '../pipeline/run-command.ts';
import { answerJson, type JsonApi } from './json-answer.ts';
import { acceptJson, bodyErrors, sendJsonError, withJsonRefusal } from './one-order.route.ts';

/**
 * `POST /api/v1/airline/events`: an airline tells the gateway of a change it made to flights
 * (new times, a cancellation, another aircraft) and the orders it hits, as JSON: the body is the
 * `order.airline-change` command (schemas/commands/order.airline-change.json). It runs through the
 * stages of an NDC message: the client's permission for OrderChangeNotifRQ (the NDC message it
 * stands for) and for the airline it names (CLIENTS_FILE `airlines`), the command schema, the
 * queue and the order handler. The answer is the command's result: what became of each order.
 */

/** The NDC message whose permission the route needs. */
export const AIRLINE_EVENT_MESSAGE = 'OrderChangeNotifRQ';

/** Stands in for the NDC version in command meta, logs and metrics. */
const AIRLINE_EVENTS_VERSION = 'airline-events';

export interface AirlineEventsRouteDeps {
  readonly deps: PipelineDeps;
  /** The API-key authentication of the NDC routes. */
  readonly authenticate: RequestHandler;
}

function clientOf(req: Request): ApiClient {
  if (!req.client) throw new GatewayError('AUTH_REQUIRED');
  return req.client;
}

export function createAirlineEventsRouter({ deps, authenticate }: AirlineEventsRouteDeps): Router {
  const api: JsonApi = { metrics: deps.metrics, name: 'airline-events', version: AIRLINE_EVENTS_VERSION, sendError: sendJsonError };
  const router = express.Router();
  const limit = deps.config.bodyLimitBytes;

  router.post('/', withJsonRefusal(authenticate), acceptJson, express.json({ limit, type: () => true, strict: false }), answerJson(api, 'change', async (req, res) => {
    const client = clientOf(req);
    checkMessagePermission(client, AIRLINE_EVENT_MESSAGE);
    const body: unknown = req.body;
    checkCommandAirline(client, 'order.airline-change', body);
    const result = await runCommand(deps, { client, clientId: client.id, correlationId: req.correlationId, logger: req.log }, AIRLINE_EVENTS_VERSION, 'order.airline-change', AIRLINE_EVENT_MESSAGE, body);
    res.status(200).json(result);
  }));

  router.use(bodyErrors(limit));
  router.use((req, res) => {
    sendJsonError(res, new GatewayError('NOT_FOUND', `No route for ${req.method} ${req.baseUrl}${req.path}`, [{ message: 'unknown route', path: req.path }]));
  });
  return router;
}
