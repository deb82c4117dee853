import express, { type Request, type RequestHandler, type Router } from 'express';
import { createMetricsReader } from '../metrics/cluster-metrics.ts';
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts';

/** A named readiness check; health is 200 only when every check passes. */
export type HealthCheck = () => Promise<{ ok: boolean; detail?: unknown }>;

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

/** `GET /api/v1/monitoring/health` and `GET /api/v1/monitoring/metrics`. */
export function createMonitoringRouter(checks: Readonly<Record<string, HealthCheck>>, metrics: GatewayMetrics, access: MonitoringAccess): Router {
  const router = express.Router();
  const readMetrics = createMetricsReader(metrics.registry);
  router.get('/health', async (req, res) => {
    const results: Record<string, { ok: boolean; detail?: unknown }> = {};
    await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          results[name] = await check();
        } catch (error) {
          results[name] = { ok: false, detail: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const ok = Object.values(results).every((r) => r.ok);
    const status = ok ? 'ok' : 'unavailable';
    res.status(ok ? 200 : 503).json(access.showsDetails(req) ? { status, checks: results } : { status });
  });
  router.get('/metrics', access.requireMonitoring, async (_req, res) => {
    res.type(metrics.registry.contentType).send(await readMetrics());
  });
  return router;
}
