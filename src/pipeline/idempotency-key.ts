import { createHash } from 'node:crypto';
import { GatewayError } from '../errors/index.ts';
import type { IdempotencyRules } from '../mapping/index.ts';
import { redactCardData } from '../security/card-data.ts';

/**
 * Idempotent writes: a retried OrderCreate, OrderChange or OrderCancel must find the answer of its
 * first attempt instead of writing again. The key names the request as its sender sees it:
 * `${clientId}:${sender}:${messageId}`. Which messages write (`idempotent: true` in their request
 * mapping) and where a version's documents name their sender and message id (`version.yaml`:
 * `idempotency`) are mapping data; this stage composes the key and puts it into the command as
 * `idempotencyKey`, and the order store claims it (src/orders/order-store.ts).
 * Many senders put no message id into their documents (most published samples do not); their
 * requests are keyed by what they say instead, so a re-sent identical document is still a replay.
 */

/** What an `Idempotency-Key` header may hold: visible ASCII, as the IETF draft's examples use. */
const HEADER_KEY = /^[\x21-\x7E]{1,200}$/;

type Node = Record<string, unknown>;

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
  /** Where the version's documents name their sender and message id; none for the REST API. */
  readonly rules: IdempotencyRules | undefined;
  /** The parsed request: content of the root element, attributes as `@Name`. */
  readonly document: Node;
  /** The authenticated client; it scopes the key, so two clients never share one. */
  readonly clientId: string;
  /** The `Idempotency-Key` header; it takes the place of the message id from the document. */
  readonly header?: string;
}

/**
 * The idempotency key of a write request. The message id is the `Idempotency-Key` header, else the
 * document's own id (by the version's rules), else the digest of the document's content
 * ({@link digestOfContent}).
 * @throws GatewayError INVALID_COMMAND when the `Idempotency-Key` header is malformed
 */
export function deriveIdempotencyKey(input: IdempotencyInput): string {
  if (input.header !== undefined && !HEADER_KEY.test(input.header)) {
    throw new GatewayError('INVALID_COMMAND', 'The Idempotency-Key header must be 1 to 200 visible ASCII characters', [{ message: 'malformed Idempotency-Key header', path: 'Idempotency-Key' }]);
  }
  const said = input.rules?.read(input.document) ?? {};
  const messageId = input.header ?? said.messageId ?? digestOfContent(input.document);
  return `${part(input.clientId)}:${part(said.sender ?? '')}:${part(messageId)}`;
}

/**
 * Pipeline stage after request mapping: the command of a message whose request mapping is
 * `idempotent` gets its `idempotencyKey`. Any other command, and a command that is not an object,
 * passes unchanged.
 * @throws GatewayError INVALID_COMMAND when the `Idempotency-Key` header is malformed
 */
export function addIdempotencyKey(command: unknown, mapping: { readonly idempotent: boolean }, input: IdempotencyInput): unknown {
  if (!mapping.idempotent || command === null || typeof command !== 'object' || Array.isArray(command)) return command;
  return { ...command, idempotencyKey: deriveIdempotencyKey(input) };
}
