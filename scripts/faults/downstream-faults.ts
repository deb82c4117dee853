/**
 * Faults of the services behind the gateway: the airline or the payment service slowed beyond the
 * gateway's timeout, or refusing (and dropping) connections, through the TCP proxy the cluster
 * puts in front of each. Each injection checks the promise the circuit breaker makes: once it is
 * open, the sellers get fast errors with the right code (DOWNSTREAM_UNAVAILABLE, 502, in an NDC
 * `<Errors>`) instead of waiting for the timeout, nothing answers 500 or hangs, and once the
 * service is back the breaker closes and the calls succeed again.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ERROR_TABLE, type ErrorCode } from '../../src/errors/error-table.ts';
import type { AnswerRecord, Cluster, FaultContext, FaultDefinition, ProxyMode, TcpProxy } from './types.ts';

/** The gateway's timeout per downstream attempt in these runs (DOWNSTREAM_TIMEOUT_MS; the default). */
export const DOWNSTREAM_TIMEOUT_MS = 3000;
/** What the slow proxy holds each chunk: a request and its answer each arrive later than the timeout. */
const SLOW_MS = DOWNSTREAM_TIMEOUT_MS + 1500;
/** An answer under this came from the open breaker, not from a call that waited for the timeout. */
export const FAST_MS = DOWNSTREAM_TIMEOUT_MS / 2;
/** The breaker's time open before it lets one trial call through (its resetTimeout default). */
const BREAKER_RESET_MS = 5000;
/** Answers in a row, fast DOWNSTREAM_UNAVAILABLE, that show the breakers of every process on the path are open. */
const OPEN_IN_A_ROW = 6;
/** How long the breaker may take to open; it needs 5 failed calls with most calls failing in its 10 s window. */
const OPEN_WITHIN_MS = 30_000;
/** How long the fault is kept once the breaker opened, under load. */
const HOLD_OPEN_MS = 4000;
/** How long the breaker may take to close once the service is back: its reset time, then one trial call. */
const CLOSE_WITHIN_MS = 30_000;

/** Errors a seller may get while a downstream is away; any other code (or a 500, or no answer) breaks the promise. */
const FAULT_CODES: ReadonlySet<string> = new Set(['DOWNSTREAM_UNAVAILABLE', 'DEADLINE_EXCEEDED', 'REQUEST_IN_PROGRESS',
  ...Object.entries(ERROR_TABLE).filter(([, d]) => d.kind === 'business').map(([code]) => code)]);

interface Downstream {
  readonly name: 'airline' | 'payment';
  readonly label: string;
  /** How the gateway's logs name it: `<service> circuit open`. */
  readonly logName: RegExp;
  proxy(cluster: Cluster): TcpProxy;
  /** The NDC messages whose answers depend on it. */
  readonly messages: ReadonlySet<string>;
}

const AIRLINE: Downstream = {
  name: 'airline', label: 'the airline', logName: /^airline /, proxy: (cluster) => cluster.airlineProxy, messages: new Set(['AirShoppingRQ', 'OfferPriceRQ', 'OrderCreateRQ']),
};
// Card data is tokenised at the edge and charged by the worker: only OrderCreateRQ needs the payment service.
const PAYMENT: Downstream = {
  name: 'payment', label: 'the payment service', logName: /^payment service /, proxy: (cluster) => cluster.paymentProxy, messages: new Set(['OrderCreateRQ']),
};

const isSuccess = (a: AnswerRecord): boolean => a.status === 200 && a.errorCode === undefined;
const isFastOpen = (a: AnswerRecord): boolean => a.errorCode === 'DOWNSTREAM_UNAVAILABLE' && a.status === 502 && a.ms < FAST_MS;
/** One answer for a message, its send time relative to `base` (the injection). */
const describeAnswer = (a: AnswerRecord, base: number): string => `${a.message} sent at +${a.at - base} ms: ${a.status}${a.errorCode ? ` ${a.errorCode}` : ''} in ${a.ms} ms`;

/**
 * What is wrong with one answer given while the downstream was away: no answer at all, a 500, an
 * answer without `<Errors>` that is not a success, a code the gateway does not document, a code
 * with another HTTP status than its row of the error table, or a code no seller should get here.
 */
