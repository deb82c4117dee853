import express, { type Router } from 'express';
import { createMetricsReader } from '../metrics/cluster-metrics.ts';
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts';

/** A named readiness check; health is 200 only when every check passes. */
export type HealthCheck = () => Promise<{ ok: boolean; detail?: unknown }>;

/** `GET /api/v1/monitoring/health` and `GET /api/v1/monitoring/metrics`. */
export function createMonitoringRouter(checks: Readonly<Record<string, HealthCheck>>, metrics: GatewayMetrics): Router {
  const router = express.Router();
  const readMetrics = createMetricsReader(metrics.registry);
  router.get('/health', async (_req, res) => {
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
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', checks: results });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await readMetrics());
  });
  return router;
}
