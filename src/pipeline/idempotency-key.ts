import { createHash } from 'node:crypto';
import { GatewayError } from '../errors/index.ts';
import { redactCardData } from '../security/card-data.ts';

/**
 * Idempotent writes: a retried OrderCreate, OrderChange or OrderCancel must find the answer of its
 * first attempt instead of writing again. The key names the request as its sender sees it:
 * `${clientId}:${sender}:${messageId}`. The order store claims it (src/orders/order-store.ts);
 * this stage only derives it and puts it into the command as `idempotencyKey`.
 * Many senders put no message id into their documents (most published samples do not); their
 * requests are keyed by what they say instead, so a re-sent identical document is still a replay.
 */

/** NDC messages that write an order; only their commands carry an idempotency key. */
export const WRITE_MESSAGES: ReadonlySet<string> = new Set(['OrderCreateRQ', 'OrderChangeRQ', 'OrderCancelRQ']);

/**
 * 17.2 `Party/Sender` holds one of these; each names its sender in the first of the listed
 * elements it carries.
 */
const SENDER_IDS_172: Readonly<Record<string, readonly string[]>> = {
  TravelAgencySender: ['AgencyID', 'IATA_Number', 'PseudoCity'],
  AgentUserSender: ['AgentUserID'],
  AggregatorSender: ['AggregatorID'],
  EnabledSystemSender: ['SystemID'],
  MarketingCarrierSender: ['AirlineID'],
  OperatingCarrierSender: ['AirlineID'],
  RetailPartnerSender: ['RetailerID'],
  CorporateSender: ['ID', 'CorporateCode', 'IATA_Number'],
};

/** What an `Idempotency-Key` header may hold: visible ASCII, as the IETF draft's examples use. */
const HEADER_KEY = /^[\x21-\x7E]{1,200}$/;

type Node = Record<string, unknown>;

function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