export function answerProblem(answer: AnswerRecord): string | undefined {
  if (answer.status === 0) return 'no answer (connection refused or reset, or the client timed out)';
  if (answer.errorCode === undefined) return answer.status === 200 ? undefined : `HTTP ${answer.status} without an NDC <Errors>`;
  const row = ERROR_TABLE[answer.errorCode as ErrorCode] as (typeof ERROR_TABLE)[ErrorCode] | undefined;
  if (!row) return `code ${answer.errorCode} is not in the error table`;
  if (row.httpStatus !== answer.status) return `${answer.errorCode} answered with HTTP ${answer.status}, not ${row.httpStatus}`;
  if (!FAULT_CODES.has(answer.errorCode)) return `${answer.errorCode} is no answer to a downstream being away`;
  return undefined;
}

/**
 * Polls the sellers' answers until the last OPEN_IN_A_ROW answers (by time sent) to messages that
 * need the downstream are fast DOWNSTREAM_UNAVAILABLE, and a process logged its breaker open: a
 * refused connection fails fast with or without the breaker, which opens only once failures
 * outweigh the successes still in its window. Resolves with the time the first of them was sent.
 */
async function waitForOpenBreaker(context: FaultContext, downstream: Downstream, since: number): Promise<number> {
  const until = since + OPEN_WITHIN_MS;
  for (;;) {
    const answers = context.answersSince(since).filter((a) => downstream.messages.has(a.message)).sort((a, b) => a.at - b.at);
    const last = answers.slice(-OPEN_IN_A_ROW);
    const logged = processesThatOpened(context.cluster, downstream, since, Date.now());
    if (last.length === OPEN_IN_A_ROW && last.every(isFastOpen) && logged?.length !== 0) return last[0]!.at;
    if (Date.now() > until) {
      throw new Error(`${downstream.label}'s breaker did not open within ${OPEN_WITHIN_MS} ms (${logged?.length === 0 ? 'no process logged it open' : 'logged open'}): `
        + `the last answers were ${last.map((a) => describeAnswer(a, since)).join('; ') || 'none'}`);
    }
    await sleep(200);
  }
}

/** Polls until a message that needs the downstream, sent after `since`, succeeds: the breaker closed. Resolves with when it was answered. */
async function waitForClosedBreaker(context: FaultContext, downstream: Downstream, since: number): Promise<number> {
  const until = since + CLOSE_WITHIN_MS;
  for (;;) {
    const success = context.answersSince(since).find((a) => downstream.messages.has(a.message) && isSuccess(a));
    if (success) return success.at + success.ms;
    if (Date.now() > until) throw new Error(`${downstream.label}'s breaker did not close within ${CLOSE_WITHIN_MS} ms of the service coming back`);
    await sleep(200);
  }
}

/**
 * The processes whose logs say their breaker for the downstream opened between `from` and `to`
 * (pino's `<service> circuit open`), from the log files the cluster writes to its folder. A
 * refused connection fails fast with or without a breaker; the log shows the breaker did open.
 */
function processesThatOpened(cluster: Cluster, downstream: Downstream, from: number, to: number): string[] | undefined {
  const dir = (cluster as { readonly dir?: string }).dir;
  if (dir === undefined) return undefined;
  return [...cluster.gateways, ...cluster.workers].map((p) => p.name).filter((name) => {
    const file = join(dir, `${name}.log`);
    if (!existsSync(file)) return false;
    return readFileSync(file, 'utf8').split('\n').some((line) => {
      if (!line.includes('circuit open')) return false;
      try {
        const entry = JSON.parse(line) as { time?: number; msg?: string };
        return entry.time !== undefined && entry.time >= from && entry.time <= to && downstream.logName.test(entry.msg ?? '');
      } catch {
        return false;
      }
    });
  });
}

/**
 * One injection: the proxy slows or cuts the downstream until the breaker is open, keeps it so
 * for HOLD_OPEN_MS under load, then passes again; resolves once a call succeeds through the
 * closed breaker. Throws with every broken promise at once.
 */
