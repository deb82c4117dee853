import { loadClientsFile, type ClientEntry } from '../auth/clients-file.ts';
import type { Config } from '../config/config.ts';
import { ConfigError } from '../config/config-error.ts';
import type { Logger } from '../log/logger.ts';
import { NOTICE_TYPES, type NoticeType } from '../orders/order-notices.ts';
import type { DeliveryTargetKind } from './notice-renderer.ts';

/** Where one target's notices go and how they are signed, secrets resolved. */
export interface Subscription {
  readonly kind: DeliveryTargetKind;
  readonly url: string;
  readonly format: 'json' | 'ndc';
  readonly version?: string;
  readonly secret: string;
  readonly events: ReadonlySet<NoticeType>;
}

/** Every subscription of the configuration: each client's (CLIENTS_FILE) and accounting's (ACCOUNTING_URL). */
export interface Subscriptions {
  /** The seller subscription of a client, if it has one. */
  seller(clientId: string): Subscription | undefined;
  readonly accounting: Subscription | undefined;
}

/** What a seller hears of unless it lists `events`: everything but the accounting notice. */
export const SELLER_DEFAULT_EVENTS: readonly NoticeType[] = NOTICE_TYPES.filter((type) => type !== 'order.sales_reported');

/**
 * NDC versions whose seller notification cannot be built: 24.4's OrderChangeNotifRQ schema does not
 * compile on its own as published, so an XSD-valid message cannot be promised; JSON goes instead.
 */
export const NDC_SELLER_VERSIONS_WITHOUT_NOTIF: readonly string[] = ['24.4'];

/** Shortest webhook secret the production profile accepts: 32 characters, as many as a SHA-256 key should carry. */
export const MIN_PRODUCTION_SECRET_LENGTH = 32;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * What the production profile refuses in a subscription: a short secret (guessable, so signatures
 * prove nothing), or plain http beyond this machine (the notice, with the order, travels in clear).
 */
export function listSubscriptionProblems(what: string, url: string, secret: string): string[] {
  const problems: string[] = [];
  if (secret.length < MIN_PRODUCTION_SECRET_LENGTH) problems.push(`${what}: the secret is shorter than ${MIN_PRODUCTION_SECRET_LENGTH} characters`);
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed?.protocol === 'http:' && !LOOPBACK_HOSTS.has(parsed.hostname)) problems.push(`${what}: ${parsed.origin} is plain http to another machine; use https`);
  return problems;
}

/**
 * Resolves the subscriptions of CLIENTS_FILE entries and the accounting settings: `{ env: NAME }`
 * secrets are read (an unset one stops start-up: nothing could be signed), and an NDC version
 * that cannot carry the notification falls back to JSON, said once in the log.
 * @throws ConfigError
 */
export function resolveSubscriptions(
  entries: readonly ClientEntry[],
  config: Pick<Config, 'accountingUrl' | 'accountingFormat' | 'accountingVersion' | 'accountingSecret' | 'environmentSecret' | 'profile'>,
  logger: Logger,
): Subscriptions {
  const sellers = new Map<string, Subscription>();
  for (const entry of entries) {
    const wanted = entry.notifications;
    if (!wanted) continue;
    const secret = typeof wanted.secret === 'string' ? wanted.secret : config.environmentSecret(wanted.secret.env);
    if (secret === undefined) {
      throw new ConfigError(`CLIENTS_FILE: the notification secret of client ${entry.id} names the environment variable ${typeof wanted.secret === 'string' ? '' : wanted.secret.env}, which is not set`);
    }
    let format = wanted.format;
    if (format === 'ndc' && wanted.version !== undefined && NDC_SELLER_VERSIONS_WITHOUT_NOTIF.includes(wanted.version)) {
      logger.warn({ clientId: entry.id, version: wanted.version }, 'NDC 24.4 OrderChangeNotifRQ does not compile as published: this client gets JSON notifications');
      format = 'json';
    }
    sellers.set(entry.id, Object.freeze({
      kind: 'seller',
      url: wanted.url,
      format,
      ...(format === 'ndc' && wanted.version !== undefined ? { version: wanted.version } : {}),
      secret,
      events: new Set((wanted.events ?? SELLER_DEFAULT_EVENTS) as NoticeType[]),
    }));
  }
  const accounting: Subscription | undefined = config.accountingUrl && config.accountingSecret
    ? Object.freeze({
      kind: 'accounting',
      url: config.accountingUrl,
      format: config.accountingFormat,
      ...(config.accountingFormat === 'ndc' ? { version: config.accountingVersion } : {}),
      secret: config.accountingSecret,
      events: new Set<NoticeType>(['order.sales_reported']),
    })
    : undefined;
  if (config.profile === 'production') {
    const problems = [
      ...[...sellers].flatMap(([clientId, s]) => listSubscriptionProblems(`CLIENTS_FILE notifications of client ${clientId}`, s.url, s.secret)),
      ...(accounting ? listSubscriptionProblems('ACCOUNTING_URL', accounting.url, accounting.secret) : []),
    ];
    if (problems.length > 0) throw new ConfigError(`Notifications cannot start in the production profile:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return { seller: (clientId) => sellers.get(clientId), accounting };
}

/** The subscriptions of CLIENTS_FILE (when set) and ACCOUNTING_URL. @throws ClientsFileError, ConfigError */
export function loadSubscriptions(config: Parameters<typeof resolveSubscriptions>[1] & Pick<Config, 'clientsFile'>, logger: Logger): Subscriptions {
  return resolveSubscriptions(config.clientsFile ? loadClientsFile(config.clientsFile) : [], config, logger);
}

/** The subscriptions a notice of `type` on an order owned by `ownerClientId` goes to. */
export function targetsOf(subscriptions: Subscriptions, type: NoticeType, ownerClientId: string): Subscription[] {
  return [subscriptions.seller(ownerClientId), subscriptions.accounting].filter((s): s is Subscription => s !== undefined && s.events.has(type));
}
