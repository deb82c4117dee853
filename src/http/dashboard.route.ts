import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Response, type Router } from 'express';

/**
 * The page's own files: read once at start-up from `src/analytics/dashboard/` (or the copy
 * `npm run build` puts in `dist/`), so a request never touches the file system.
 */
const PAGE_FOLDER = fileURLToPath(new URL('../analytics/dashboard/', import.meta.url));

/** URL path under /dashboard → file in {@link PAGE_FOLDER} and its media type. */
const PAGE_FILES: Readonly<Record<string, { readonly file: string; readonly type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/assets/dashboard.css': { file: 'dashboard.css', type: 'text/css; charset=utf-8' },
  '/assets/dashboard.js': { file: 'dashboard.js', type: 'text/javascript; charset=utf-8' },
  '/assets/analytics-api.js': { file: 'analytics-api.js', type: 'text/javascript; charset=utf-8' },
  '/assets/dashboard-figures.js': { file: 'dashboard-figures.js', type: 'text/javascript; charset=utf-8' },
};

/**
 * Chart.js is served from node_modules, never copied into the repository: its package does not
 * export `dist/chart.umd.js`, so the folder is found from the file its `require` entry names.
 */
function chartJsPath(): string {
  return join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.js');
}

/**
 * Only the page's own scripts and styles run, and it talks to this origin only: no inline script,
 * no third-party host, no framing. Chart.js draws on canvases and sets styles through the CSSOM,
 * which a style-src policy does not restrict.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function sendFile(res: Response, body: Buffer, type: string): void {
  res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  // The page changes with a deployment; revalidating costs little and never shows a stale script.
  res.setHeader('Cache-Control', 'no-cache');
  res.type(type).send(body);
}

/**
 * `GET /dashboard`: the analytics dashboard, a static page with no build step that reads the
 * analytics API in the browser with the key its user enters. Serving it needs no key: it holds
 * no data.
 */
export function createDashboardRouter(): Router {
  const router = express.Router();
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const [path, { file, type }] of Object.entries(PAGE_FILES)) files.set(path, { body: readFileSync(join(PAGE_FOLDER, file)), type });
  files.set('/vendor/chart.umd.js', { body: readFileSync(chartJsPath()), type: 'text/javascript; charset=utf-8' });
  for (const [path, { body, type }] of files) {
    router.get(path, (_req, res) => {
      sendFile(res, body, type);
    });
  }
  return router;
}
