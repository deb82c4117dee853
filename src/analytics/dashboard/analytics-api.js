// Reads the analytics API (/api/v1/analytics/...) for the dashboard. An answer is either
// { ok: true, body } or { ok: false, message }: the page shows a failed call, it never throws.

const BASE = '/api/v1/analytics';

/** Query string of a filter: from and to as ISO instants, channel and client only when one is chosen. */
export function queryOf(filter) {
  const query = new URLSearchParams({ from: filter.from, to: filter.to });
  if (filter.channel) query.set('channel', filter.channel);
  if (filter.clientId) query.set('clientId', filter.clientId);
  return query.toString();
}

/** What went wrong, in words a user can act on: the status, the error code and message of the gateway. */
async function describeFailure(response) {
  let detail = response.statusText;
  try {
    const body = await response.json();
    if (body && body.error) detail = [body.error.code, body.error.message].filter(Boolean).join(': ');
  } catch {
    // Not JSON (a proxy's page): the status text says enough.
  }
  return `${response.status} ${detail}`.trim();
}

/** GETs one analytics resource with the user's key (none in the embedded demo). */
export async function readAnalytics(path, apiKey) {
  const headers = { accept: 'application/json' };
  if (apiKey) headers['x-api-key'] = apiKey;
  let response;
  try {
    response = await fetch(`${BASE}${path}`, { headers, credentials: 'omit', cache: 'no-store' });
  } catch (error) {
    return { ok: false, message: `The gateway did not answer (${error instanceof Error ? error.message : String(error)})` };
  }
  if (!response.ok) return { ok: false, message: await describeFailure(response) };
  try {
    return { ok: true, body: await response.json() };
  } catch {
    return { ok: false, message: `${response.status}: the answer is not JSON` };
  }
}

/** Every experiment the API lists, with the results of the running ones. */
export async function readRunningExperiments(apiKey) {
  const listed = await readAnalytics('/experiments', apiKey);
  if (!listed.ok) return listed;
  const experiments = Array.isArray(listed.body) ? listed.body : (listed.body.experiments ?? []);
  const running = experiments.filter((experiment) => experiment.status === 'running');
  const results = await Promise.all(running.map((experiment) => readAnalytics(`/experiments/${encodeURIComponent(experiment.id)}`, apiKey)));
  const failed = results.find((result) => !result.ok);
  if (failed) return failed;
  return { ok: true, body: results.map((result) => result.body) };
}
