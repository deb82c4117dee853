import type { ConformanceReport } from '../../conformance/conformance-types.ts';
import { formatJsonReport } from './json.reporter.ts';
import { formatJunitReport } from './junit.reporter.ts';
import { formatTextReport } from './text.reporter.ts';

export type ReportFormat = 'text' | 'json' | 'junit';

/** Every report format, by its `--format` name. */
export const REPORTERS: Readonly<Record<ReportFormat, (report: ConformanceReport) => string>> = Object.freeze({
  text: formatTextReport,
  json: formatJsonReport,
  junit: formatJunitReport,
});

export function isReportFormat(name: string): name is ReportFormat {
  return Object.prototype.hasOwnProperty.call(REPORTERS, name);
}

export { formatJsonReport, JSON_REPORT_VERSION } from './json.reporter.ts';
export { formatJunitReport } from './junit.reporter.ts';
export { formatSummary, formatTextReport } from './text.reporter.ts';
