import { execFileSync } from 'node:child_process';
import { bmpPassword, pkcs12Kdf } from '../../src/credential/pkcs12_kdf.js';

/** OpenSSL 3's own PKCS12KDF, fed the BMPString password as hex: an independent implementation. */
function opensslKdf(hash: string, password: Buffer, salt: Buffer, id: number, iterations: number, length: number): Buffer {
  const args = ['kdf', '-keylen', String(length), '-kdfopt', `digest:${hash}`, '-kdfopt', `hexsalt:${salt.toString('hex')}`];
  args.push('-kdfopt', `id:${id}`, '-kdfopt', `iter:${iterations}`);
  // An empty hexpass would not parse; OpenSSL's "pass:" with nothing after it is the zero-length password.
  args.push('-kdfopt', password.length === 0 ? 'pass:' : `hexpass:${password.toString('hex')}`, 'PKCS12KDF');
  return Buffer.from(execFileSync('openssl', args, { encoding: 'utf8' }).trim().replace(/:/g, ''), 'hex');
}

describe('bmpPassword', () => {
  test.each([
    ['', '0000'],
    ['A', '00410000'],
    ['smeg', '0073006d006500670000'],
    ['ä', '00e40000'],
    // Outside the BMP: a UTF-16 surrogate pair, big-endian.
    ['🔑', 'd83ddd110000'],
  ])('%j encodes as %s', (passphrase, encoded) => {
    expect(bmpPassword(passphrase).toString('hex')).toBe(encoded);
  });
});

describe('pkcs12Kdf', () => {
  test('matches the published vector (password "smeg", ID 1, 1 iteration)', () => {
    const key = pkcs12Kdf('sha1', bmpPassword('smeg'), Buffer.from('0a58cf64530d823f', 'hex'), 1, 1, 24);
    expect(key.toString('hex')).toBe('8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3');
  });

  test.each([
    // [hash, id, iterations, length, password]: lengths over one hash output run steps 6b-6c.
    ['sha1', 1, 1, 24, 'smeg'],
    ['sha1', 2, 1000, 8, 'queeg'],
    ['sha1', 3, 2048, 20, 'pässwörd🔑'],
    ['sha1', 1, 3, 70, 'long output'],
    ['sha256', 3, 2048, 32, 'secret'],
    ['sha256', 1, 5, 100, ''],
    ['sha384', 3, 10, 48, 'x'],
    ['sha512', 3, 2, 64, 'secret'],
    ['sha512', 1, 2, 200, 'a password longer than one 128-byte block of the KDF input, repeated to fill it up......'],
  ])('agrees with OpenSSL: %s ID %d, %d iterations, %d bytes', (hash, id, iterations, length, passphrase) => {
    const salt = Buffer.from('a1b2c3d4e5f60718293a4b5c', 'hex');
    const password = bmpPassword(passphrase as string);
    expect(pkcs12Kdf(hash as string, password, salt, id as number, iterations as number, length as number)).toEqual(
      opensslKdf(hash as string, password, salt, id as number, iterations as number, length as number),
    );
  });

  test('the zero-length password differs from the terminator-only form', () => {
    const salt = Buffer.alloc(8, 1);
    const zero = pkcs12Kdf('sha256', Buffer.alloc(0), salt, 3, 1, 32);
    expect(zero).toEqual(opensslKdf('sha256', Buffer.alloc(0), salt, 3, 1, 32));
    expect(zero).not.toEqual(pkcs12Kdf('sha256', bmpPassword(''), salt, 3, 1, 32));
  });

  test('rejects unknown hashes and out-of-range iteration counts', () => {
    expect(() => pkcs12Kdf('md5', Buffer.alloc(2), Buffer.alloc(8), 1, 1, 8)).toThrow(RangeError);
    expect(() => pkcs12Kdf('sha1', Buffer.alloc(2), Buffer.alloc(8), 1, 0, 8)).toThrow(RangeError);
    expect(() => pkcs12Kdf('sha1', Buffer.alloc(2), Buffer.alloc(8), 1, 1_000_001, 8)).toThrow(RangeError);
  });
});
