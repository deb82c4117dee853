// The dashboard page: reads the filter form, asks the analytics API, draws each panel as a
// Chart.js chart with its numbers in a table. A panel whose call fails shows the error instead.
import { queryOf, readAnalytics, readRunningExperiments } from './analytics-api.js';
import { conversionFigures, experimentRows, funnelFigures, inStateOrder, latencyFigures, lookToBookFigures } from './dashboard-figures.js';

const KEY_STORAGE = 'ndc-gateway.dashboard.api-key';
const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 7;
const COLOURS = ['#1f5f99', '#e07b00', '#2a9d5b', '#b03a48', '#6c4ab6', '#7a7a7a', '#0097a7'];

/** Chart.js instances by canvas, destroyed before a panel is drawn again. */
const charts = new Map();

const dayOf = (time) => new Date(time).toISOString().slice(0, 10);

/** The form's first values: the URL's query (from, to, channel, clientId) when given, else the last 7 days. */
function fillForm(form) {
  const params = new URLSearchParams(location.search);
  const today = Date.now();
  form.elements.namedItem('from').value = params.get('from') ?? dayOf(today - (DEFAULT_DAYS - 1) * DAY_MS);
  form.elements.namedItem('to').value = params.get('to') ?? dayOf(today);
  form.elements.namedItem('channel').value = params.get('channel') ?? '';
  form.elements.namedItem('client').value = params.get('clientId') ?? '';
  form.elements.namedItem('api-key').value = sessionStorage.getItem(KEY_STORAGE) ?? '';
}

/** The window as instants: from the start of the first day to the end of the last (UTC); undefined without both days. */
function filterOf(form) {
  const from = form.elements.namedItem('from').value;
  const to = form.elements.namedItem('to').value;
  // A date input holds '' when it is cleared or was given something that is not a date.
  if (!from || !to) return undefined;
  return {
    from: new Date(`${from}T00:00:00.000Z`).toISOString(),
    to: new Date(Date.parse(`${to}T00:00:00.000Z`) + DAY_MS).toISOString(),
    channel: form.elements.namedItem('channel').value,
    clientId: form.elements.namedItem('client').value.trim(),
  };
}

function showError(section, message) {
  const error = section.querySelector('.error');
  error.textContent = message ?? '';
  error.hidden = !message;
}

/** Fills a table's body; `emptyText` (when given) says so in one row when there is nothing to show. */
function fillTable(table, rows, emptyText) {
  const body = table.tBodies[0];
  if (rows.length === 0 && emptyText) {
    const cell = document.createElement('td');
    cell.colSpan = table.tHead?.rows[0]?.cells.length ?? 1;
    cell.className = 'empty';
    cell.textContent = emptyText;
    const row = document.createElement('tr');
    row.append(cell);
    body.replaceChildren(row);
    return;
  }
  body.replaceChildren(...rows.map((cells) => {
    const row = document.createElement('tr');
    for (const text of cells) {
      const cell = document.createElement('td');
      cell.textContent = text;
      row.append(cell);
    }
    return row;
  }));
}

function drawChart(canvas, type, labels, series, options = {}) {
  charts.get(canvas)?.destroy();
  charts.delete(canvas);
  // Without Chart.js (blocked, failed to load) the tables still carry every figure.
  if (typeof globalThis.Chart !== 'function') return;
  const datasets = series.map((entry, index) => ({
    label: entry.label,
    data: entry.values,
    backgroundColor: COLOURS[index % COLOURS.length],
    borderColor: COLOURS[index % COLOURS.length],
    spanGaps: true,
  }));
  charts.set(canvas, new globalThis.Chart(canvas, {
    type,
    data: { labels, datasets },
    options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { display: series.length > 1 } }, ...options },
  }));
}

function clearPanel(section) {
  const canvas = section.querySelector('canvas');
  if (canvas) {
    charts.get(canvas)?.destroy();
    charts.delete(canvas);
  }
  for (const table of section.querySelectorAll('table.figures')) fillTable(table, []);
}

