import { describe, expect, it } from 'vitest';
import { createGatewayMetrics } from '../../../src/metrics/gateway-metrics.ts';

/** The documented bound of label sets per metric. */
const MAX_LABEL_SETS = 5_000;

async function series(metrics: ReturnType<typeof createGatewayMetrics>, name: string): Promise<{ labels: Record<string, unknown>; value: number }[]> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  return (await metric.get()).values as { labels: Record<string, unknown>; value: number }[];
}

describe('gateway metrics', () => {
  it('counts requests by message, version and outcome', async () => {
    const metrics = createGatewayMetrics(async () => ({}));
    metrics.observeRequest({ message: 'AirShoppingRQ', version: '21.3', outcome: 'ok' }, 0.01);
    metrics.observeRequest({ message: 'AirShoppingRQ', version: '21.3', outcome: 'ok' }, 0.02);
    metrics.observeRequest({ message: 'OfferPriceRQ', version: '17.2', outcome: 'OFFER_EXPIRED' }, 0.01);
    expect(await series(metrics, 'ndc_requests_total')).toEqual([
      { labels: { message: 'AirShoppingRQ', version: '21.3', outcome: 'ok' }, value: 2 },
      { labels: { message: 'OfferPriceRQ', version: '17.2', outcome: 'OFFER_EXPIRED' }, value: 1 },
    ]);
  });

  it('keeps at most its bound of label sets per metric, whatever values requests bring', async () => {
    const metrics = createGatewayMetrics(async () => ({}));
    metrics.observeRequest({ message: 'AirShoppingRQ', version: '21.3', outcome: 'ok' }, 0.01);
    for (let i = 0; i < MAX_LABEL_SETS + 1_000; i += 1) {
      metrics.observeRequest({ message: `Client${i}RQ`, version: '21.3', outcome: 'UNKNOWN_MESSAGE' }, 0.001);
      metrics.countValidationFailure({ message: `Client${i}RQ`, version: '21.3', direction: 'request' });
    }
    metrics.observeRequest({ message: 'AirShoppingRQ', version: '21.3', outcome: 'ok' }, 0.01);

    const requests = await series(metrics, 'ndc_requests_total');
    expect(requests).toHaveLength(MAX_LABEL_SETS + 1);
    expect(requests.find((s) => s.labels.message === 'AirShoppingRQ')?.value).toBe(2);
    expect(requests.find((s) => s.labels.message === 'other')).toEqual({ labels: { message: 'other', version: 'other', outcome: 'other' }, value: 1_001 });
    expect(await series(metrics, 'ndc_validation_failures_total')).toHaveLength(MAX_LABEL_SETS + 1);
  });
});
