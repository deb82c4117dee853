import express, { type Router } from 'express';
import type { MappingReloadReport } from '../pipeline/served-messages.ts';

/** What the admin routes can make the gateway do. */
export interface AdminActions {
  /** Reloads the mapping files; never throws (a broken file keeps the old set and is reported). */
  reloadMappings(trigger: string): Promise<MappingReloadReport>;
}

/**
 * `POST /api/v1/admin/mappings/reload`: 200 with the reload report when the new mappings are in
 * force, 422 with the problems (`file:line:column: message`) when the old ones stay.
 */
export function createAdminRouter(actions: AdminActions): Router {
  const router = express.Router();
  router.post('/mappings/reload', async (_req, res) => {
    const report = await actions.reloadMappings('admin route');
    res.status(report.errors.length > 0 ? 422 : 200).json(report);
  });
  return router;
}
