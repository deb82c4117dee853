import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for the personal data the order store keeps (contacts, identity documents) and the
 * answers it keeps for replays. Several keys can be configured so keys can be rotated: the first
 * seals, every one opens what it sealed. Each sealed value names its key, so a value sealed with
 * a key that is no longer configured fails with a clear error instead of garbage.
 */

/** A key of PERSONAL_DATA_KEYS: an id, stored with every value it seals, and 32 random bytes. */
export interface PersonalDataKey {
  /** Letters, digits, `_` and `-`, at most 32. */
  readonly id: string;
  readonly key: Buffer;
}

export interface PersonalDataCipher {
  /** The id of the key that seals; the others only open. */
  readonly currentKeyId: string;
  readonly keyIds: readonly string[];
  /**
   * Seals `plain` with the current key. `context` (e.g. the order id) is authenticated with it, so
   * a sealed value copied to another record does not open there.
   */
  seal(plain: string, context: string): string;
  /** @throws PersonalDataKeyError when the value's key is not configured, or the value does not open. */
  open(sealed: string, context: string): string;
  /** The key id a sealed value names, without opening it. */
  keyIdOf(sealed: string): string;
}

/** A sealed value that cannot be opened with the configured keys. */
export class PersonalDataKeyError extends Error {
  override name = 'PersonalDataKeyError';
}

/** `pd1.<key id>.<iv>.<ciphertext and tag>`, both base64url. */
const FORMAT = 'pd1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * The key of the embedded demo when PERSONAL_DATA_KEYS is unset. It is published here and in the
 * README, so it protects nothing: production configures its own keys.
 */
export const DEVELOPMENT_KEY: PersonalDataKey = Object.freeze({
  id: 'development',
  key: createHash('sha256').update('ndc-gateway development key: published, protects nothing').digest(),
});

export function createPersonalDataCipher(keys: readonly PersonalDataKey[]): PersonalDataCipher {
  const current = keys[0];
  if (!current) throw new Error('At least one personal data key is needed');
  const byId = new Map<string, Buffer>();
  for (const { id, key } of keys) {
    if (!KEY_ID_PATTERN.test(id)) throw new Error(`Invalid personal data key id ${JSON.stringify(id)}: use letters, digits, _ and -, at most 32`);
    if (key.length !== 32) throw new Error(`Personal data key ${id} has ${key.length} bytes; AES-256 needs 32`);
    if (byId.has(id)) throw new Error(`Personal data key id ${id} is given twice`);
    byId.set(id, key);
  }
  const keyIds = [...byId.keys()];

  function parse(sealed: string): { keyId: string; iv: Buffer; body: Buffer } {
    const [format, keyId, iv, body, extra] = sealed.split('.');
    if (format !== FORMAT || keyId === undefined || iv === undefined || body === undefined || extra !== undefined) {
      throw new PersonalDataKeyError('The value is not sealed personal data');
    }
    return { keyId, iv: Buffer.from(iv, 'base64url'), body: Buffer.from(body, 'base64url') };
  }

  return {
    currentKeyId: current.id,
    keyIds,
    seal(plain, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `${FORMAT}.${current.id}.${iv.toString('base64url')}.${body.toString('base64url')}`;
    },
    open(sealed, context) {
      const { keyId, iv, body } = parse(sealed);
      const key = byId.get(keyId);
      if (!key) {
        throw new PersonalDataKeyError(`Personal data was sealed with key "${keyId}", which is not configured (PERSONAL_DATA_KEYS holds ${keyIds.join(', ')}); add that key to read it`);
      }
      if (iv.length !== IV_BYTES || body.length < TAG_BYTES) throw new PersonalDataKeyError(`Sealed personal data (key "${keyId}") is truncated`);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        throw new PersonalDataKeyError(`Sealed personal data does not open with key "${keyId}": the key configured under that id is another one, or the data was altered`);
      }
    },
    keyIdOf(sealed) {
      return parse(sealed).keyId;
    },
  };
}
