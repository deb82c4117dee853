import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import { loadAirlinesFile, type AirlinesSetup } from '../airlines/airlines-file.ts';
import { isKnownCurrency } from '../money/index.ts';
import { loadRulesConfig } from '../rules/rules-config.ts';
import type { RulesConfig } from '../rules/rule-types.ts';
import { ConfigError } from './config-error.ts';

/**
 * Gateway configuration. This is the only module that reads `process.env`.
 * Values are checked once with ajv, defaulted and frozen, then passed down through factories.
 */
export interface Config {
  /** HTTP port of the gateway. @defaultValue 8080 */
  readonly port: number;
  /**
   * Address the gateway (and the worker's monitoring port) listens on. The embedded demo, where
   * anyone who reaches the port is the demo client, stays on loopback unless HOST says otherwise.
   * @defaultValue '0.0.0.0' with CLIENTS_FILE, else '127.0.0.1'
   */
  readonly host: string;
  /** Folder holding IATA schema packages as `<version>/<files>`. @defaultValue ../shared/iata-ndc if it exists */
  readonly schemaPath: string;
  /** NDC versions served. @defaultValue ['21.3', '17.2', '24.4', '26.1'] */
  readonly versions: readonly string[];
  /** Version used when a request does not say which one it is. @defaultValue '21.3' */
  readonly defaultVersion: string;
  /** XSD engine: 'libxml2-wasm' (default) or 'libxmljs2'. */
  readonly xsdEngine: 'libxml2-wasm' | 'libxmljs2';
  /** Cap on validation errors reported for one document. @defaultValue 50 */
  readonly xsdMaxErrors: number;
  /** Largest accepted body in bytes. @defaultValue 10 MB */
  readonly bodyLimitBytes: number;
  /** Deadline for one NDC request, end to end. @defaultValue 10000 */
  readonly requestTimeoutMs: number;
  /** How long the HTTP edge waits for the queued command; kept below the request deadline. */
  readonly queueWaitMs: number;
  /** Redis URL; when unset the embedded in-process queue is used. */
  readonly redisUrl: string | undefined;
  /** Prefix for BullMQ queues and result keys. @defaultValue 'ndc' */
  readonly queuePrefix: string;
  /** Jobs run at once per worker process. @defaultValue 32 */
  readonly workerConcurrency: number;
  /**
   * How long a worker's lock on a running job lasts, in milliseconds; also how often workers look for
   * jobs whose worker died (stalled), so a job whose worker died runs again within about twice this. @defaultValue 30000
   */
  readonly queueLockMs: number;
  /**
   * Gateway processes sharing the HTTP port (node:cluster), so the edge uses every core. Needs
   * DATABASE_URL when above 1: the embedded PGlite store is one process's. @defaultValue 1
   */
  readonly gatewayProcesses: number;
  /** Whether `npm start` runs workers in the gateway process. @defaultValue true */
  readonly runWorkers: boolean;
  /** Replies (encoded results) larger than this many bytes are parked in Redis and passed by reference. @defaultValue 1048576 */
  readonly resultInlineMaxBytes: number;
  /** Time to live of results passed by reference, in seconds. @defaultValue 120 */
  readonly resultTtlSeconds: number;
  /**
   * AIRLINES_FILE, read and checked at start-up: the airlines of aggregator mode, each behind its
   * own connector, with the router choosing by owner and fanning offer.shop out. Unset: the one
   * airline of AIRLINE_URL (or the built-in reference airline), as before.
   */
  readonly airlines: AirlinesSetup | undefined;
  /** Base URL of the airline (offer, seat, service) API; when unset the built-in reference airline is started. */
  readonly airlineUrl: string | undefined;
  /** Port of the built-in reference airline. @defaultValue 8090 */
  readonly airlinePort: number;
  /** Per-call timeout towards downstream services. @defaultValue 3000 */
  readonly downstreamTimeoutMs: number;
  /** Retries on idempotent downstream calls. @defaultValue 2 */
  readonly downstreamRetries: number;
  /** Folder of mapping files. @defaultValue ./mappings */
  readonly mappingsPath: string;
  /** Folder of command schemas. @defaultValue ./schemas/commands */
  readonly commandSchemasPath: string;
  /** Currency used when a request names none. @defaultValue 'EUR' */
  readonly currency: string;
  /** Two-letter designator of the airline the gateway fronts. @defaultValue 'XR' */
  readonly airlineDesignator: string;
  /** Name of the airline the gateway fronts. @defaultValue 'Reference Air' */
  readonly airlineName: string;
  /** Hubs of the built-in reference airline's generated network. @defaultValue ['LHR', 'JFK', 'DXB', 'SIN', 'LAX', 'GRU', 'JNB', 'SYD', 'HKG'] */
  readonly airlineHubs: readonly string[];
  /** Continents whose commercial airports the built-in reference airline serves. @defaultValue ['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA'] */
  readonly airlineRegions: readonly string[];
  /**
   * Where the reference airline sends its change events (AIRLINE_EVENTS_URL). Unset: the airline
   * embedded in the gateway sends them to the gateway itself (`/api/v1/airline/events` on PORT),
   * a stand-alone one sends none.
   */
  readonly airlineEventsUrl: string | undefined;
  /** Bearer key the reference airline sends with its events (AIRLINE_EVENTS_KEY); the embedded demo uses the demo client's key. */
  readonly airlineEventsKey: string | undefined;
  /** Bearer key of the reference airline's `/admin` routes (AIRLINE_ADMIN_KEY); unset lets in loopback callers only. */
  readonly airlineAdminKey: string | undefined;
  /** Journal file keeping the reference airline's holds, tickets and schedule changes across restarts (AIRLINE_STATE_FILE); unset keeps them in memory. */
  readonly airlineStateFile: string | undefined;
  /** pino level. @defaultValue 'info' */
  readonly logLevel: string;
  /** Readable coloured log lines instead of JSON, for development (needs the dev dependency pino-pretty). @defaultValue false */
  readonly logPretty: boolean;
  /** Running under CI (`CI` set): command-line tools stay quiet, no progress bars. */
  readonly ci: boolean;
  /** Reload mapping files when they change on disk. @defaultValue true */
  readonly mappingsWatch: boolean;
  /** PostgreSQL URL of the order store; when unset the embedded PGlite store in `dataDir` is used. */
  readonly databaseUrl: string | undefined;
  /** PostgreSQL schema holding the order tables. @defaultValue 'ndc_gateway' */
  readonly databaseSchema: string;
  /** Folder of the embedded PGlite order store. @defaultValue ./data/orders */
  readonly dataDir: string;
  /**
   * How often the journey outcome model is trained again on the analytics tables, in
   * milliseconds; one gateway process trains at a time (advisory lock). @defaultValue 600000
   */
  readonly predictionRetrainMs: number;
  /** Finished journeys needed before a model is trained; below it the round is skipped with a log line. @defaultValue 200 */
  readonly predictionMinJourneys: number;
  /** Base URL of the payment service; when unset the built-in reference payment service is started. */
  readonly paymentUrl: string | undefined;
  /** Port of the built-in reference payment service. @defaultValue 8091 */
  readonly paymentPort: number;
  /** JSON file declaring API clients; when unset one documented demo client is used. */
  readonly clientsFile: string | undefined;
  /**
   * Requests one gateway process takes in flight on the NDC, ONE Order and admin routes; beyond
   * it the answer is 503 with Retry-After, before the body is read. @defaultValue 128
   */
  readonly maxRequestsInFlight: number;
  /**
   * Keys sealing contacts, identity documents and stored answers in the order store
   * (AES-256-GCM), from PERSONAL_DATA_KEYS: the first seals, every one opens what it sealed (a
   * new key is added second, then moved first; see the README). Unset means the published
   * development key of the embedded demo, which protects nothing: production must set its own.
   */
  readonly personalDataKeys: readonly PersonalDataKeySetting[] | undefined;
  /**
   * `production` refuses to start while a simulator or a per-process store would stand in for a real
   * service (see `listDeploymentProblems`); `embedded` runs them. @defaultValue 'production' when NODE_ENV=production, else 'embedded'
   */
  readonly profile: 'embedded' | 'production';
  /**
   * On SIGTERM or SIGINT: how long a process may take to answer its requests in flight, let its
   * workers finish their jobs and close its stores before it exits anyway, with code 1. @defaultValue 15000
   */
  readonly shutdownGraceMs: number;
  /** Port of the live, ready and metrics endpoints of `npm run worker`; 0 picks a free one. @defaultValue 8081 */
  readonly workerPort: number;
  /** Idle time after which a journey is abandoned with the reason `timeout` (sliding). @defaultValue 1800 */
  readonly journeyTimeoutS: number;
  /** How long a complete or abandoned journey stays readable. @defaultValue 86400 */
  readonly journeyFinalRetentionS: number;
  /** Payment attempts of a journey; the last declined one abandons it and releases the held seats. @defaultValue 3 */
  readonly journeyMaxPaymentRetries: number;
  /** How often the sweeper looks for idle journeys, in milliseconds. @defaultValue 5000 */
  readonly journeySweepMs: number;
  /** Whether NDC shop → price → order traffic opens and advances journeys. @defaultValue true */
  readonly journeyNdcTracking: boolean;
  /** Approximate length the Redis Stream of journey events is trimmed to (MAXLEN ~); also the cap of the in-process stream. @defaultValue 1000000 */
  readonly journeyEventsMaxLen: number;
  /** How long a notification is retried, from its creation (or redelivery), before it is dead. @defaultValue 259200000 (72 h) */
  readonly notifyMaxAgeMs: number;
  /** Back-off before the first retry of a notification; doubles with each failure, with jitter. @defaultValue 5000 */
  readonly notifyBackoffBaseMs: number;
  /** Longest back-off between two attempts of a notification. @defaultValue 3600000 */
  readonly notifyBackoffMaxMs: number;
  /** How long one notification attempt waits for the receiver's answer. @defaultValue 10000 */
  readonly notifyTimeoutMs: number;
  /** How often undispatched notices are turned into deliveries. @defaultValue 1000 */
  readonly notifyDispatchMs: number;
  /** Where `order.sales_reported` notices go (the airline's accounting); unset, they go nowhere. */
  readonly accountingUrl: string | undefined;
  /** Body of accounting notifications: JSON, or NDC OrderSalesInformationNotifRQ. @defaultValue 'json' */
  readonly accountingFormat: 'json' | 'ndc';
  /** NDC version of accounting notifications when ACCOUNTING_FORMAT=ndc. @defaultValue NDC_DEFAULT_VERSION */
  readonly accountingVersion: '17.2' | '21.3' | '24.4' | '26.1';
  /** HMAC secret accounting notifications are signed with; required with ACCOUNTING_URL. */
  readonly accountingSecret: string | undefined;
  /**
   * Reads a `{ env: NAME }` secret of CLIENTS_FILE (webhook secrets) from the environment the
   * configuration was loaded from; undefined when the variable is unset or empty.
   */
  readonly environmentSecret: (name: string) => string | undefined;
  /**
   * How long a claimed idempotency key stays in progress before a retry may take it over (the
   * process holding it died). Above REQUEST_TIMEOUT_MS. @defaultValue 60000
   */
  readonly idempotencyLeaseMs: number;
  /** How long the answer of an order write is kept for replays of its idempotency key; at least the lease. @defaultValue 86400000 */
  readonly idempotencyTtlMs: number;
  /** How often the housekeeping job `holds.expire` cancels holds past their payment time limit; 0 never. @defaultValue 60000 */
  readonly holdExpirySweepMs: number;
  /** How often the housekeeping job `idempotency.purge` deletes expired idempotency keys; 0 never. @defaultValue 60000 */
  readonly idempotencyPurgeMs: number;
  /**
   * How often the housekeeping job `airline-changes.default` runs the default action of airline
   * changes left unanswered past their action time limit; 0 never. @defaultValue 60000
   */
  readonly airlineChangeSweepMs: number;
  /**
   * What the business rules (src/rules) do to a request that passed its XSD, for clients whose
   * CLIENTS_FILE entry says nothing: `off` skips them, `warn` answers as usual with an NDC
   * `Warning` per finding, `refuse` answers an error finding with BUSINESS_RULE_VIOLATION. @defaultValue 'warn'
   */
  readonly requestRules: RulesMode;
  /** REQUEST_RULES_CONFIG, read and checked at start-up: rules switched off or given another severity, as `validate --rules-config` takes them. @defaultValue every rule as defined */
  readonly requestRulesConfig: RulesConfig;
}

