// Pure functions from the analytics API's answers to what the dashboard shows: table rows of
// text and chart series. No DOM here, so the same figures feed the charts and their tables.

const DASH = '—';

/**
 * The journey states in the order of the state machine (JOURNEY_STATES of
 * src/journeys/journey-states.ts, which a unit test keeps this list equal to): steps read in the
 * order a journey goes through them, not alphabetically.
 */
export const STATE_ORDER = [
  'Journey_Init', 'Shopping', 'Offer_Selection', 'Booking_Start', 'Customer_Data', 'Payment_Process',
  'Payment_Failed', 'Payment_Retry', 'Order_Confirmation', 'Ticket_Generation', 'Journey_Complete', 'Journey_Abandoned',
];

/** Steps of the performance report in the order of the state machine; an unknown state goes last. */
export function inStateOrder(steps) {
  const rank = (state) => {
    const index = STATE_ORDER.indexOf(state);
    return index === -1 ? STATE_ORDER.length : index;
  };
  return [...steps].sort((a, b) => rank(a.state) - rank(b.state));
}

/** 0.4567 → "45.7%"; absent → "—". */
export function formatPercent(value) {
  return typeof value === 'number' && Number.isFinite(value) ? `${(value * 100).toFixed(1)}%` : DASH;
}

/** 0.0123 → "+1.2%", a difference or a lift, signed so a loss cannot pass for a gain. */
export function formatSignedPercent(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return DASH;
  const text = `${(Math.abs(value) * 100).toFixed(1)}%`;
  return value < 0 ? `−${text}` : `+${text}`;
}

/** Milliseconds with one decimal. */
export function formatMs(value) {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(1) : DASH;
}

/** A ratio (look-to-book) with two decimals; null when there was no order. */
export function formatRatio(value) {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(2) : DASH;
}

/** A p-value: three decimals, and "< 0.001" below that. */
export function formatPValue(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return DASH;
  return value < 0.001 ? '< 0.001' : value.toFixed(3);
}

/** The funnel's steps as table rows and the bar series. */
export function funnelFigures(report) {
  return {
    labels: report.steps.map((step) => step.state),
    values: report.steps.map((step) => step.reached),
    rows: report.steps.map((step) => [step.state, String(step.reached), formatPercent(step.conversionToNext)]),
    dropOffRows: report.dropOff.map((drop) => [drop.state, drop.reason, String(drop.journeys)]),
  };
}

/**
 * Conversion by day over every channel and client of the window (the API answers per day, channel
 * and client): sums of started and completed, then their ratio, so a day with one journey does not
 * weigh as much as a day with a thousand. One more line per channel when there are several.
 */
export function conversionFigures(report) {
  const days = [...new Set(report.rates.map((rate) => rate.day))].sort();
  const channels = [...new Set(report.rates.map((rate) => rate.channel))].sort();
  const sumOf = (rates) => {
    const started = rates.reduce((sum, rate) => sum + rate.started, 0);
    const completed = rates.reduce((sum, rate) => sum + rate.completed, 0);
    return { started, completed, rate: started > 0 ? completed / started : null };
  };
  const totals = days.map((day) => sumOf(report.rates.filter((rate) => rate.day === day)));
  const series = [{ label: 'all channels', values: totals.map((total) => total.rate) }];
  if (channels.length > 1) {
    for (const channel of channels) {
      series.push({ label: channel, values: days.map((day) => sumOf(report.rates.filter((rate) => rate.day === day && rate.channel === channel)).rate) });
    }
  }
  return {
    labels: days,
    series,
    rows: days.map((day, index) => [day, String(totals[index].started), String(totals[index].completed), formatPercent(totals[index].rate)]),
  };
}

/** Look-to-book per client: searches per order, absent (no bar) for a client without orders. */
export function lookToBookFigures(report) {
  return {
    labels: report.lookToBook.map((entry) => entry.clientId),
    values: report.lookToBook.map((entry) => entry.ratio),
    rows: report.lookToBook.map((entry) => [entry.clientId, String(entry.searches), String(entry.orders), formatRatio(entry.ratio)]),
  };
}

/** p50, p95 and p99 per step or message: three bar series and the table rows. */
export function latencyFigures(entries, nameOf, withErrors) {
  return {
    labels: entries.map(nameOf),
    series: [
      { label: 'p50', values: entries.map((entry) => entry.p50Ms) },
      { label: 'p95', values: entries.map((entry) => entry.p95Ms) },
      { label: 'p99', values: entries.map((entry) => entry.p99Ms) },
    ],
    rows: entries.map((entry) => {
      const row = [nameOf(entry), String(entry.count), formatMs(entry.p50Ms), formatMs(entry.p95Ms), formatMs(entry.p99Ms)];
      if (withErrors) row.push(formatPercent(entry.errorRate));
      return row;
    }),
  };
}

/** One experiment's results as table rows: the control first, with no lift against itself. */
export function experimentRows(results) {
  return results.variants.map((variant) => [
    variant.name,
    String(variant.exposures),
    String(variant.conversions),
    formatPercent(variant.rate),
    formatSignedPercent(variant.lift),
    variant.differenceCi95 ? `${formatSignedPercent(variant.differenceCi95[0])} … ${formatSignedPercent(variant.differenceCi95[1])}` : DASH,
    formatPValue(variant.pValue),
  ]);
}