/** Runs one panel: on a failed call, the error replaces the figures so no stale number stays. */
function drawPanel(section, answer, draw) {
  if (!answer.ok) {
    clearPanel(section);
    showError(section, answer.message);
    return false;
  }
  showError(section, undefined);
  try {
    draw(answer.body);
    return true;
  } catch (error) {
    clearPanel(section);
    showError(section, `The answer could not be shown: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

const NOTHING = 'Nothing in this window.';

const percentAxis = { y: { beginAtZero: true, min: 0, max: 1, ticks: { format: { style: 'percent' } } } };
const msAxis = { y: { beginAtZero: true, title: { display: true, text: 'ms' } } };

function drawFunnel(section, report) {
  const figures = funnelFigures(report);
  drawChart(section.querySelector('canvas'), 'bar', figures.labels, [{ label: 'journeys', values: figures.values }], { scales: { y: { beginAtZero: true } } });
  const [steps, dropOff] = section.querySelectorAll('table.figures');
  fillTable(steps, figures.rows, NOTHING);
  fillTable(dropOff, figures.dropOffRows, 'No journey abandoned.');
}

function drawConversion(section, report) {
  const figures = conversionFigures(report);
  drawChart(section.querySelector('canvas'), 'line', figures.labels, figures.series, { scales: percentAxis });
  fillTable(section.querySelector('table.figures'), figures.rows, NOTHING);
}

function drawLookToBook(section, report) {
  const figures = lookToBookFigures(report);
  drawChart(section.querySelector('canvas'), 'bar', figures.labels, [{ label: 'searches per order', values: figures.values }], { scales: { y: { beginAtZero: true } } });
  fillTable(section.querySelector('table.figures'), figures.rows, NOTHING);
}

function drawLatency(section, entries, nameOf, withErrors) {
  const figures = latencyFigures(entries, nameOf, withErrors);
  drawChart(section.querySelector('canvas'), 'bar', figures.labels, figures.series, { scales: msAxis });
  fillTable(section.querySelector('table.figures'), figures.rows, NOTHING);
}

const EXPERIMENT_COLUMNS = ['Variant', 'Exposures', 'Conversions', 'Rate', 'Lift', '95% CI of the difference', 'p-value'];

function drawExperiments(section, resultsList) {
  const list = section.querySelector('.experiment-list');
  section.querySelector('.empty').hidden = resultsList.length > 0;
  list.replaceChildren(...resultsList.map((results) => {
    const table = document.createElement('table');
    table.className = 'figures experiment';
    table.dataset.experiment = results.experiment.id;
    const caption = table.createCaption();
    caption.textContent = `${results.experiment.name} (${results.experiment.id}), since ${results.experiment.startedAt.slice(0, 10)}`;
    const head = table.createTHead().insertRow();
    for (const name of EXPERIMENT_COLUMNS) {
      const cell = document.createElement('th');
      cell.scope = 'col';
      cell.textContent = name;
      head.append(cell);
    }
    table.createTBody();
    fillTable(table, experimentRows(results));
    return table;
  }));
}

/** Each refresh's number: an answer that arrives after a newer refresh started is dropped, never drawn over it. */
let latestRefresh = 0;

async function refresh(form) {
  latestRefresh += 1;
  const refreshNumber = latestRefresh;
  const apiKey = form.elements.namedItem('api-key').value.trim();
  if (apiKey) sessionStorage.setItem(KEY_STORAGE, apiKey);
  else sessionStorage.removeItem(KEY_STORAGE);
  const filter = filterOf(form);
  const status = document.getElementById('status');
  if (!filter) {
    status.textContent = 'Choose the first and the last day of the window.';
    document.body.dataset.state = 'loaded';
    return;
  }
  const query = queryOf(filter);
  status.textContent = 'Loading…';
  document.body.dataset.state = 'loading';
  const [funnel, performance, conversion, experiments] = await Promise.all([
    readAnalytics(`/journey/funnel?${query}`, apiKey),
    readAnalytics(`/journey/performance?${query}`, apiKey),
    readAnalytics(`/conversion/rate?${query}`, apiKey),
    readRunningExperiments(apiKey),
  ]);
  if (refreshNumber !== latestRefresh) return;
  const byId = (id) => document.getElementById(id);
  const drawn = [
    drawPanel(byId('funnel'), funnel, (report) => drawFunnel(byId('funnel'), report)),
    drawPanel(byId('conversion'), conversion, (report) => drawConversion(byId('conversion'), report)),
    drawPanel(byId('look-to-book'), conversion, (report) => drawLookToBook(byId('look-to-book'), report)),
    drawPanel(byId('step-latency'), performance, (report) => drawLatency(byId('step-latency'), inStateOrder(report.steps), (entry) => entry.state, false)),
    drawPanel(byId('message-latency'), performance, (report) => drawLatency(byId('message-latency'), report.messages, (entry) => entry.message, true)),
    drawPanel(byId('experiments'), experiments, (resultsList) => drawExperiments(byId('experiments'), resultsList)),
  ];
  const failed = drawn.filter((ok) => !ok).length;
  status.textContent = failed === 0
    ? `Figures from ${filter.from.slice(0, 10)} to ${form.elements.namedItem('to').value}${filter.channel ? `, channel ${filter.channel}` : ''}${filter.clientId ? `, client ${filter.clientId}` : ''}.`
    : `${failed} panel(s) could not be loaded; see the messages below.`;
  document.body.dataset.state = 'loaded';
}

const form = document.getElementById('filters');
fillForm(form);
form.addEventListener('submit', (event) => {
  event.preventDefault();
  void refresh(form);
});
if (typeof globalThis.Chart !== 'function') {
  document.getElementById('status').textContent = 'Chart.js did not load; the figures are shown in tables only.';
}
void refresh(form);
