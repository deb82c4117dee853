import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_CSP } from '../../../src/http/dashboard.route.ts';
import { startGateway, type RunningGateway } from '../../support/start-gateway.ts';

let gw: RunningGateway;

beforeAll(async () => {
  gw = await startGateway();
});

afterAll(async () => {
  await gw?.close();
});

async function get(path: string): Promise<{ status: number; type: string | null; csp: string | null; body: string }> {
  const response = await fetch(`${gw.url}${path}`);
  return { status: response.status, type: response.headers.get('content-type'), csp: response.headers.get('content-security-policy'), body: await response.text() };
}

/** The URLs of the page's scripts and style sheets, as its HTML names them. */
function assetsOf(html: string): string[] {
  return [...html.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"/g)].map((match) => match[1] as string).filter((url) => url.startsWith('/'));
}

describe('GET /dashboard', () => {
  it('serves the page without a key, under a policy that runs no inline script and reaches no other origin', async () => {
    const page = await get('/dashboard');
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.csp).toBe(DASHBOARD_CSP);
    expect(page.csp).toContain("script-src 'self'");
    expect(page.csp).toContain("connect-src 'self'");
    expect(page.csp).not.toContain('unsafe-inline');
    // Every script is a file: a script element with a body would be refused by the policy.
    const scripts = [...page.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="/);
      expect(body?.trim()).toBe('');
    }
    expect(page.body).not.toMatch(/\son[a-z]+="/i);
    expect(page.body).not.toMatch(/\sstyle="/i);
    expect((await get('/dashboard/')).status).toBe(200);
  });

  it('serves every script and style sheet the page names, with its media type and the same policy', async () => {
    const assets = assetsOf((await get('/dashboard')).body);
    expect(assets).toEqual(expect.arrayContaining(['/dashboard/vendor/chart.umd.js', '/dashboard/assets/dashboard.js', '/dashboard/assets/dashboard.css']));
    for (const asset of assets) {
      const answer = await get(asset);
      expect(answer.status, asset).toBe(200);
      expect(answer.type, asset).toMatch(asset.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
      expect(answer.csp, asset).toBe(DASHBOARD_CSP);
    }
    // The modules dashboard.js imports are served too.
    const script = (await get('/dashboard/assets/dashboard.js')).body;
    const imports = [...script.matchAll(/from '\.\/([\w-]+\.js)'/g)].map((match) => match[1]);
    expect(imports.length).toBeGreaterThan(0);
    for (const name of imports) expect((await get(`/dashboard/assets/${name}`)).status, name).toBe(200);
  });

  it('serves Chart.js as installed in node_modules, not a copy kept in the repository', async () => {
    const installed = readFileSync(join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.js'), 'utf8');
    const served = await get('/dashboard/vendor/chart.umd.js');
    expect(served.body).toBe(installed);
    expect(served.body).toContain('Chart.js v4');
  });

  it('serves nothing else under /dashboard: unknown files and paths out of the folder are 404', async () => {
    for (const path of ['/dashboard/assets/missing.js', '/dashboard/assets/../../package.json', '/dashboard/assets/%2e%2e/%2e%2e/package.json', '/dashboard/index.html', '/dashboard/vendor/chart.js']) {
      expect((await get(path)).status, path).toBe(404);
    }
  });
});
