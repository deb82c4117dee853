import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header carrying the signature: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. */
export const SIGNATURE_HEADER = 'X-NDC-Signature';
export const EVENT_ID_HEADER = 'X-NDC-Event-Id';
export const EVENT_TYPE_HEADER = 'X-NDC-Event-Type';

function digest(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * The `X-NDC-Signature` value of `body`. The timestamp is signed with the body, so a receiver that
 * checks it against its clock refuses a captured request replayed later.
 * @param timestamp unix seconds @defaultValue now
 */
export function signNotification(secret: string, body: string, timestamp: number = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${digest(secret, timestamp, body)}`;
}

export interface SignatureCheck {
  /** The `X-NDC-Signature` header as received. */
  readonly header: string | undefined;
  /** The raw body as received, before any parsing. */
  readonly body: string;
  readonly secret: string;
  /** How far the signed time may be from now, in seconds. @defaultValue 300 */
  readonly toleranceSeconds?: number;
  /** Unix seconds. @defaultValue now */
  readonly now?: number;
}

/**
 * Whether a notification is genuine: some `v1` of the header is the HMAC of `t` and the body under
 * the secret (compared in constant time), and `t` is within the tolerance of now. A receiver calls
 * this on the raw body; see docs/notifications.md.
 */
export function verifyNotificationSignature(check: SignatureCheck): boolean {
  if (!check.header) return false;
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of check.header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value !== undefined && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && value !== undefined && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) return false;
  const now = check.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (check.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(digest(check.secret, timestamp, check.body), 'hex');
  return signatures.some((signature) => timingSafeEqual(Buffer.from(signature, 'hex'), expected));
}
