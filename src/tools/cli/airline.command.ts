import { loadConfig } from '../../config/config.ts';
import { listAirlineEvents, postFlightChange, type AdminAnswer, type FlightChangeBody } from '../airline-admin/airline-admin-client.ts';
import { EXIT, parseCommandLine, readCommandOptions, UsageError, type CliIo } from './cli-io.ts';

/**
 * `ndc-gateway airline`: what the reference airline's operations staff do, through its admin
 * routes. `change-flight` moves, cancels or re-equips a flight and prints which orders it hit and
 * where the event to the gateway stands; `events` lists the events sent.
 */

const USAGE = `Usage: ndc-gateway airline change-flight --flight XR123 --date YYYY-MM-DD (--shift MIN | --departure T [--arrival T] | --cancel | --aircraft CODE) [options]
       ndc-gateway airline change-flight --segment SEG-XR123-20270105 ...
       ndc-gateway airline events

change-flight  changes one flight of one day at the reference airline: its schedule changes (later
               shopping sees it) and the orders on it are sent to the gateway as one event
events         lists the change events the airline sent and where their delivery stands

Options:
  --airline-url URL        base URL of the reference airline (default: AIRLINE_URL, else http://127.0.0.1:AIRLINE_PORT)
  --admin-key KEY          bearer key of its admin routes (default: AIRLINE_ADMIN_KEY; unset works on loopback)
  --flight XR123           flight number, with or without the carrier
  --date YYYY-MM-DD        scheduled local departure date
  --segment ID             the flight's segment id instead of --flight and --date
  --shift MIN              move departure and arrival by MIN minutes (negative: earlier)
  --departure T            new local departure, YYYY-MM-DDTHH:MM (the block time is kept without --arrival)
  --arrival T              new local arrival, YYYY-MM-DDTHH:MM
  --cancel                 cancel the flight
  --aircraft CODE          new aircraft (e.g. 789); alone, an equipment change
  --reason TEXT            why, told to the sellers
  --action-time-limit ISO  by when sellers should answer (default: 24 hours from now)
  --default-action A       ACCEPT or CANCEL without an answer (default: CANCEL for a cancellation, else ACCEPT)
  -h, --help               this text

Exit codes: 0 the airline made the change, 1 it refused it, 2 usage error.
See docs/airline-changes.md.
`;

