import { describe, expect, it } from 'vitest';
import { formatJsonReport, JSON_REPORT_VERSION } from '../../../src/tools/cli/reporters/json.reporter.ts';
import { buildReport } from './report-fixture.ts';

describe('formatJsonReport', () => {
  it('is the run as plain data, with a format version', () => {
    const report = buildReport();
    const parsed = JSON.parse(formatJsonReport(report)) as Record<string, unknown>;
    expect(parsed).toEqual({ reportVersion: JSON_REPORT_VERSION, tool: 'ndc-gateway validate', ...JSON.parse(JSON.stringify(report)) });
    expect((parsed.files as { disagreement: boolean }[]).map((f) => f.disagreement)).toEqual([false, false, true, false]);
  });
});
