import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { parseAnalyticsFilter } from '../analytics/analytics-filter.ts';
import { queryConversion, queryFunnel, queryPerformance } from '../analytics/analytics-queries.ts';
import { checkNewExperiment, type ExperimentRegistry } from '../analytics/experiment-registry.ts';
import type { AnalyticsSql } from '../analytics/journey-event-recorder.ts';
import { clientOfCredentials } from './client-auth.ts';
import type { ClientRegistry } from '../auth/index.ts';
import { GatewayError } from '../errors/index.ts';
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts';
import { buildAnalyticsOpenApi, type OpenApiExtension } from './analytics-openapi.ts';
import { answerJson, type JsonApi } from './json-answer.ts';
import { acceptJson, bodyErrors, sendJsonError } from './one-order.route.ts';

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

/**
 * `/api/v1/analytics`: the funnel, performance and conversion reports, the experiments, and the
 * OpenAPI document; `extensions` add routes behind the same authentication.
 */
export function createAnalyticsRouter(deps: AnalyticsRouteDeps): Router {
  const { sql, experiments, metrics } = deps;
  const router = express.Router();
  const api: JsonApi = { metrics, name: 'analytics', version: 'rest', sendError: sendJsonError };
  const limit = deps.bodyLimitBytes ?? 65_536;
  const openApi = buildAnalyticsOpenApi(deps.extensions ?? []);

  router.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  router.use(requireAnalytics(deps.clients));

  router.get('/journey/funnel', answerJson(api, 'funnel', async (req, res) => {
    res.json(await queryFunnel(await sql(), parseAnalyticsFilter(req.query)));
  }));
  router.get('/journey/performance', answerJson(api, 'performance', async (req, res) => {
    res.json(await queryPerformance(await sql(), parseAnalyticsFilter(req.query)));
  }));
  router.get('/conversion/rate', answerJson(api, 'conversion', async (req, res) => {
    res.json(await queryConversion(await sql(), parseAnalyticsFilter(req.query)));
  }));

  router.get('/experiments', answerJson(api, 'experiments.list', async (req, res) => {
    const { status, ...rest } = req.query;
    const unknown = Object.keys(rest)[0];
    if (unknown !== undefined) throw new GatewayError('INVALID_COMMAND', `Query parameter ${unknown}: unknown parameter`, [{ message: 'the only filter is status', path: unknown }]);
    if (status !== undefined && status !== 'running' && status !== 'stopped') {
      throw new GatewayError('INVALID_COMMAND', 'Query parameter status: running or stopped', [{ message: 'running or stopped', path: 'status' }]);
    }
    const all = status === 'running' ? await experiments.running() : await experiments.list();
    res.json({ experiments: status === 'stopped' ? all.filter((e) => e.status === 'stopped') : all });
  }));
  router.post('/experiments', acceptJson, express.json({ limit, type: () => true, strict: false }), answerJson(api, 'experiments.start', async (req, res) => {
    const experiment = await experiments.create(checkNewExperiment(req.body));
    req.log.info({ experimentId: experiment.id, variants: experiment.variants }, 'experiment started');
    res.status(201).setHeader('Location', `${req.baseUrl}/experiments/${encodeURIComponent(experiment.id)}`);
    res.json(experiment);
  }));
  router.get('/experiments/:id', answerJson(api, 'experiments.results', async (req, res) => {
    res.json(await experiments.results(String(req.params.id)));
  }));
  router.post('/experiments/:id/stop', answerJson(api, 'experiments.stop', async (req, res) => {
    const experiment = await experiments.stop(String(req.params.id));
    req.log.info({ experimentId: experiment.id }, 'experiment stopped');
    res.json(experiment);
  }));

  for (const extension of deps.extensions ?? []) router.use(extension.mountPath, extension.router);

  router.use(bodyErrors(limit));
  router.use((req: Request, res: Response) => {
    sendJsonError(res, new GatewayError('NOT_FOUND', `No route for ${req.method} ${req.baseUrl}${req.path}`, [{ message: 'unknown route', path: req.path }]));
  });
  return router;
}