const OPTIONS = {
  'airline-url': { type: 'string' },
  'admin-key': { type: 'string' },
  flight: { type: 'string' },
  date: { type: 'string' },
  segment: { type: 'string' },
  shift: { type: 'string' },
  departure: { type: 'string' },
  arrival: { type: 'string' },
  cancel: { type: 'boolean', default: false },
  aircraft: { type: 'string' },
  reason: { type: 'string' },
  'action-time-limit': { type: 'string' },
  'default-action': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

interface AirlineArgs {
  readonly action: 'change-flight' | 'events' | undefined;
  readonly airlineUrl: string | undefined;
  readonly adminKey: string | undefined;
  readonly body: FlightChangeBody | undefined;
  readonly help: boolean;
}

/** The change the options describe; the kind follows from what changes. */
export function flightChangeOf(values: {
  flight?: string | undefined; date?: string | undefined; segment?: string | undefined; shift?: string | undefined; departure?: string | undefined; arrival?: string | undefined;
  cancel?: boolean | undefined; aircraft?: string | undefined; reason?: string | undefined; 'action-time-limit'?: string | undefined; 'default-action'?: string | undefined;
}): FlightChangeBody {
  if (values.segment === undefined && (values.flight === undefined || values.date === undefined)) throw new UsageError('Name the flight: --flight and --date, or --segment');
  const retimed = values.shift !== undefined || values.departure !== undefined || values.arrival !== undefined;
  if (values.cancel && (retimed || values.aircraft !== undefined)) throw new UsageError('--cancel takes no new times or aircraft');
  if (!values.cancel && !retimed && values.aircraft === undefined) throw new UsageError('Say what changes: --shift, --departure/--arrival, --cancel or --aircraft');
  if (values.shift !== undefined && (values.departure !== undefined || values.arrival !== undefined)) throw new UsageError('Give either --shift or --departure/--arrival');
  const shift = values.shift === undefined ? undefined : Number(values.shift);
  if (shift !== undefined && (!Number.isInteger(shift) || shift === 0)) throw new UsageError(`--shift takes a non-zero whole number of minutes, not '${values.shift}'`);
  const defaultAction = values['default-action']?.toUpperCase();
  if (defaultAction !== undefined && defaultAction !== 'ACCEPT' && defaultAction !== 'CANCEL') throw new UsageError(`--default-action takes ACCEPT or CANCEL, not '${values['default-action']}'`);
  return {
    kind: values.cancel ? 'CANCELLATION' : retimed ? 'SCHEDULE_CHANGE' : 'EQUIPMENT_CHANGE',
    ...(values.segment !== undefined ? { segmentId: values.segment } : { flightNumber: (values.flight as string).toUpperCase(), date: values.date as string }),
    ...(shift !== undefined ? { shiftMinutes: shift } : {}),
    ...(values.departure !== undefined ? { departure: values.departure } : {}),
    ...(values.arrival !== undefined ? { arrival: values.arrival } : {}),
    ...(values.aircraft !== undefined ? { aircraft: values.aircraft } : {}),
    ...(values.reason !== undefined ? { reason: values.reason } : {}),
    ...(values['action-time-limit'] !== undefined ? { actionTimeLimit: values['action-time-limit'] } : {}),
    ...(defaultAction !== undefined ? { defaultAction: defaultAction as 'ACCEPT' | 'CANCEL' } : {}),
  };
}

function readArgs(args: readonly string[]): AirlineArgs {
  const { values, positionals } = parseCommandLine(args, OPTIONS);
  const [action, ...extra] = positionals;
  if (action !== undefined && action !== 'change-flight' && action !== 'events') throw new UsageError(`Unknown action '${action}': use change-flight or events`);
  if (extra.length > 0) throw new UsageError(`Unexpected argument '${extra[0]}'`);
  return {
    action,
    airlineUrl: values['airline-url'],
    adminKey: values['admin-key'],
    body: action === 'change-flight' && !values.help ? flightChangeOf(values) : undefined,
    help: values.help,
  };
}

function print(io: CliIo, answer: AdminAnswer): number {
  let shown = answer.text;
  try {
    shown = JSON.stringify(JSON.parse(answer.text) as unknown, null, 2);
  } catch {
    // Not JSON (a proxy's error page, say): shown as it came.
  }
  (answer.status >= 200 && answer.status < 300 ? io.stdout : io.stderr).write(`${shown}\n`);
  return answer.status >= 200 && answer.status < 300 ? EXIT.ok : EXIT.invalid;
}

export async function run(args: readonly string[], io: CliIo): Promise<number> {
  const options = readCommandOptions(() => readArgs(args), USAGE, io);
  if (typeof options === 'number') return options;
  if (options.action === undefined) {
    io.stderr.write(USAGE);
    return EXIT.usage;
  }
  const config = loadConfig();
  const airlineUrl = options.airlineUrl ?? config.airlineUrl ?? `http://127.0.0.1:${config.airlinePort}`;
  const adminKey = options.adminKey ?? config.airlineAdminKey;
  const call = { ...(adminKey !== undefined ? { adminKey } : {}) };
  try {
    const answer = options.action === 'events' ? await listAirlineEvents(airlineUrl, call) : await postFlightChange(airlineUrl, options.body as FlightChangeBody, call);
    return print(io, answer);
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    io.stderr.write(`The airline at ${airlineUrl} did not answer: ${error instanceof Error ? error.message : String(error)}${cause}\n`);
    return EXIT.invalid;
  }
}
