import type { ConformanceReport } from '../../conformance/conformance-types.ts';

/** Format version of the JSON report; bumped when a field changes meaning or goes away. */
export const JSON_REPORT_VERSION = 1;

/** The report for programs: the run's plain data as it is, with a format version. */
export function formatJsonReport(report: ConformanceReport): string {
  return `${JSON.stringify({ reportVersion: JSON_REPORT_VERSION, tool: 'ndc-gateway validate', ...report }, null, 2)}\n`;
}
