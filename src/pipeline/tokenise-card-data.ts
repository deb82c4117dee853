import type { PaymentClient } from '../downstream/payment-client.ts';
import { GatewayError, type ErrorDetail } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import type { CardToken } from '../contracts/payment/payment-types.ts';
import { redactCardData, redactText } from '../security/card-data.ts';

/**
 * Card data stops at the HTTP edge: before a command is queued (and so before it reaches Redis,
 * a worker, a log or the order store), every payment card in it is exchanged at the payment
 * service for a token. By the convention of the command schemas (schemas/commands/README.md) a
 * card is an object under the key `card`, anywhere in the payload, written by the request
 * mapping as `{ number, expiry, cvv, holderName }`; it leaves as `{ token, maskedNumber, brand,
 * expiry }`. The CVV goes to the payment service and nowhere else.
 */

/** The property name under which commands carry a payment card. */
export const CARD_PROPERTY = 'card';

/** The one payment call this stage needs; tests pass a fake. */
export type CardTokeniser = Pick<PaymentClient, 'tokenise'>;

export interface TokeniseContext {
  readonly payment: CardTokeniser;
  readonly correlationId: string;
  /** Epoch ms; the payment call gives up with the request. */
  readonly deadline: number;
  readonly logger: Logger;
}

/** A card as the command hands it over, in the order its fields are checked. */
const CARD_FIELDS = ['number', 'expiry', 'cvv', 'holderName'] as const;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A card in clear: it has a `number`. A card that already carries a `token` is left as it is. */
function isCardInClear(value: unknown): value is JsonObject {
  return isObject(value) && 'number' in value && !('token' in value);
}

function checkCard(card: JsonObject, path: string): { number: string; expiry: string; cvv: string; holderName: string } {
  const problems: ErrorDetail[] = CARD_FIELDS
    .filter((field) => typeof card[field] !== 'string' || card[field] === '')
    .map((field) => ({ message: `${path}/${field} must be a non-empty string`, path: `${path}/${field}` }));
  if (problems.length > 0) throw new GatewayError('INVALID_COMMAND', 'The payment card in the request is incomplete', problems);
  return card as { number: string; expiry: string; cvv: string; holderName: string };
}

async function tokenise(card: JsonObject, path: string, context: TokeniseContext): Promise<CardToken> {
  const { number, expiry, cvv, holderName } = checkCard(card, path);
  try {
    const token = await context.payment.tokenise(
      { cardNumber: number, expiry, cvv, holderName },
      { correlationId: context.correlationId, deadline: context.deadline },
    );
    context.logger.info({ path, maskedNumber: token.maskedNumber, brand: token.brand }, 'payment card tokenised');
    return token;
  } catch (error) {
    if (error instanceof GatewayError && error.code === 'INVALID_BUSINESS_DATA') {
      // The payment service refused the card (bad number, CVV, expiry): say which card, in its words.
      throw new GatewayError('INVALID_BUSINESS_DATA', redactText(`The payment card at ${path} was refused: ${error.message}`),
        error.details.map((d) => ({ ...d, message: redactText(d.message), path: `${path}${d.path ?? ''}` })), error);
    }
    throw error;
  }
}

async function replaceCards(value: unknown, path: string, context: TokeniseContext): Promise<unknown> {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const [index, item] of value.entries()) out.push(await replaceCards(item, `${path}/${index}`, context));
    return out;
  }
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    const itemPath = `${path}/${key}`;
    if (key === CARD_PROPERTY && isCardInClear(item)) {
      const { token, maskedNumber, brand, expiry } = await tokenise(item, itemPath, context);
      out[key] = { token, maskedNumber, brand, expiry };
    } else {
      out[key] = await replaceCards(item, itemPath, context);
    }
  }
  return out;
}

/** JSON paths where masking would change the value: card numbers or CVVs still in it. */
export function findCardData(value: unknown, redacted: unknown = redactCardData(value), path = ''): string[] {
  if (Array.isArray(value) && Array.isArray(redacted)) {
    return value.flatMap((item, index) => findCardData(item, redacted[index], `${path}/${index}`));
  }
  if (isObject(value) && isObject(redacted)) {
    const keys = Object.keys(value);
    const redactedKeys = Object.keys(redacted);
    // A card number inside a key is masked too, which shows as a different key at the same position.
    return keys.flatMap((key, index) => (redactedKeys[index] !== key
      ? [`${path}/(key ${index})`]
      : findCardData(value[key], redacted[key], `${path}/${key}`)));
  }
  return Object.is(value, redacted) ? [] : [path || '/'];
}

/**
 * Pipeline stage between request mapping and command validation, so the command schema checks
 * exactly what is queued: tokenises every card in clear, then
 * refuses the command if anything that still looks like a card number or a CVV is left in it
 * (a mapping that put one somewhere else), so none ever reaches the queue. The refusal is
 * INTERNAL_ERROR: the client sent a card where one belongs, the gateway failed to protect it.
 * The log names where the data is, never the data.
 */
export async function tokeniseCardData(command: unknown, context: TokeniseContext): Promise<unknown> {
  const safe = await replaceCards(command, '', context);
  const left = findCardData(safe);
  if (left.length > 0) {
    context.logger.error({ paths: left.slice(0, 20) }, 'command still carries card data after tokenisation; refused before the queue');
    throw new GatewayError('INTERNAL_ERROR', 'The request could not be processed safely', []);
  }
  return safe;
}
