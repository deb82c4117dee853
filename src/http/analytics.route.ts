import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { parseAnalyticsFilter } from '../analytics/analytics-filter.ts';
import { queryConversion, queryFunnel, queryPerformance } from '../analytics/analytics-queries.ts';
import { checkNewExperiment, type ExperimentRegistry } from '../analytics/experiment-registry.ts';
import type { AnalyticsSql } from '../analytics/journey-event-recorder.ts';
import { clientOfCredentials } from './client-auth.ts';
import type { ClientRegistry } from '../auth/index.ts';
import { GatewayError, toGatewayError } from '../errors/index.ts';
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts';
import { buildAnalyticsOpenApi, type OpenApiExtension } from './analytics-openapi.ts';
import { sendJsonError } from './one-order.route.ts';

/** A route another part mounts inside the analytics API, behind its authentication (e.g. the outcome prediction). */
export interface AnalyticsExtension extends OpenApiExtension {
  /** Where the router is mounted, under `/api/v1/analytics` (e.g. `/journey/prediction`). */
  readonly mountPath: string;
  readonly router: Router;
}

export interface AnalyticsRouteDeps {
  /** The order store's database, where the analytics tables are. */
  readonly sql: AnalyticsSql;
  readonly experiments: ExperimentRegistry;
  readonly clients: ClientRegistry;
  readonly metrics: Pick<GatewayMetrics, 'observeRequest'>;
  /** @defaultValue 65536 */
  readonly bodyLimitBytes?: number;
  readonly extensions?: readonly AnalyticsExtension[];
}

/**
 * Only clients declared with `"analytics": true` (the demo client has it): the reports show every
 * client's journeys. Refusals are this API's JSON errors, 401 without a valid key, 403 without
 * the permission.
 */
function requireAnalytics(clients: ClientRegistry): RequestHandler {
  return (req, res, next) => {
    const client = clientOfCredentials(clients, req);
    if (!client) {
      const presented = req.get('authorization') !== undefined || req.get('x-api-key') !== undefined;
      res.setHeader('WWW-Authenticate', presented ? 'Bearer realm="ndc-gateway", error="invalid_token"' : 'Bearer realm="ndc-gateway"');
      sendJsonError(res, new GatewayError('AUTH_REQUIRED', presented ? 'The API key is not valid' : 'The request carries no API key', [
        { message: 'Send the key as Authorization: Bearer <key> or X-API-Key: <key>' },
      ]));
      return;
    }
    req.client = client;
    req.log = req.log.child({ clientId: client.id });
    if (!client.analytics) {
      req.log.info({ path: req.path, permission: 'analytics' }, 'request refused: client lacks the permission');
      sendJsonError(res, new GatewayError('MESSAGE_NOT_ALLOWED', `Client ${client.id} may not use the analytics routes`, [
        { message: 'Declare the client with "analytics": true in CLIENTS_FILE', path: req.path },
      ]));
      return;
    }
    next();
  };
}

/** JSON bodies only, as on the ONE Order API; body-parser failures as JSON errors that never quote the body. */
function jsonBody(limit: number): RequestHandler[] {
  const accept: RequestHandler = (req, res, next) => {
    const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') {
      sendJsonError(res, new GatewayError('UNSUPPORTED_MEDIA_TYPE', `Content-Type ${req.get('content-type') ?? '(none)'} is not accepted: send application/json`));
      return;
    }
    next();
  };
  return [accept, express.json({ limit, type: () => true, strict: false })];
}

/** Wraps a route's work: any failure becomes a JSON error; the outcome is logged and counted like the other REST operations. */
export function answerJson(metrics: Pick<GatewayMetrics, 'observeRequest'>, operation: string, work: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return async (req, res) => {
    const started = performance.now();
    let outcome = 'ok';
    try {
      await work(req, res);
    } catch (thrown) {
      const error = toGatewayError(thrown);
      outcome = error.code;
      if (error.definition.kind === 'internal') req.log.error({ code: error.code, err: error.cause ?? error }, 'analytics request failed');
      sendJsonError(res, error);
    }
    const seconds = (performance.now() - started) / 1000;
    metrics.observeRequest({ message: `analytics.${operation}`, version: 'rest', outcome }, seconds);
    req.log.info({ operation, outcome, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'analytics request');
  };
}

/**
 * `/api/v1/analytics`: the funnel, performance and conversion reports, the experiments, and the
 * OpenAPI document; `extensions` add routes behind the same authentication.
 */
export function createAnalyticsRouter(deps: AnalyticsRouteDeps): Router {
  const { sql, experiments, metrics } = deps;
  const router = express.Router();
  const limit = deps.bodyLimitBytes ?? 65_536;
  const openApi = buildAnalyticsOpenApi(deps.extensions ?? []);

  router.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  router.use(requireAnalytics(deps.clients));

  router.get('/journey/funnel', answerJson(metrics, 'funnel', async (req, res) => {
    res.json(await queryFunnel(await sql(), parseAnalyticsFilter(req.query)));
  }));
  router.get('/journey/performance', answerJson(metrics, 'performance', async (req, res) => {
    res.json(await queryPerformance(await sql(), parseAnalyticsFilter(req.query)));
  }));
  router.get('/conversion/rate', answerJson(metrics, 'conversion', async (req, res) => {
    res.json(await queryConversion(await sql(), parseAnalyticsFilter(req.query)));
  }));

  router.get('/experiments', answerJson(metrics, 'experiments.list', async (_req, res) => {
    res.json({ experiments: await experiments.list() });
  }));
  router.post('/experiments', ...jsonBody(limit), answerJson(metrics, 'experiments.start', async (req, res) => {
    const experiment = await experiments.create(checkNewExperiment(req.body));
    req.log.info({ experimentId: experiment.id, variants: experiment.variants }, 'experiment started');
    res.status(201).setHeader('Location', `${req.baseUrl}/experiments/${encodeURIComponent(experiment.id)}`);
    res.json(experiment);
  }));
  router.get('/experiments/:id', answerJson(metrics, 'experiments.results', async (req, res) => {
    res.json(await experiments.results(String(req.params.id)));
  }));
  router.post('/experiments/:id/stop', answerJson(metrics, 'experiments.stop', async (req, res) => {
    const experiment = await experiments.stop(String(req.params.id));
    req.log.info({ experimentId: experiment.id }, 'experiment stopped');
    res.json(experiment);
  }));

  for (const extension of deps.extensions ?? []) router.use(extension.mountPath, extension.router);

  router.use((error: unknown, _req: Request, res: Response, next: NextFunction): void => {
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
  });
  router.use((req: Request, res: Response) => {
    sendJsonError(res, new GatewayError('NOT_FOUND', `No route for ${req.method} ${req.baseUrl}${req.path}`, [{ message: 'unknown route', path: req.path }]));
  });
  return router;
}