async function injectDownstreamFault(context: FaultContext, downstream: Downstream, mode: ProxyMode): Promise<void> {
  const proxy = downstream.proxy(context.cluster);
  const injectedAt = Date.now();
  await proxy.mode(mode);
  let openedAt: number;
  let passAt = 0;
  try {
    openedAt = await waitForOpenBreaker(context, downstream, injectedAt);
    await sleep(HOLD_OPEN_MS);
  } finally {
    // Whatever was found, the service comes back, so the run can stop or go on cleanly.
    passAt = Date.now();
    await proxy.mode({ kind: 'pass' });
  }
  const closedAt = await waitForClosedBreaker(context, downstream, passAt);

  const during = context.answersSince(injectedAt).filter((a) => a.at < passAt);
  const problems = during.flatMap((a) => {
    const problem = answerProblem(a);
    return problem ? [`${describeAnswer(a, injectedAt)}: ${problem}`] : [];
  });
  // Once open, a process answers at once except for one trial call per reset period (which waits for the timeout).
  const open = during.filter((a) => downstream.messages.has(a.message) && a.at >= openedAt && a.at + a.ms <= passAt);
  const slow = open.filter((a) => a.ms >= FAST_MS);
  const processes = context.cluster.gateways.length + context.cluster.workers.length;
  const trials = processes * (2 + Math.ceil((passAt - openedAt) / BREAKER_RESET_MS));
  if (slow.length > trials) {
    problems.push(`${slow.length} of ${open.length} answers while the breaker was open took ${FAST_MS} ms or more (at most ${trials} trial calls expected): ${slow.slice(0, 5).map((a) => describeAnswer(a, injectedAt)).join('; ')}`);
  }
  const opened = processesThatOpened(context.cluster, downstream, injectedAt, passAt);
  if (opened?.length === 0) problems.push(`no process logged its ${downstream.name} circuit open during the fault`);
  const others = during.filter((a) => !downstream.messages.has(a.message));
  context.log(`injection ${context.injection}: ${downstream.name} ${mode.kind}; breaker open after ${openedAt - injectedAt} ms${opened ? ` (in ${opened.join(', ')})` : ''}, ` +
    `${open.length - slow.length} fast and ${slow.length} slow answers while open, closed ${closedAt - passAt} ms after the service came back; ` +
    `other messages meanwhile: ${others.filter(isSuccess).length} of ${others.length} succeeded`);
  if (problems.length > 0) throw new Error(`injection ${context.injection} (${downstream.name} ${mode.kind}):\n  ${problems.slice(0, 20).join('\n  ')}`);
}

/** Injections alternate: odd ones refuse connections (ECONNREFUSED), even ones accept and drop them (reset). */
const downMode = (context: FaultContext): ProxyMode => (context.injection % 2 === 1 ? { kind: 'refuse' } : { kind: 'drop' });

/**
 * The idempotency lease covers an attempt's longest run here: a capture retried against a slowed
 * service, then the undoing of the steps before it, each call up to the timeout. With the harness's
 * short default lease (9 s) a retry could take the key over while the first attempt was still
 * undoing its work, and that attempt then voided the tickets of the order the retry completed.
 */
const cluster = { gateways: 1, workers: 2, env: { DOWNSTREAM_TIMEOUT_MS: String(DOWNSTREAM_TIMEOUT_MS), IDEMPOTENCY_LEASE_MS: '30000' } };
/**
 * Between injections: longer than the breaker's 10 s window minus the time it took to close, so
 * the calls it rejected while open (opossum counts them as calls) no longer dilute the failures
 * that should open it again.
 */
const intervalMs = 8000;

function downstreamFaults(downstream: Downstream): FaultDefinition[] {
  return [
    {
      name: `${downstream.name}-slow`,
      description: `${downstream.label} slowed beyond the gateway's timeout (every chunk held ${SLOW_MS} ms, timeout ${DOWNSTREAM_TIMEOUT_MS} ms) until the breaker opened, then back`,
      cluster, intervalMs,
      inject: (context) => injectDownstreamFault(context, downstream, { kind: 'delay', ms: SLOW_MS }),
    },
    {
      name: `${downstream.name}-down`,
      description: `${downstream.label} refusing connections (odd injections) or dropping them (even ones) until the breaker opened, then back`,
      cluster, intervalMs,
      inject: (context) => injectDownstreamFault(context, downstream, downMode(context)),
    },
  ];
}

export const [airlineSlow, airlineDown] = downstreamFaults(AIRLINE) as [FaultDefinition, FaultDefinition];
export const [paymentSlow, paymentDown] = downstreamFaults(PAYMENT) as [FaultDefinition, FaultDefinition];