function list(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Trimmed text of an element that may carry attributes (`{ '#text' }`) or be plain text. */
function textOf(value: unknown): string | undefined {
  const element = first(value);
  const raw = element !== null && typeof element === 'object' ? (element as Node)['#text'] : element;
  if (typeof raw !== 'string' && typeof raw !== 'number') return undefined;
  const text = String(raw).trim();
  return text === '' ? undefined : text;
}

function child(node: unknown, name: string): unknown {
  const element = first(node);
  return element !== null && typeof element === 'object' ? (element as Node)[name] : undefined;
}

/**
 * Who sent the message, as its distribution chain says.
 * 21.3+: the `DistributionChainLink` whose `OrgRole` is Seller (else the lowest `Ordinal`), its
 * `ParticipatingOrg/OrgID`. 17.2: the id of the one `Party/Sender` child (`AgencyID`, `AirlineID`, ...).
 */
export function readSender(version: string, document: Node): string | undefined {
  if (version === '17.2') {
    const sender = first(child(document.Party, 'Sender'));
    if (sender === null || typeof sender !== 'object') return undefined;
    for (const [kind, ids] of Object.entries(SENDER_IDS_172)) {
      const party = (sender as Node)[kind];
      if (party === undefined) continue;
      for (const id of ids) {
        const text = textOf(child(party, id));
        if (text !== undefined) return text;
      }
    }
    return undefined;
  }
  const links = list(child(document.DistributionChain, 'DistributionChainLink'));
  const seller = links.find((link) => textOf(child(link, 'OrgRole'))?.toLowerCase() === 'seller');
  const ordinal = (link: unknown): number => Number(textOf(child(link, 'Ordinal')) ?? Number.POSITIVE_INFINITY);
  const chosen = seller ?? [...links].sort((a, b) => ordinal(a) - ordinal(b))[0];
  return textOf(child(child(chosen, 'ParticipatingOrg'), 'OrgID'));
}

/**
 * The sender's id of this one message. The schemas' own words decide what qualifies: 21.3+
 * `PayloadAttributes/CorrelationID` identifies one web-service message, and 17.2 `@EchoToken` is
 * "additional message identification" from the requesting host. `TrxID` and 17.2
 * `@TransactionIdentifier` are shared by every message of a transaction (shop, price, create,
 * change...), so they identify a message only together with its sequence number
 * (`SeqNumber`, `@SequenceNmbr`); alone they would make a second OrderChange of the same
 * transaction look like a replay of the first.
 */
export function readMessageId(version: string, document: Node): string | undefined {
  if (version === '17.2') {
    const echo = textOf(document['@EchoToken']);
    if (echo !== undefined) return echo;
    const transaction = textOf(document['@TransactionIdentifier']);
    const sequence = textOf(document['@SequenceNmbr']);
    return transaction !== undefined && sequence !== undefined ? `${transaction}#${sequence}` : undefined;
  }
  const payload = document.PayloadAttributes;
  const correlation = textOf(child(payload, 'CorrelationID'));
  if (correlation !== undefined) return correlation;
  const transaction = textOf(child(payload, 'TrxID'));
  const sequence = textOf(child(payload, 'SeqNumber'));
  return transaction !== undefined && sequence !== undefined ? `${transaction}#${sequence}` : undefined;
}

/**
 * A message id for a document that names none: the SHA-256 of its content. PayloadAttributes and
 * the root's attributes (timestamps, echo tokens, sequence numbers) are left out, since a retry
 * may renew them; card data is masked first, so the digest is never a hash of a card number.
 */
export function digestOfContent(document: Node): string {
  const content = Object.fromEntries(Object.entries(document).filter(([name]) => name !== 'PayloadAttributes' && !name.startsWith('@')));
  return `sha256-${createHash('sha256').update(JSON.stringify(redactCardData(content))).digest('hex')}`;
}

/** Keeps `:` (the separator) and `%` out of the parts, so two different requests never meet in one key. */
function part(value: string): string {
  return value.replace(/[%:]/g, (c) => (c === '%' ? '%25' : '%3A'));
}

export interface IdempotencyInput {
  /** Version-neutral message name, e.g. `OrderCreateRQ`. */
  readonly message: string;
  readonly version: string;
  /** The parsed request: content of the root element, attributes as `@Name`. */
  readonly document: Node;
  /** The authenticated client; it scopes the key, so two clients never share one. */
  readonly clientId: string;
  /** The `Idempotency-Key` header; it takes the place of the message id from the document. */
  readonly header?: string;
}

/**
 * The idempotency key of a write message, or undefined when the message is not a write. The
 * message id is the `Idempotency-Key` header, else the document's own id ({@link readMessageId}),
 * else the digest of the document's content ({@link digestOfContent}).
 * @throws GatewayError INVALID_COMMAND when the `Idempotency-Key` header is malformed
 */
export function deriveIdempotencyKey(input: IdempotencyInput): string | undefined {
  if (!WRITE_MESSAGES.has(input.message)) return undefined;
  if (input.header !== undefined && !HEADER_KEY.test(input.header)) {
    throw new GatewayError('INVALID_COMMAND', 'The Idempotency-Key header must be 1 to 200 visible ASCII characters', [{ message: 'malformed Idempotency-Key header', path: 'Idempotency-Key' }]);
  }
  const messageId = input.header ?? readMessageId(input.version, input.document) ?? digestOfContent(input.document);
  const sender = readSender(input.version, input.document) ?? '';
  return `${part(input.clientId)}:${part(sender)}:${part(messageId)}`;
}

/**
 * Pipeline stage after request mapping: the command of a write message gets its
 * `idempotencyKey`. Any other command, and a command that is not an object, passes unchanged.
 * @throws GatewayError INVALID_COMMAND when the `Idempotency-Key` header is malformed
 */
export function addIdempotencyKey(command: unknown, input: IdempotencyInput): unknown {
  if (command === null || typeof command !== 'object' || Array.isArray(command)) return command;
  const idempotencyKey = deriveIdempotencyKey(input);
  return idempotencyKey === undefined ? command : { ...command, idempotencyKey };
}
