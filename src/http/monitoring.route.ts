import express, { type Request, type Response, type Router } from 'express';
import type { Registry } from 'prom-client';
import type { HealthReport } from '../health/health-report.ts';
import { createMetricsReader } from '../metrics/cluster-metrics.ts';

export type { HealthCheck } from '../health/health-report.ts';

/**
 * `GET /api/v1/monitoring/live`: the process answers (200 while it runs, stopping included).
 * `GET /api/v1/monitoring/ready`, and `/health` as its alias: 200 only when every readiness check
 * passes, else 503, each with the checks' report. `GET /api/v1/monitoring/metrics`: Prometheus.
 */
export function createMonitoringRouter(readiness: () => Promise<HealthReport>, metrics: { readonly registry: Registry }): Router {
  const router = express.Router();
  const readMetrics = createMetricsReader(metrics.registry);
  router.get('/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const ready = async (_req: Request, res: Response): Promise<void> => {
    const report = await readiness();
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  };
  router.get('/ready', ready);
  router.get('/health', ready);
  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await readMetrics());
  });
  return router;
}
