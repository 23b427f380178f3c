import { createHmac, timingSafeEqual } from 'node:crypto';
import { MtlsError } from '../errors/mtls_error.js';
import { DerError, readInteger, readOctetString, readOid, readSequence, type Asn1 } from './der.js';
import { KDF_ID_MAC, MAX_PKCS12_KDF_ITERATIONS, pkcs12Kdf } from './pkcs12_kdf.js';

/**
 * Password integrity mode (RFC 7292 §4 and §5.1): an HMAC over the AuthenticatedSafe bytes, keyed
 * by the appendix B KDF with ID 3. It is the only place a wrong passphrase shows for certain, so
 * it runs before any decryption.
 */

// DigestInfo digest algorithms; the HMAC and the KDF both use this hash (RFC 7292 §5.1 step 2).
// The number is the output size, which is also the MAC key size (RFC 7292 §5.1 step 2).
const macHashes: Record<string, readonly [string, number]> = {
  '1.3.14.3.2.26': ['sha1', 20],
  '2.16.840.1.101.3.4.2.4': ['sha224', 28],
  '2.16.840.1.101.3.4.2.1': ['sha256', 32],
  '2.16.840.1.101.3.4.2.2': ['sha384', 48],
  '2.16.840.1.101.3.4.2.3': ['sha512', 64],
};

const pbmac1Oid = '1.2.840.113549.1.5.14';

/**
 * Checks MacData (`SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }`)
 * against `authSafe`, the contents octets of the outer ContentInfo. Returns the password form that
 * verified, out of `candidates` (BMPString forms, RFC 7292 B.1); throws ERR_MTLS_PFX_BAD_PASSPHRASE
 * when none does.
 */
export function verifyMac(macData: Asn1, authSafe: Uint8Array, candidates: readonly Buffer[]): Buffer {
  const [digestInfo, saltNode, iterNode] = readSequence(macData, 'MacData');
  const [algorithm, digestNode] = readSequence(digestInfo, 'the MAC DigestInfo');
  const [oidNode] = readSequence(algorithm, 'the MAC digest algorithm');
  const oid = readOid(oidNode, 'the MAC digest algorithm');
  const entry = macHashes[oid];
  if (entry === undefined) {
    const name = oid === pbmac1Oid ? 'PBMAC1 (RFC 9579)' : 'an unknown MAC algorithm';
    throw new MtlsError('ERR_MTLS_PFX_UNSUPPORTED', { message: `The PFX integrity check uses ${name} (OID ${oid}), which is not supported.` });
  }
  const [hash, size] = entry;
  const expected = readOctetString(digestNode, 'the MAC digest');
  const salt = readOctetString(saltNode, 'the MAC salt');
  const count = iterNode === undefined ? 1n : readInteger(iterNode, 'the MAC iteration count');
  if (count < 1n) throw new DerError('the MAC iteration count is not positive');
  if (count > BigInt(MAX_PKCS12_KDF_ITERATIONS)) {
    throw new MtlsError('ERR_MTLS_PFX_UNSUPPORTED', {
      message: `The PFX MAC asks for ${count} iterations; at most ${MAX_PKCS12_KDF_ITERATIONS} are supported.`,
    });
  }

  for (const password of candidates) {
    const key = pkcs12Kdf(hash, password, salt, KDF_ID_MAC, Number(count), size);
    const actual = createHmac(hash, key).update(authSafe).digest();
    if (actual.length === expected.length && timingSafeEqual(actual, expected)) return password;
  }
  throw new MtlsError('ERR_MTLS_PFX_BAD_PASSPHRASE', { message: 'The PFX integrity check (MAC) failed: the passphrase is wrong or the file is damaged.' });
}
