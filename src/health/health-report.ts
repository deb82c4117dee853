/** What one readiness check found. */
export interface HealthCheckResult {
  readonly ok: boolean;
  readonly detail?: unknown;
}

/** A named readiness check; a process is ready only when every check passes. */
export type HealthCheck = () => Promise<HealthCheckResult>;

/** What `/ready` (and its alias `/health`) answers: 200 with status `ok`, else 503. */
export interface HealthReport {
  readonly status: 'ok' | 'unavailable';
  readonly checks: Readonly<Record<string, HealthCheckResult>>;
}

/** A check that has not answered after this long fails, so a probe never hangs on one dependency. */
const CHECK_TIMEOUT_MS = 2_000;

async function runCheck(check: HealthCheck, timeoutMs: number): Promise<HealthCheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<HealthCheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([check(), timeout]);
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs every check at once and reports each with its detail. Kept apart from the route, so what a
 * caller may see of the details can be decided where the report is sent.
 */
export async function runHealthChecks(checks: Readonly<Record<string, HealthCheck>>, timeoutMs = CHECK_TIMEOUT_MS): Promise<HealthReport> {
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((name) => runCheck(checks[name]!, timeoutMs)));
  const report: Record<string, HealthCheckResult> = {};
  names.forEach((name, index) => { report[name] = results[index]!; });
  return { status: results.every((result) => result.ok) ? 'ok' : 'unavailable', checks: report };
}
