import { createHash, timingSafeEqual } from 'node:crypto';

/** A stored key in hashed form: the SHA-256 of the key, as 64 hexadecimal digits. */
const KEY_HASH = /^[0-9a-f]{64}$/i;

/** SHA-256 of an API key as lowercase hex: the form CLIENTS_FILE should store keys in. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Whether a CLIENTS_FILE entry is a key hash rather than the key itself. */
export function isApiKeyHash(entry: string): boolean {
  return KEY_HASH.test(entry);
}

/** The digest an entry stands for: a hash is taken as it is, a key in clear is hashed. */
export function digestOfEntry(entry: string): Buffer {
  return Buffer.from(isApiKeyHash(entry) ? entry.toLowerCase() : hashApiKey(entry), 'hex');
}

/**
 * Compares the digest of a presented key with stored digests without an early exit, so the
 * time taken says neither whether nor where a key matched. Digests have one length (32 bytes),
 * which `timingSafeEqual` needs.
 */
export function matchesAnyDigest(presented: Buffer, stored: readonly Buffer[]): boolean {
  let matched = false;
  for (const digest of stored) {
    if (timingSafeEqual(presented, digest)) matched = true;
  }
  return matched;
}

/** The digest of a key presented by a caller. */
export function digestOfKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}
