import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { Registry } from 'prom-client';
import type { HealthReport } from '../health/health-report.ts';
import { createMetricsReader } from '../metrics/cluster-metrics.ts';

export type { HealthCheck } from '../health/health-report.ts';

/**
 * Who may see what. Status codes are for everyone: an orchestrator probes without a key. Health
 * details (check results, downstream URLs) and metrics need a client with the `monitoring` permission.
 */
export interface MonitoringAccess {
  /** Whether this caller may see health details. */
  showsDetails(req: Request): boolean;
  /** Refuses a caller who may not read metrics: 401 without a key, 403 without the permission. */
  readonly requireMonitoring: RequestHandler;
}

/**
 * `GET /api/v1/monitoring/live`: the process answers (200 while it runs, stopping included).
 * `GET /api/v1/monitoring/ready`, and `/health` as its alias: 200 only when every readiness check
 * passes, else 503, with the checks' report for a caller `access` lets see it.
 * `GET /api/v1/monitoring/metrics`: Prometheus, for such a caller. Without `access` (an internal
 * port, as the worker's) every caller sees everything.
 */
export function createMonitoringRouter(readiness: () => Promise<HealthReport>, metrics: { readonly registry: Registry }, access?: MonitoringAccess): Router {
  const router = express.Router();
  const readMetrics = createMetricsReader(metrics.registry);
  router.get('/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const ready = async (req: Request, res: Response): Promise<void> => {
    const report = await readiness();
    const shown = !access || access.showsDetails(req) ? report : { status: report.status };
    res.status(report.status === 'ok' ? 200 : 503).json(shown);
  };
  router.get('/ready', ready);
  router.get('/health', ready);
  const metricsRoute = async (_req: Request, res: Response): Promise<void> => {
    res.type(metrics.registry.contentType).send(await readMetrics());
  };
  if (access) router.get('/metrics', access.requireMonitoring, metricsRoute);
  else router.get('/metrics', metricsRoute);
  return router;
}
