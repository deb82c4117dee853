import { describe, expect, it } from 'vitest';
import { createPersonalDataCipher, DEVELOPMENT_KEY, PersonalDataKeyError } from '../../../src/orders/index.ts';

const key = (id: string, fill = id): { id: string; key: Buffer } => ({ id, key: Buffer.alloc(32, fill) });

describe('createPersonalDataCipher', () => {
  it('seals with the first key, naming it, and opens what it sealed; each seal is different', () => {
    const cipher = createPersonalDataCipher([key('k2'), key('k1')]);

    const sealed = cipher.seal('anna@example.com', 'ORD1');

    expect(sealed).toMatch(/^pd1\.k2\.[\w-]{16}\.[\w-]+$/);
    expect(sealed).not.toContain('anna');
    expect(cipher.keyIdOf(sealed)).toBe('k2');
    expect(cipher.open(sealed, 'ORD1')).toBe('anna@example.com');
    expect(cipher.seal('anna@example.com', 'ORD1')).not.toBe(sealed);
    expect(cipher.currentKeyId).toBe('k2');
    expect(cipher.keyIds).toEqual(['k2', 'k1']);
  });

  it('opens what an older key sealed, as long as that key is configured', () => {
    const old = createPersonalDataCipher([key('k1')]);
    const sealed = old.seal('C01X00T47', 'ORD1');

    expect(createPersonalDataCipher([key('k2'), key('k1')]).open(sealed, 'ORD1')).toBe('C01X00T47');
    expect(() => createPersonalDataCipher([key('k2')]).open(sealed, 'ORD1'))
      .toThrow(new PersonalDataKeyError('Personal data was sealed with key "k1", which is not configured (PERSONAL_DATA_KEYS holds k2); add that key to read it'));
  });

  it('refuses a value opened in another context, altered, sealed under the same id with other bytes, or not sealed at all', () => {
    const cipher = createPersonalDataCipher([key('k1')]);
    const sealed = cipher.seal('secret', 'ORD1');
    const [format, id, iv, body] = sealed.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;

    expect(() => cipher.open(sealed, 'ORD2')).toThrow(/does not open with key "k1"/);
    expect(() => cipher.open([format, id, iv, flipped.toString('base64url')].join('.'), 'ORD1')).toThrow(/does not open with key "k1"/);
    expect(() => createPersonalDataCipher([key('k1', 'other')]).open(sealed, 'ORD1')).toThrow(/does not open with key "k1"/);
    expect(() => cipher.open('{"contacts":[]}', 'ORD1')).toThrow(PersonalDataKeyError);
    expect(() => cipher.open(`pd1.k1.${iv}`, 'ORD1')).toThrow(PersonalDataKeyError);
  });

  it.each([
    ['no key', []],
    ['a key of 16 bytes', [{ id: 'k1', key: Buffer.alloc(16) }]],
    ['an id with a dot', [key('k.1')]],
    ['the same id twice', [key('k1'), key('k1', 'x')]],
  ])('refuses %s', (_what, keys) => {
    expect(() => createPersonalDataCipher(keys)).toThrow();
  });

  it('has a development key of 32 bytes for the embedded demo', () => {
    expect(DEVELOPMENT_KEY.key).toHaveLength(32);
    const cipher = createPersonalDataCipher([DEVELOPMENT_KEY]);
    expect(cipher.open(cipher.seal('x', 'c'), 'c')).toBe('x');
  });
});
