/**
 * Draws the soak's memory plot as a PNG: a small HTML page with chart.js inline, screenshotted by
 * Debian's headless chromium (the one the dashboard's browser test uses), so the figure needs no
 * package beyond those the repository has.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { launchChromium } from '../../test/support/headless-browser.ts';

export interface PlotSeries {
  readonly label: string;
  /** A CSS colour. */
  readonly color: string;
  /** [minute, MB] */
  readonly points: readonly (readonly [number, number])[];
  /** The least-squares line, drawn dashed over the minutes it was fitted on. */
  readonly fit?: { readonly slope: number; readonly intercept: number; readonly from: number; readonly to: number };
}

export interface PlotSpec {
  readonly title: string;
  readonly subtitle: string;
  readonly series: readonly PlotSeries[];
  /** Samples before this minute are the warm-up, left out of the fit; shaded grey. */
  readonly warmUpMinutes: number;
  readonly width?: number;
  readonly height?: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height of a PNG from its IHDR chunk, after checking the signature. */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (png.length < 24 || !png.subarray(0, 8).equals(PNG_SIGNATURE) || png.toString('ascii', 12, 16) !== 'IHDR') throw new Error('not a PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function chartJsSource(): string {
  // chart.js does not export its UMD build; it sits next to the file its `require` entry names.
  return readFileSync(join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
}

function pageOf(spec: PlotSpec, width: number, height: number): string {
  const datasets = spec.series.flatMap((s) => [
    { label: s.label, data: s.points.map(([x, y]) => ({ x, y })), borderColor: s.color, backgroundColor: s.color, pointRadius: 2.5, borderWidth: 1.5, tension: 0 },
    ...(s.fit ? [{
      label: `${s.label}: fit ${s.fit.slope >= 0 ? '+' : ''}${(s.fit.slope * 60).toFixed(1)} MB/h`,
      data: [s.fit.from, s.fit.to].map((x) => ({ x, y: s.fit!.intercept + s.fit!.slope * x })),
      borderColor: s.color, borderDash: [6, 4], borderWidth: 1.5, pointRadius: 0,
    }] : []),
  ]);
  const config = {
    type: 'line',
    data: { datasets },
    options: {
      animation: false, responsive: false, devicePixelRatio: 1,
      scales: {
        x: { type: 'linear', min: 0, max: Math.ceil(Math.max(0, ...spec.series.flatMap((s) => s.points.map(([x]) => x)))), title: { display: true, text: 'minutes since start (dashed: least-squares fit after the warm-up)' } },
        y: { title: { display: true, text: 'MB' } },
      },
      plugins: {
        title: { display: true, text: spec.title, font: { size: 16 } },
        subtitle: { display: true, text: spec.subtitle },
        legend: { position: 'bottom', labels: { boxWidth: 14 } },
      },
    },
  };
  // The warm-up band is drawn under the lines by a tiny inline plugin.
  return `<!doctype html><html><head><meta charset="utf-8"><style>body{margin:0;background:#fff}</style></head><body>
<canvas id="c" width="${width}" height="${height}"></canvas>
<script>${chartJsSource()}</script>
<script>
const config = ${JSON.stringify(config)};
const warmUp = ${JSON.stringify(spec.warmUpMinutes)};
config.plugins = [{ id: 'warmUp', beforeDatasetsDraw(chart) {
  const { ctx, chartArea, scales } = chart;
  const right = Math.min(scales.x.getPixelForValue(warmUp), chartArea.right);
  if (right <= chartArea.left) return;
  ctx.save(); ctx.fillStyle = 'rgba(0,0,0,0.07)';
  ctx.fillRect(chartArea.left, chartArea.top, right - chartArea.left, chartArea.bottom - chartArea.top);
  ctx.fillStyle = '#666'; ctx.font = '12px sans-serif'; ctx.fillText('warm-up', chartArea.left + 6, chartArea.top + 14);
  ctx.restore();
} }];
// The fitted lines are explained by the axis title, not each by a legend entry.
config.options.plugins.legend.labels.filter = (item) => !item.text.includes(': fit');
new Chart(document.getElementById('c'), config);
document.body.dataset.drawn = 'yes';
</script></body></html>`;
}

/** Renders `spec` to a PNG at `file`; resolves to its bytes. */
export async function renderPlotPng(spec: PlotSpec, file: string): Promise<Buffer> {
  const width = spec.width ?? 1100;
  const height = spec.height ?? 620;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width, height } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.setContent(pageOf(spec, width, height));
    await page.waitForSelector('body[data-drawn="yes"]', { timeout: 10_000 }).catch(() => undefined);
    if (errors.length > 0) throw new Error(`the plot page failed: ${errors.join('; ')}`);
    const png = await page.locator('#c').screenshot({ type: 'png' });
    writeFileSync(file, png);
    return png;
  } finally {
    await browser.close();
  }
}
