import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_TABLE, GatewayError, gatewayErrorFromJSON } from '../../../src/errors/index.ts';

describe('error table', () => {
  it('matches the README error list row for row', () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = /<!-- error-table:start -->([\s\S]*?)<!-- error-table:end -->/.exec(readme)?.[1] ?? '';
    const rows = section.split('\n').filter((line) => line.startsWith('| `'));
    const documented = rows.map((row) => {
      const [, code, status, iata, retryable, message] = row.split('|').map((cell) => cell.trim());
      return { code: code!.replaceAll('`', ''), status: Number(status), iata, retryable: retryable === 'yes', message };
    });
    const table = Object.entries(ERROR_TABLE).map(([code, d]) => ({ code, status: d.httpStatus, iata: d.iataCode, retryable: d.retryable, message: d.message }));
    expect(documented).toEqual(table);
  });

  it('gives the statuses the error kinds promise', () => {
    for (const [code, d] of Object.entries(ERROR_TABLE)) {
      if (d.kind === 'business') expect(d.httpStatus, code).toBe(200);
      if (d.kind === 'deadline') expect(d.httpStatus, code).toBe(504);
      if (d.kind === 'internal') expect(d.httpStatus, code).toBeGreaterThanOrEqual(500);
      if (d.kind === 'request') expect(d.httpStatus, code).toBeGreaterThanOrEqual(400);
    }
    expect(ERROR_TABLE.XSD_INVALID.httpStatus).toBe(400);
    expect(ERROR_TABLE.MALFORMED_XML.httpStatus).toBe(400);
    expect(ERROR_TABLE.BODY_TOO_LARGE.httpStatus).toBe(413);
  });

  it('survives a round trip through JSON, as across the queue', () => {
    const error = new GatewayError('OFFER_EXPIRED', 'gone', [{ message: 'offer O1', path: '/x' }]);
    const back = gatewayErrorFromJSON(JSON.parse(JSON.stringify(error)));
    expect(back).toBeInstanceOf(GatewayError);
    expect(back.toJSON()).toEqual(error.toJSON());
    expect(gatewayErrorFromJSON({ code: 'NOPE' }).code).toBe('INTERNAL_ERROR');
  });
});
