import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { ClientRegistry } from '../auth/index.ts';
import { GatewayError } from '../errors/index.ts';
import { createClientLimiter } from '../limits/client-limiter.ts';
import { runHealthChecks } from '../health/health-report.ts';
import type { Logger } from '../log/logger.ts';
import type { OrderStore } from '../orders/index.ts';
import type { PipelineDeps } from '../pipeline/ndc-pipeline.ts';
import { createAdminRouter, type AdminActions } from './admin.route.ts';
import { createAirlineEventsRouter } from './airline-events.route.ts';
import { createAnalyticsRouter, type AnalyticsRouteDeps } from './analytics.route.ts';
import { createInFlightCap, limitClients, type Refuse } from './admission.ts';
import { authenticateClient, clientOfCredentials, dropSocketAlias, requirePermission } from './client-auth.ts';
import { correlationId } from './correlation-id.ts';
import { createDashboardRouter } from './dashboard.route.ts';
import { createMonitoringRouter, type HealthCheck, type MonitoringAccess } from './monitoring.route.ts';
import { createJourneyRouter } from './journey.route.ts';
import type { JourneyService } from '../journeys/journey-service.ts';
import { createNdcRouter, type TrackNdcAnswer } from './ndc.route.ts';
import type { NotificationService } from '../notifications/index.ts';
import { createNotificationsRouter } from './notifications.route.ts';
import { createOneOrderRouter, sendJsonError } from './one-order.route.ts';
import { createErrorSender } from './send-error.ts';

export interface AppOptions {
  readonly deps: PipelineDeps;
  readonly logger: Logger;
  readonly healthChecks: Readonly<Record<string, HealthCheck>>;
  /** Who may call the NDC and admin routes. */
  readonly clients: ClientRegistry;
  /** Operator actions under /api/v1/admin; left out, those routes do not exist. */
  readonly admin?: AdminActions;
  /** The order store of the workers; left out, the ONE Order REST API under /api/v1/one-order does not exist. */
  readonly orders?: OrderStore;
  /** The journey service; left out, the journey API under /api/v1/journey does not exist. */
  readonly journeys?: JourneyService;
  /** Journey tracking of each NDC answer, waited for (briefly) before the answer is sent. */
  readonly trackNdcAnswer?: TrackNdcAnswer;
  /** The journey analytics tables and experiments; left out, the analytics API under /api/v1/analytics does not exist. */
  readonly analytics?: Pick<AnalyticsRouteDeps, 'sql' | 'experiments' | 'extensions'>;
  /** Notification delivery; left out, the deliveries API under /api/v1/notifications does not exist. */
  readonly notifications?: NotificationService;
}

/** The HTTP edge. Routes only chain stages; the work happens in the pipeline. */
export function createApp({ deps, logger, healthChecks, clients, admin, orders, journeys, trackNdcAnswer, analytics, notifications }: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(dropSocketAlias, correlationId(logger));
  const sendError = createErrorSender(deps);
  const authenticate = authenticateClient(clients, sendError);
  // The cap on requests in flight comes first, before the key is even looked at; per-client limits
  // (CLIENTS_FILE) right after the key. Both before a body is read. The REST API authenticates
  // inside its router, so there the client is read from the credentials here. Monitoring is not
  // capped: an orchestrator must still reach it when the gateway is busy.
  const capInFlight = createInFlightCap(deps.config.maxRequestsInFlight);
  const limiter = createClientLimiter();
  const refuseJson: Refuse = (_req, res, error) => sendJsonError(res, error);
  app.use('/api/v1/ndc', capInFlight(sendError), authenticate, limitClients(limiter, { clientOf: (req) => req.client, refuse: sendError }), createNdcRouter(deps, sendError, trackNdcAnswer));
  const limitRest = limitClients(limiter, { clientOf: (req) => clientOfCredentials(clients, req), refuse: refuseJson });
  if (orders) {
    app.use('/api/v1/one-order', capInFlight(refuseJson), limitRest, createOneOrderRouter({ deps, orders, authenticate, mayAdminister: (client) => client.admin }));
  }
  // Airlines tell of changes to their flights here (JSON); the same change as NDC goes to /api/v1/ndc.
  app.use('/api/v1/airline/events', capInFlight(refuseJson), limitRest, createAirlineEventsRouter({ deps, authenticate }));
  if (notifications) {
    app.use('/api/v1/notifications', capInFlight(refuseJson), limitRest, createNotificationsRouter({ notifications, metrics: deps.metrics, authenticate }));
  }
  if (journeys) app.use('/api/v1/journey', capInFlight(refuseJson), limitRest, createJourneyRouter({ deps, journeys, authenticate }));
  if (analytics) {
    const router = createAnalyticsRouter({ ...analytics, clients, metrics: deps.metrics, bodyLimitBytes: deps.config.bodyLimitBytes });
    app.use('/api/v1/analytics', capInFlight(refuseJson), limitRest, router);
  }
  const monitoring: MonitoringAccess = { showsDetails: (req) => req.client?.monitoring === true, requireMonitoring: requirePermission('monitoring', sendError) };
  app.use('/api/v1/monitoring', authenticateClient(clients, sendError, 'nobody'), createMonitoringRouter(() => runHealthChecks(healthChecks), deps.metrics, monitoring));
  // The page holds no data: it reads the analytics API in the browser, with the user's key.
  app.use('/dashboard', createDashboardRouter());
  if (admin) app.use('/api/v1/admin', capInFlight(sendError), authenticate, requirePermission('admin', sendError), createAdminRouter(admin));
  app.use((req: Request, res: Response) => {
    sendError(req, res, new GatewayError('NOT_FOUND', `No route for ${req.method} ${req.path}`, [{ message: 'unknown route', path: req.path }]));
  });
  // Body-parser errors (size, aborted uploads) and anything else that escaped a stage.
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: number; type?: string }).status;
    const type = (error as { type?: string }).type;
    let gatewayError: GatewayError;
    if (type === 'entity.too.large' || status === 413) {
      gatewayError = new GatewayError('BODY_TOO_LARGE', `The body is over the limit of ${deps.config.bodyLimitBytes} bytes`);
    } else if (status !== undefined && status >= 400 && status < 500) {
      gatewayError = new GatewayError('MALFORMED_XML', (error as Error).message);
    } else {
      gatewayError = new GatewayError('INTERNAL_ERROR', undefined, [], error);
      (req.log ?? logger).error({ err: error }, 'unhandled error at the HTTP edge');
    }
    if (res.headersSent) return;
    if (gatewayError.code === 'BODY_TOO_LARGE') res.setHeader('Connection', 'close');
    sendError(req, res, gatewayError);
  });
  return app;
}
