import { describe, expect, it } from 'vitest';
import type { ConversionReport, ExperimentResults } from '../../../../src/analytics/analytics-types.ts';
import { JOURNEY_STATES } from '../../../../src/journeys/journey-states.ts';
import {
  STATE_ORDER, inStateOrder, conversionFigures, experimentRows, formatMs, formatPValue, formatPercent, formatRatio, formatSignedPercent, funnelFigures, latencyFigures, lookToBookFigures,
} from '../../../../src/analytics/dashboard/dashboard-figures.js';

const WINDOW = { from: '2026-11-01T00:00:00.000Z', to: '2026-11-08T00:00:00.000Z' };

describe('dashboard figures', () => {
  it('formats rates, signed differences, milliseconds, ratios and p-values, with a dash for what is absent', () => {
    expect([formatPercent(0.4567), formatPercent(1), formatPercent(0), formatPercent(undefined), formatPercent(Number.NaN)]).toEqual(['45.7%', '100.0%', '0.0%', '—', '—']);
    expect([formatSignedPercent(0.123), formatSignedPercent(-0.05), formatSignedPercent(0), formatSignedPercent(null)]).toEqual(['+12.3%', '−5.0%', '+0.0%', '—']);
    expect([formatMs(12.345), formatMs(0)]).toEqual(['12.3', '0.0']);
    expect([formatRatio(4), formatRatio(2.5), formatRatio(null)]).toEqual(['4.00', '2.50', '—']);
    expect([formatPValue(0.0496), formatPValue(0.0004), formatPValue(1), formatPValue(undefined)]).toEqual(['0.050', '< 0.001', '1.000', '—']);
  });

  it('sums conversion over channels and clients per day before dividing, so a small day does not weigh as a large one', () => {
    const report: ConversionReport = {
      filter: WINDOW,
      rates: [
        { day: '2026-11-03', channel: 'web', clientId: 'shop', started: 1, completed: 1, rate: 1 },
        { day: '2026-11-03', channel: 'ndc', clientId: 'seller', started: 9, completed: 0, rate: 0 },
        { day: '2026-11-02', channel: 'web', clientId: 'shop', started: 4, completed: 2, rate: 0.5 },
      ],
      lookToBook: [],
    };
    const figures = conversionFigures(report);
    expect(figures.labels).toEqual(['2026-11-02', '2026-11-03']);
    expect(figures.rows).toEqual([['2026-11-02', '4', '2', '50.0%'], ['2026-11-03', '10', '1', '10.0%']]);
    expect(figures.series).toEqual([
      { label: 'all channels', values: [0.5, 0.1] },
      { label: 'ndc', values: [null, 0] },
      { label: 'web', values: [0.5, 1] },
    ]);
    expect(conversionFigures({ ...report, rates: report.rates.filter((rate) => rate.channel === 'web') }).series).toHaveLength(1);
  });

  it('shows the funnel, look-to-book and latency as rows and series', () => {
    const funnel = funnelFigures({
      filter: WINDOW,
      steps: [{ state: 'Journey_Init', reached: 10, conversionToNext: 0.8 }, { state: 'Shopping', reached: 8 }],
      dropOff: [{ state: 'Shopping', reason: 'timeout', journeys: 3 }],
    });
    expect(funnel).toEqual({ labels: ['Journey_Init', 'Shopping'], values: [10, 8], rows: [['Journey_Init', '10', '80.0%'], ['Shopping', '8', '—']], dropOffRows: [['Shopping', 'timeout', '3']] });
    const looks = lookToBookFigures({ filter: WINDOW, rates: [], lookToBook: [{ clientId: 'shop', searches: 8, orders: 2, ratio: 4 }, { clientId: 'browser', searches: 3, orders: 0, ratio: null }] });
    expect(looks).toEqual({ labels: ['shop', 'browser'], values: [4, null], rows: [['shop', '8', '2', '4.00'], ['browser', '3', '0', '—']] });
    const messages = [{ message: 'OfferPriceRQ', count: 2, p50Ms: 150, p95Ms: 195, p99Ms: 199, errorRate: 0.5 }];
    const latency = latencyFigures(messages, (entry) => entry.message, true);
    expect(latency.rows).toEqual([['OfferPriceRQ', '2', '150.0', '195.0', '199.0', '50.0%']]);
    expect(latency.series.map((series) => [series.label, series.values])).toEqual([['p50', [150]], ['p95', [195]], ['p99', [199]]]);
    expect(latencyFigures(messages, (entry) => entry.message, false).rows[0]).toHaveLength(5);
  });

  it('orders steps as the state machine does, its list of states kept equal to the journey contract', () => {
    expect(STATE_ORDER).toEqual(JOURNEY_STATES);
    const steps = [{ state: 'Shopping' }, { state: 'Payment_Retry' }, { state: 'Someday' }, { state: 'Journey_Init' }, { state: 'Customer_Data' }];
    expect(inStateOrder(steps).map((step) => step.state)).toEqual(['Journey_Init', 'Shopping', 'Customer_Data', 'Payment_Retry', 'Someday']);
    expect(steps[0]?.state).toBe('Shopping');
  });

  it('shows an experiment with the control first and the lift, interval and p-value of each other variant', () => {
    const results: ExperimentResults = {
      experiment: { id: 'exp-1', name: 'Checkout button', variants: [{ name: 'control', weight: 1 }, { name: 'green', weight: 1 }], status: 'running', startedAt: '2026-11-01T00:00:00.000Z' },
      variants: [
        { name: 'control', exposures: 200, conversions: 20, rate: 0.1 },
        { name: 'green', exposures: 200, conversions: 34, rate: 0.17, lift: 0.7, differenceCi95: [0.0036, 0.1364], zScore: 2.03, pValue: 0.0424 },
      ],
    };
    expect(experimentRows(results)).toEqual([
      ['control', '200', '20', '10.0%', '—', '—', '—'],
      ['green', '200', '34', '17.0%', '+70.0%', '+0.4% … +13.6%', '0.042'],
    ]);
  });
});