/** How the gateway treats requests that break business rules (REQUEST_RULES, CLIENTS_FILE `rules`). */
export type RulesMode = 'off' | 'warn' | 'refuse';

/** One key of PERSONAL_DATA_KEYS (`<id>:<base64 of 32 bytes>`). */
export interface PersonalDataKeySetting {
  /** Stored with every value the key seals. */
  readonly id: string;
  /** 32 random bytes, base64 (`openssl rand -base64 32`). */
  readonly key: string;
}

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['port', 'host', 'schemaPath', 'versions', 'defaultVersion', 'xsdEngine', 'xsdMaxErrors', 'bodyLimitBytes',
    'requestTimeoutMs', 'queueWaitMs', 'queuePrefix', 'workerConcurrency', 'queueLockMs', 'gatewayProcesses', 'runWorkers', 'resultInlineMaxBytes',
    'resultTtlSeconds', 'airlinePort', 'downstreamTimeoutMs', 'downstreamRetries', 'mappingsPath', 'commandSchemasPath',
    'currency', 'airlineDesignator', 'airlineName', 'airlineHubs', 'airlineRegions', 'logLevel', 'logPretty', 'ci', 'mappingsWatch', 'databaseSchema', 'dataDir', 'predictionRetrainMs', 'predictionMinJourneys', 'paymentPort',
    'maxRequestsInFlight', 'profile', 'shutdownGraceMs', 'workerPort', 'journeyTimeoutS', 'journeyFinalRetentionS',
    'journeyMaxPaymentRetries', 'journeySweepMs', 'journeyNdcTracking',
    'journeyEventsMaxLen', 'notifyMaxAgeMs', 'notifyBackoffBaseMs', 'notifyBackoffMaxMs', 'notifyTimeoutMs', 'notifyDispatchMs',
    'accountingFormat', 'accountingVersion', 'idempotencyLeaseMs', 'idempotencyTtlMs', 'holdExpirySweepMs', 'idempotencyPurgeMs',
    'airlineChangeSweepMs', 'requestRules'],
  properties: {
    port: { type: 'integer', minimum: 0, maximum: 65535 },
    host: { type: 'string', minLength: 1 },
    schemaPath: { type: 'string', minLength: 1 },
    versions: { type: 'array', minItems: 1, items: { enum: ['17.2', '21.3', '24.4', '26.1'] }, uniqueItems: true },
    defaultVersion: { enum: ['17.2', '21.3', '24.4', '26.1'] },
    xsdEngine: { enum: ['libxml2-wasm', 'libxmljs2'] },
    xsdMaxErrors: { type: 'integer', minimum: 1, maximum: 10000 },
    bodyLimitBytes: { type: 'integer', minimum: 1024 },
    requestTimeoutMs: { type: 'integer', minimum: 100 },
    queueWaitMs: { type: 'integer', minimum: 50 },
    redisUrl: { type: 'string', pattern: '^rediss?://' },
    queuePrefix: { type: 'string', pattern: '^[A-Za-z0-9_.:-]+$' },
    workerConcurrency: { type: 'integer', minimum: 1, maximum: 1024 },
    queueLockMs: { type: 'integer', minimum: 500 },
    gatewayProcesses: { type: 'integer', minimum: 1, maximum: 64 },
    runWorkers: { type: 'boolean' },
    resultInlineMaxBytes: { type: 'integer', minimum: 0 },
    resultTtlSeconds: { type: 'integer', minimum: 1 },
    airlineUrl: { type: 'string', pattern: '^https?://' },
    airlinePort: { type: 'integer', minimum: 0, maximum: 65535 },
    downstreamTimeoutMs: { type: 'integer', minimum: 10 },
    downstreamRetries: { type: 'integer', minimum: 0, maximum: 10 },
    mappingsPath: { type: 'string', minLength: 1 },
    commandSchemasPath: { type: 'string', minLength: 1 },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    airlineDesignator: { type: 'string', pattern: '^[A-Z0-9]{2}$' },
    airlineName: { type: 'string', minLength: 1 },
    airlineHubs: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^[A-Z]{3}$' }, uniqueItems: true },
    airlineRegions: { type: 'array', minItems: 1, items: { enum: ['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA'] }, uniqueItems: true },
    airlineEventsUrl: { type: 'string', pattern: '^https?://' },
    airlineEventsKey: { type: 'string', minLength: 8 },
    airlineAdminKey: { type: 'string', minLength: 8 },
    airlineStateFile: { type: 'string', minLength: 1 },
    logLevel: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    logPretty: { type: 'boolean' },
    ci: { type: 'boolean' },
    mappingsWatch: { type: 'boolean' },
    databaseUrl: { type: 'string', pattern: '^postgres(ql)?://' },
    databaseSchema: { type: 'string', pattern: '^[a-z_][a-z0-9_]{0,62}$' },
    dataDir: { type: 'string', minLength: 1 },
    predictionRetrainMs: { type: 'integer', minimum: 1000 },
    predictionMinJourneys: { type: 'integer', minimum: 10 },
    paymentUrl: { type: 'string', pattern: '^https?://' },
    paymentPort: { type: 'integer', minimum: 0, maximum: 65535 },
    clientsFile: { type: 'string', minLength: 1 },
    maxRequestsInFlight: { type: 'integer', minimum: 1, maximum: 100_000 },
    personalDataKeys: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'key'],
        properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,32}$' }, key: { type: 'string', pattern: '^[A-Za-z0-9+/]{43}=$' } },
      },
    },
    profile: { enum: ['embedded', 'production'] },
    shutdownGraceMs: { type: 'integer', minimum: 100 },
    workerPort: { type: 'integer', minimum: 0, maximum: 65535 },
    journeyTimeoutS: { type: 'integer', minimum: 1 },
    journeyFinalRetentionS: { type: 'integer', minimum: 1 },
    journeyMaxPaymentRetries: { type: 'integer', minimum: 1, maximum: 20 },
    journeySweepMs: { type: 'integer', minimum: 10 },
    journeyNdcTracking: { type: 'boolean' },
    journeyEventsMaxLen: { type: 'integer', minimum: 1000 },
    notifyMaxAgeMs: { type: 'integer', minimum: 1 },
    notifyBackoffBaseMs: { type: 'integer', minimum: 1 },
    notifyBackoffMaxMs: { type: 'integer', minimum: 1 },
    notifyTimeoutMs: { type: 'integer', minimum: 10 },
    notifyDispatchMs: { type: 'integer', minimum: 10 },
    accountingUrl: { type: 'string', pattern: '^https?://' },
    accountingFormat: { enum: ['json', 'ndc'] },
    accountingVersion: { enum: ['17.2', '21.3', '24.4', '26.1'] },
    accountingSecret: { type: 'string', minLength: 1 },
    idempotencyLeaseMs: { type: 'integer', minimum: 1000 },
    idempotencyTtlMs: { type: 'integer', minimum: 1000 },
    holdExpirySweepMs: { type: 'integer', minimum: 0 },
    idempotencyPurgeMs: { type: 'integer', minimum: 0 },
    airlineChangeSweepMs: { type: 'integer', minimum: 0 },
    requestRules: { enum: ['off', 'warn', 'refuse'] },
  },
} as const;

