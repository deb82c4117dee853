import { describe, expect, it } from 'vitest';
import { describeVerdicts, findDisagreement } from '../../../src/tools/conformance/compare-engines.ts';
import type { EngineVerdict, FileResult } from '../../../src/tools/conformance/conformance-types.ts';
import { summariseResults } from '../../../src/tools/conformance/summarise-results.ts';

const valid = (engine: EngineVerdict['engine']): EngineVerdict => ({ engine, valid: true, issues: [], durationMs: 1 });
const invalid = (engine: EngineVerdict['engine'], count = 1): EngineVerdict => ({
  engine, valid: false, issues: Array.from({ length: count }, () => ({ message: 'm' })), durationMs: 1,
});
const broken = (engine: EngineVerdict['engine']): EngineVerdict => ({ engine, valid: false, issues: [], durationMs: 1, error: { code: 'SCHEMA_ERROR', message: 'x' } });

describe('findDisagreement', () => {
  it('flags one valid and one invalid verdict', () => {
    expect(findDisagreement([valid('libxml2'), invalid('xerces')])).toBe(true);
    expect(findDisagreement([valid('libxml2'), valid('xerces')])).toBe(false);
    expect(findDisagreement([invalid('libxml2', 1), invalid('xerces', 3)])).toBe(false);
  });

  it('ignores engines that could not judge the file', () => {
    expect(findDisagreement([valid('libxml2'), broken('xerces')])).toBe(false);
  });
});

describe('describeVerdicts', () => {
  it('says who said what', () => {
    expect(describeVerdicts([valid('libxml2'), invalid('xerces', 3), broken('libxmljs2')])).toBe('libxml2 valid, xerces invalid (3 issues), libxmljs2 error');
  });
});

describe('summariseResults', () => {
  it('counts each file once, under its status', () => {
    const files: FileResult[] = [
      { file: 'a', status: 'valid', verdicts: [valid('libxml2')], disagreement: false },
      { file: 'b', status: 'invalid', verdicts: [valid('libxml2'), invalid('xerces')], disagreement: true },
      { file: 'c', status: 'error', error: { code: 'NOT_NDC', message: 'x' }, verdicts: [], disagreement: false },
      { file: 'd', status: 'error', error: { code: 'NO_SCHEMA', message: 'x' }, verdicts: [], disagreement: false },
    ];
    expect(summariseResults(files, 12.4)).toEqual({ files: 4, valid: 1, invalid: 1, errors: 2, setupErrors: 1, disagreements: 1, durationMs: 12 });
  });
});
