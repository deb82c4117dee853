import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGatewayMetrics } from '../../../src/metrics/gateway-metrics.ts';
import { createWorkerMetrics } from '../../../src/metrics/worker-metrics.ts';

/**
 * docs/grafana/ndc-gateway-dashboard.json queries the Prometheus metrics of the gateway and the
 * workers. A metric renamed in src/metrics would leave a panel empty without a word; this keeps
 * the file and the registries in step, and the file a dashboard Grafana imports.
 */

const DASHBOARD_FILE = resolve(process.cwd(), 'docs/grafana/ndc-gateway-dashboard.json');

interface Target { refId?: unknown; expr?: unknown; datasource?: { uid?: unknown } }
interface Panel { id?: unknown; type?: unknown; title?: unknown; gridPos?: { x: number; y: number; w: number; h: number }; datasource?: { type?: unknown; uid?: unknown }; targets?: Target[] }
interface Variable { name?: unknown; type?: unknown; query?: unknown; definition?: unknown }
interface Dashboard { uid?: unknown; title?: unknown; schemaVersion?: unknown; panels?: Panel[]; templating?: { list?: Variable[] }; time?: unknown }

const PROMQL_WORDS = new Set(['and', 'or', 'unless', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'inf', 'nan']);

/**
 * The metric names a PromQL expression reads: what is left once strings, label matchers, ranges,
 * label-list clauses (by, without, on, ignoring, group_left/right), numbers, functions and operators' keywords are taken out.
 */
function metricNamesOf(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names = [...bare.matchAll(/(?<![\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\w:]|\s*\()/g)].map((match) => match[1] as string);
  return [...new Set(names.filter((name) => !PROMQL_WORDS.has(name.toLowerCase())))];
}

/** The metrics the registries hold, and every series name they expose (a histogram's _bucket, _sum and _count). */
async function exportedSeries(): Promise<{ metrics: Set<string>; series: Set<string> }> {
  const registries = [createGatewayMetrics(async () => ({})).registry, createWorkerMetrics([]).registry];
  const metrics = new Set<string>();
  const series = new Set<string>();
  for (const registry of registries) {
    for (const metric of await registry.getMetricsAsJSON()) {
      metrics.add(metric.name);
      series.add(metric.name);
      if (String(metric.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) series.add(`${metric.name}${suffix}`);
    }
  }
  return { metrics, series };
}

const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;
const panels = dashboard.panels ?? [];
const queryPanels = panels.filter((panel) => panel.type !== 'row');
const variables = dashboard.templating?.list ?? [];

/** Every PromQL expression of the file: panel targets and the variables' label_values queries. */
function expressions(): string[] {
  const fromPanels = queryPanels.flatMap((panel) => (panel.targets ?? []).map((target) => String(target.expr)));
  const fromVariables = variables.filter((variable) => variable.type === 'query').map((variable) => String(variable.definition).replace(/^label_values\((.*),\s*\w+\)$/, '$1'));
  return [...fromPanels, ...fromVariables];
}

/** Whether brackets pair up outside strings: a cheap guard against a query broken by an edit. */
function isBalanced(expr: string): boolean {
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const open: string[] = [];
  for (const char of expr.replace(/"(?:[^"\\]|\\.)*"/g, '""')) {
    if (char === '(' || char === '[' || char === '{') open.push(char);
    else if (char in pairs && open.pop() !== pairs[char]) return false;
  }
  return open.length === 0 && (expr.match(/"/g)?.length ?? 0) % 2 === 0;
}

describe('the Grafana dashboard in docs/', () => {
  it('reads the metric names out of PromQL, so an unknown metric would be caught', async () => {
    expect(metricNamesOf('histogram_quantile(0.99, sum by (le, message) (rate(ndc_request_duration_seconds_bucket{job=~"$job", outcome!="ok"}[$__rate_interval])))')).toEqual(['ndc_request_duration_seconds_bucket']);
    expect(metricNamesOf('sum(rate(a_total[5m])) / clamp_min(sum(rate(b_total{x="y"}[5m])), 1e-9) and on (job) up')).toEqual(['a_total', 'b_total', 'up']);
    expect([isBalanced('sum(rate(a{b="(("}[5m]))'), isBalanced('sum(rate(a[5m])'), isBalanced('rate(a{b="c}[5m])')]).toEqual([true, false, false]);
    const { series } = await exportedSeries();
    expect(series.has('ndc_requests_total')).toBe(true);
    expect(series.has('ndc_request_duration_seconds_bucket')).toBe(true);
    expect(series.has('ndc_renamed_requests_total')).toBe(false);
  });

  it('queries only metrics the gateway or the worker exports', async () => {
    const { metrics, series } = await exportedSeries();
    const queried = new Set(expressions().flatMap(metricNamesOf));
    expect(queried.size).toBeGreaterThan(8);
    expect([...queried].filter((name) => !series.has(name))).toEqual([]);
    // Every metric of the gateway's and the worker's own (not the process defaults) has a panel.
    const own = [...metrics].filter((name) => name.startsWith('ndc_'));
    expect(own.filter((name) => !queried.has(name) && !queried.has(`${name}_bucket`))).toEqual([]);
  });

  it('is a Grafana dashboard: identity, a Prometheus datasource variable, panels on the 24-column grid without overlap', () => {
    expect(typeof dashboard.uid).toBe('string');
    expect(typeof dashboard.title).toBe('string');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.time).toBeTypeOf('object');
    expect(variables).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }));
    const ids = panels.map((panel) => panel.id);
    expect(ids.every((id) => Number.isInteger(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const panel of panels) {
      const grid = panel.gridPos;
      expect(grid, String(panel.title)).toBeDefined();
      if (!grid) continue;
      expect(grid.x >= 0 && grid.w > 0 && grid.x + grid.w <= 24 && grid.h > 0 && grid.y >= 0, String(panel.title)).toBe(true);
      for (let x = grid.x; x < grid.x + grid.w; x += 1) {
        for (let y = grid.y; y < grid.y + grid.h; y += 1) {
          expect(cells.has(`${x},${y}`), `${String(panel.title)} overlaps another panel`).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
    expect(queryPanels.length).toBeGreaterThan(0);
    for (const panel of queryPanels) {
      expect(typeof panel.title).toBe('string');
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.targets?.length, String(panel.title)).toBeGreaterThan(0);
      const refIds = (panel.targets ?? []).map((target) => target.refId);
      expect(new Set(refIds).size).toBe(refIds.length);
      for (const target of panel.targets ?? []) {
        expect(typeof target.expr).toBe('string');
        expect(isBalanced(String(target.expr)), String(target.expr)).toBe(true);
        expect(target.datasource?.uid).toBe('${datasource}');
      }
    }
  });
});
