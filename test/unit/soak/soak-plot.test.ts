import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pngSize, renderPlotPng } from '../../../scripts/soak/soak-plot.ts';
import { CHROMIUM_PATH } from '../../support/headless-browser.ts';

const dir = mkdtempSync(join(tmpdir(), 'soak-plot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!existsSync(CHROMIUM_PATH))('soak plot', () => {
  it('writes a PNG of the requested size, drawn in headless chromium', async () => {
    const file = join(dir, 'soak.png');
    const points = Array.from({ length: 10 }, (_, i) => [i, 100 + (i % 3)] as const);
    const png = await renderPlotPng({
      title: 'test', subtitle: 'flat', warmUpMinutes: 2, width: 640, height: 360,
      series: [{ label: 'RSS', color: '#1f77b4', points, fit: { slope: 0, intercept: 101, from: 2, to: 9 } }],
    }, file);
    expect(readFileSync(file).equals(png)).toBe(true);
    expect(pngSize(png)).toEqual({ width: 640, height: 360 });
    // A drawn chart, not an empty canvas: a blank 640×360 PNG compresses to well under 5 KB.
    expect(png.length).toBeGreaterThan(5_000);
  }, 60_000);

  it('refuses bytes that are not a PNG', () => {
    expect(() => pngSize(Buffer.from('GIF89a not a png at all'))).toThrow(/not a PNG/);
  });
});