const validate = new Ajv({ allErrors: true }).compile(schema);

function int(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  return /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
}

function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

/** Parses sizes such as `10mb`, `512kb` or a plain byte count. */
export function parseBytes(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(value.trim());
  if (!match) return Number.NaN;
  const factor = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(match[2] ?? 'b').toLowerCase() as 'b'];
  return Math.floor(Number(match[1]) * factor);
}

function defaultSchemaPath(cwd: string): string {
  const shared = resolve(cwd, '../shared/iata-ndc');
  return existsSync(shared) ? shared : resolve(cwd, 'schemas/iata');
}

/**
 * `<id>:<base64>,<id>:<base64>…`, newest first. An entry without its colon keeps its key out of the
 * error message: the value is a secret.
 */
function parsePersonalDataKeys(value: string): { id: string; key: string }[] {
  return value.split(',').map((entry) => entry.trim()).filter(Boolean).map((entry) => {
    const colon = entry.indexOf(':');
    return colon === -1 ? { id: '', key: '' } : { id: entry.slice(0, colon), key: entry.slice(colon + 1) };
  });
}

export { ConfigError };

/** Reads, checks, defaults and freezes the configuration. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Config {
  const requestTimeoutMs = int(env.REQUEST_TIMEOUT_MS, 10_000);
  const raw: Record<string, unknown> = {
    port: int(env.PORT, 8080),
    host: env.HOST || (env.CLIENTS_FILE ? '0.0.0.0' : '127.0.0.1'),
    schemaPath: resolve(cwd, env.NDC_SCHEMA_PATH || defaultSchemaPath(cwd)),
    versions: (env.NDC_VERSIONS || '21.3,17.2,24.4,26.1').split(',').map((v) => v.trim()).filter(Boolean),
    defaultVersion: env.NDC_DEFAULT_VERSION || '21.3',
    xsdEngine: env.XSD_ENGINE || 'libxml2-wasm',
    xsdMaxErrors: int(env.XSD_MAX_ERRORS, 50),
    bodyLimitBytes: parseBytes(env.BODY_LIMIT, 10 * 1024 * 1024),
    requestTimeoutMs,
    queueWaitMs: int(env.QUEUE_WAIT_MS, Math.max(50, requestTimeoutMs - 500)),
    queuePrefix: env.QUEUE_PREFIX || 'ndc',
    workerConcurrency: int(env.WORKER_CONCURRENCY, 32),
    queueLockMs: int(env.QUEUE_LOCK_MS, 30_000),
    gatewayProcesses: int(env.GATEWAY_PROCESSES, 1),
    runWorkers: bool(env.RUN_WORKERS, true),
    resultInlineMaxBytes: int(env.RESULT_INLINE_MAX_BYTES, 1_048_576),
    resultTtlSeconds: int(env.RESULT_TTL_SECONDS, 120),
    airlinePort: int(env.AIRLINE_PORT, 8090),
    downstreamTimeoutMs: int(env.DOWNSTREAM_TIMEOUT_MS, 3000),
    downstreamRetries: int(env.DOWNSTREAM_RETRIES, 2),
    mappingsPath: resolve(cwd, env.MAPPINGS_PATH || 'mappings'),
    commandSchemasPath: resolve(cwd, env.COMMAND_SCHEMAS_PATH || 'schemas/commands'),
    currency: env.DEFAULT_CURRENCY || 'EUR',
    airlineDesignator: env.AIRLINE_DESIGNATOR || 'XR',
    airlineName: env.AIRLINE_NAME || 'Reference Air',
    airlineHubs: (env.AIRLINE_HUBS || 'LHR,JFK,DXB,SIN,LAX,GRU,JNB,SYD,HKG').split(',').map((v) => v.trim().toUpperCase()).filter(Boolean),
    airlineRegions: (env.AIRLINE_REGIONS || 'AF,AN,AS,EU,NA,OC,SA').split(',').map((v) => v.trim().toUpperCase()).filter(Boolean),
    logLevel: env.LOG_LEVEL || 'info',
    logPretty: bool(env.LOG_PRETTY, false),
    ci: bool(env.CI, false),
    mappingsWatch: bool(env.MAPPINGS_WATCH, true),
    databaseSchema: env.DATABASE_SCHEMA || 'ndc_gateway',
    dataDir: resolve(cwd, env.DATA_DIR || 'data/orders'),
    predictionRetrainMs: int(env.PREDICTION_RETRAIN_MS, 600_000),
    predictionMinJourneys: int(env.PREDICTION_MIN_JOURNEYS, 200),
    paymentPort: int(env.PAYMENT_PORT, 8091),
    maxRequestsInFlight: int(env.MAX_REQUESTS_IN_FLIGHT, 128),
    profile: env.GATEWAY_PROFILE || (env.NODE_ENV === 'production' ? 'production' : 'embedded'),
    shutdownGraceMs: int(env.SHUTDOWN_GRACE_MS, 15_000),
    workerPort: int(env.WORKER_PORT, 8081),
    journeyTimeoutS: int(env.JOURNEY_TIMEOUT_S, 1800),
    journeyFinalRetentionS: int(env.JOURNEY_FINAL_RETENTION_S, 86_400),
    journeyMaxPaymentRetries: int(env.JOURNEY_MAX_PAYMENT_RETRIES, 3),
    journeySweepMs: int(env.JOURNEY_SWEEP_MS, 5000),
    journeyNdcTracking: bool(env.JOURNEY_NDC_TRACKING, true),
    journeyEventsMaxLen: int(env.JOURNEY_EVENTS_MAXLEN, 1_000_000),
    notifyMaxAgeMs: int(env.NOTIFY_MAX_AGE_MS, 72 * 3_600_000),
    notifyBackoffBaseMs: int(env.NOTIFY_BACKOFF_BASE_MS, 5000),
    notifyBackoffMaxMs: int(env.NOTIFY_BACKOFF_MAX_MS, 3_600_000),
    notifyTimeoutMs: int(env.NOTIFY_TIMEOUT_MS, 10_000),
    notifyDispatchMs: int(env.NOTIFY_DISPATCH_MS, 1000),
    accountingFormat: env.ACCOUNTING_FORMAT || 'json',
    accountingVersion: env.ACCOUNTING_VERSION || env.NDC_DEFAULT_VERSION || '21.3',
    idempotencyLeaseMs: int(env.IDEMPOTENCY_LEASE_MS, 60_000),
    idempotencyTtlMs: int(env.IDEMPOTENCY_TTL_MS, 86_400_000),
    holdExpirySweepMs: int(env.HOLD_EXPIRY_SWEEP_MS, 60_000),
    idempotencyPurgeMs: int(env.IDEMPOTENCY_PURGE_MS, 60_000),
    airlineChangeSweepMs: int(env.AIRLINE_CHANGE_SWEEP_MS, 60_000),
    requestRules: env.REQUEST_RULES || 'warn',
  };
  if (env.ACCOUNTING_URL) raw.accountingUrl = env.ACCOUNTING_URL;
  if (env.ACCOUNTING_SECRET) raw.accountingSecret = env.ACCOUNTING_SECRET;
  if (env.DATABASE_URL) raw.databaseUrl = env.DATABASE_URL;
  if (env.PAYMENT_URL) raw.paymentUrl = env.PAYMENT_URL.replace(/\/+$/, '');
  if (env.CLIENTS_FILE) raw.clientsFile = resolve(cwd, env.CLIENTS_FILE);
  if (env.REDIS_URL) raw.redisUrl = env.REDIS_URL;
  if (env.AIRLINE_URL) raw.airlineUrl = env.AIRLINE_URL.replace(/\/+$/, '');
  if (env.AIRLINE_EVENTS_URL) raw.airlineEventsUrl = env.AIRLINE_EVENTS_URL;
  if (env.AIRLINE_EVENTS_KEY) raw.airlineEventsKey = env.AIRLINE_EVENTS_KEY;
  if (env.AIRLINE_ADMIN_KEY) raw.airlineAdminKey = env.AIRLINE_ADMIN_KEY;
  if (env.AIRLINE_STATE_FILE) raw.airlineStateFile = resolve(cwd, env.AIRLINE_STATE_FILE);
  if (env.PERSONAL_DATA_KEYS) raw.personalDataKeys = parsePersonalDataKeys(env.PERSONAL_DATA_KEYS);

  if (!validate(raw)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const config = raw as unknown as Config;
  if (!config.versions.includes(config.defaultVersion)) {
    throw new ConfigError(`Invalid configuration: NDC_DEFAULT_VERSION ${config.defaultVersion} is not in NDC_VERSIONS`);
  }
  if (config.gatewayProcesses > 1 && !config.databaseUrl) {
    throw new ConfigError('Invalid configuration: GATEWAY_PROCESSES above 1 needs DATABASE_URL, since the embedded order store belongs to one process');
  }
  if (config.gatewayProcesses > 1 && !config.redisUrl) {
    throw new ConfigError('Invalid configuration: GATEWAY_PROCESSES above 1 needs REDIS_URL, since journeys (and the offers NDC traffic links to them) live in process without it, and each process would see only its own');
  }
  const airlines = env.AIRLINES_FILE
    ? loadAirlinesFile(resolve(cwd, env.AIRLINES_FILE), { env, defaultRetries: config.downstreamRetries })
    : undefined;
  const requestRulesConfig = env.REQUEST_RULES_CONFIG ? loadRulesConfig(resolve(cwd, env.REQUEST_RULES_CONFIG)) : Object.freeze({});
  if (config.queueWaitMs >= config.requestTimeoutMs) {
    throw new ConfigError('Invalid configuration: QUEUE_WAIT_MS must be below REQUEST_TIMEOUT_MS');
  }
  if (!isKnownCurrency(config.currency)) {
    // Every amount is written with its currency's ISO 4217 decimals; an unknown default would fail each answer instead.
    throw new ConfigError(`Invalid configuration: DEFAULT_CURRENCY ${config.currency} is not an ISO 4217 currency code`);
  }
  if (config.accountingUrl && !config.accountingSecret) {
    throw new ConfigError('Invalid configuration: ACCOUNTING_URL needs ACCOUNTING_SECRET, since every notification is signed');
  }
  if (config.notifyBackoffBaseMs > config.notifyBackoffMaxMs) {
    throw new ConfigError('Invalid configuration: NOTIFY_BACKOFF_BASE_MS must not be above NOTIFY_BACKOFF_MAX_MS');
  }
  // Only the names CLIENTS_FILE gives are read, and only once the file has been read.
  const secretEnv = { ...env };
  if (config.idempotencyLeaseMs <= config.requestTimeoutMs) {
    throw new ConfigError('Invalid configuration: IDEMPOTENCY_LEASE_MS must be above REQUEST_TIMEOUT_MS, or a retry could take over a request still running');
  }
  if (config.idempotencyTtlMs < config.idempotencyLeaseMs) {
    throw new ConfigError('Invalid configuration: IDEMPOTENCY_TTL_MS must be at least IDEMPOTENCY_LEASE_MS, or a running request\'s key could expire under it');
  }
  const keyIds = config.personalDataKeys?.map((k) => k.id) ?? [];
  const twice = keyIds.find((id, index) => keyIds.indexOf(id) !== index);
  if (twice !== undefined) throw new ConfigError(`Invalid configuration: PERSONAL_DATA_KEYS names the key id ${twice} twice`);
  const loaded = {
    ...config,
    redisUrl: config.redisUrl,
    airlineUrl: config.airlineUrl,
    airlineEventsUrl: config.airlineEventsUrl,
    airlineEventsKey: config.airlineEventsKey,
    airlineAdminKey: config.airlineAdminKey,
    airlineStateFile: config.airlineStateFile,
    airlines,
    requestRulesConfig,
    databaseUrl: config.databaseUrl,
    paymentUrl: config.paymentUrl,
    clientsFile: config.clientsFile,
    versions: Object.freeze([...config.versions]),
    airlineHubs: Object.freeze([...config.airlineHubs]),
    airlineRegions: Object.freeze([...config.airlineRegions]),
    personalDataKeys: config.personalDataKeys && Object.freeze(config.personalDataKeys.map((k) => Object.freeze({ ...k }))),
    accountingUrl: config.accountingUrl,
    accountingSecret: config.accountingSecret,
  };
  // Not enumerable: the configuration stays data (compared, logged) while it can read the secrets it names.
  Object.defineProperty(loaded, 'environmentSecret', { value: (name: string) => (secretEnv[name] ? secretEnv[name] : undefined), enumerable: false });
  return Object.freeze(loaded as Config);
}
