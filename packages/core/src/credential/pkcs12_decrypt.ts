import { createDecipheriv, pbkdf2Sync } from 'node:crypto';
import { MtlsError } from '../errors/mtls_error.js';
import {
  CLASS_UNIVERSAL,
  DerError,
  TAG_INTEGER,
  TAG_SEQUENCE,
  hasTag,
  readInteger,
  readOctetString,
  readOid,
  readSequence,
  type Asn1,
} from './der.js';
import { KDF_ID_IV, KDF_ID_KEY, MAX_PKCS12_KDF_ITERATIONS, pkcs12Kdf } from './pkcs12_kdf.js';

/**
 * Password-based decryption of PFX contents: PBES2 (RFC 8018 §6.2) and the PKCS#12 PBE schemes
 * (RFC 7292 appendix C). Both name their scheme in an AlgorithmIdentifier in front of the
 * ciphertext: an EncryptedContentInfo's contentEncryptionAlgorithm, or an EncryptedPrivateKeyInfo's
 * encryptionAlgorithm.
 */

/** The passphrase in the encodings the schemes want. */
export interface Passwords {
  /** UTF-8 bytes: PBES2 takes an octet string (RFC 8018 §3), and PFX writers pass UTF-8. */
  readonly utf8: Buffer;
  /**
   * BMPString forms for the PKCS#12 PBE schemes (RFC 7292 B.1), tried in order. Usually one; an
   * empty passphrase has two (with and without the terminator) until the MAC tells them apart.
   */
  readonly bmp: readonly Buffer[];
}

interface Cipher {
  readonly name: string;
  readonly cipher: string;
  readonly keyLength: number;
  readonly ivLength: number;
  readonly blockSize: number;
}

const pbes2Oid = '1.2.840.113549.1.5.13';
const pbkdf2Oid = '1.2.840.113549.1.5.12';

// RFC 7292 appendix C; the hash is always SHA-1. RC2 and RC4 live in OpenSSL 3's legacy provider.
const pkcs12Schemes: Record<string, Cipher> = {
  '1.2.840.113549.1.12.1.1': { name: 'pbeWithSHAAnd128BitRC4', cipher: 'rc4', keyLength: 16, ivLength: 0, blockSize: 1 },
  '1.2.840.113549.1.12.1.2': { name: 'pbeWithSHAAnd40BitRC4', cipher: 'rc4-40', keyLength: 5, ivLength: 0, blockSize: 1 },
  '1.2.840.113549.1.12.1.3': { name: 'pbeWithSHAAnd3-KeyTripleDES-CBC', cipher: 'des-ede3-cbc', keyLength: 24, ivLength: 8, blockSize: 8 },
  '1.2.840.113549.1.12.1.4': { name: 'pbeWithSHAAnd2-KeyTripleDES-CBC', cipher: 'des-ede-cbc', keyLength: 16, ivLength: 8, blockSize: 8 },
  '1.2.840.113549.1.12.1.5': { name: 'pbeWithSHAAnd128BitRC2-CBC', cipher: 'rc2-cbc', keyLength: 16, ivLength: 8, blockSize: 8 },
  '1.2.840.113549.1.12.1.6': { name: 'pbeWithSHAAnd40BitRC2-CBC', cipher: 'rc2-40-cbc', keyLength: 5, ivLength: 8, blockSize: 8 },
};

// PBES2 encryption schemes (RFC 8018 appendix B.2); each takes the IV as an OCTET STRING parameter.
const pbes2Ciphers: Record<string, Cipher> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', cipher: 'aes-128-cbc', keyLength: 16, ivLength: 16, blockSize: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', cipher: 'aes-192-cbc', keyLength: 24, ivLength: 16, blockSize: 16 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', cipher: 'aes-256-cbc', keyLength: 32, ivLength: 16, blockSize: 16 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', cipher: 'des-ede3-cbc', keyLength: 24, ivLength: 8, blockSize: 8 },
};

// PBKDF2 PRFs (RFC 8018 appendix B.1); hmacWithSHA1 is the default when the field is absent.
const prfs: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};

// Named only so an error can say what it met.
const knownUnsupported: Record<string, string> = {
  '1.2.840.113549.1.5.3': 'pbeWithMD5AndDES-CBC (PBES1)',
  '1.2.840.113549.1.5.6': 'pbeWithMD5AndRC2-CBC (PBES1)',
  '1.2.840.113549.1.5.10': 'pbeWithSHA1AndDES-CBC (PBES1)',
  '1.2.840.113549.1.5.11': 'pbeWithSHA1AndRC2-CBC (PBES1)',
  '1.3.6.1.4.1.11591.4.11': 'scrypt',
  '1.3.14.3.2.7': 'des-cbc',
  '1.2.840.113549.3.2': 'rc2-cbc',
};

/** PBKDF2 runs natively, but a hostile iteration count would still hang a synchronous caller. */
const maxPbkdf2Iterations = 10_000_000;

function unsupported(oid: string, role: string): MtlsError {
  const name = pkcs12Schemes[oid]?.name ?? pbes2Ciphers[oid]?.name ?? knownUnsupported[oid];
  return new MtlsError('ERR_MTLS_PFX_UNSUPPORTED', {
    message: `The PFX uses ${name === undefined ? 'an unknown' : `the ${name}`} ${role} (OID ${oid}), which is not supported.`,
  });
}

function iterationCount(node: Asn1 | undefined, max: number): number {
  const count = readInteger(node, 'the iteration count');
  if (count < 1n) throw new DerError('the iteration count is not positive');
  if (count > BigInt(max)) {
    throw new MtlsError('ERR_MTLS_PFX_UNSUPPORTED', { message: `The PFX asks for ${count} key-derivation iterations; at most ${max} are supported.` });
  }
  return Number(count);
}

/** RFC 8018 §6.2.2 steps 1-4: the cipher, key and IV a PBES2-params (appendix A.4) describes. */
function pbes2(params: Asn1 | undefined, password: Buffer): { cipher: Cipher; key: Buffer; iv: Uint8Array } {
  const [kdf, scheme] = readSequence(params, 'PBES2-params');
  const [kdfOid, kdfParams] = readSequence(kdf, 'PBES2 keyDerivationFunc');
  const kdfName = readOid(kdfOid, 'PBES2 keyDerivationFunc');
  if (kdfName !== pbkdf2Oid) throw unsupported(kdfName, 'key derivation function');
  const [schemeOid, ivNode] = readSequence(scheme, 'PBES2 encryptionScheme');
  const schemeName = readOid(schemeOid, 'PBES2 encryptionScheme');
  const cipher = pbes2Ciphers[schemeName];
  if (cipher === undefined) throw unsupported(schemeName, 'PBES2 cipher');
  const iv = readOctetString(ivNode, 'the PBES2 IV');
  if (iv.length !== cipher.ivLength) throw new DerError(`the ${cipher.name} IV is ${iv.length} bytes`);

  // PBKDF2-params (RFC 8018 appendix A.2): salt, iterationCount, keyLength OPTIONAL, prf DEFAULT.
  const [saltNode, iterNode, ...rest] = readSequence(kdfParams, 'PBKDF2-params');
  if (hasTag(saltNode, CLASS_UNIVERSAL, TAG_SEQUENCE)) {
    throw new MtlsError('ERR_MTLS_PFX_UNSUPPORTED', { message: 'The PFX uses a PBKDF2 salt from otherSource, which is not supported.' });
  }
  const salt = readOctetString(saltNode, 'the PBKDF2 salt');
  const iterations = iterationCount(iterNode, maxPbkdf2Iterations);
  let next = rest.shift();
  if (hasTag(next, CLASS_UNIVERSAL, TAG_INTEGER)) {
    const keyLength = readInteger(next, 'the PBKDF2 keyLength');
    if (keyLength !== BigInt(cipher.keyLength)) throw new DerError(`the PBKDF2 keyLength ${keyLength} does not fit ${cipher.name}`);
    next = rest.shift();
  }
  let prf = 'sha1';
  if (next !== undefined) {
    const [prfOid] = readSequence(next, 'the PBKDF2 prf');
    const prfName = readOid(prfOid, 'the PBKDF2 prf');
    const hash = prfs[prfName];
    if (hash === undefined) throw unsupported(prfName, 'PBKDF2 PRF');
    prf = hash;
  }
  return { cipher, key: pbkdf2Sync(password, salt, iterations, cipher.keyLength, prf), iv };
}

function badPassphrase(): MtlsError {
  return new MtlsError('ERR_MTLS_PFX_BAD_PASSPHRASE', { message: 'The PFX content does not decrypt with this passphrase.' });
}

/** Runs the cipher; a padding failure means a wrong key, i.e. a wrong passphrase. */
function run(cipher: Cipher, key: Buffer, iv: Uint8Array, data: Uint8Array, oid: string): Buffer {
  let decipher;
  try {
    decipher = createDecipheriv(cipher.cipher, key, cipher.ivLength === 0 ? null : iv);
  } catch (cause) {
    // OpenSSL 3 keeps RC2/RC4 in the legacy provider, which Node.js does not load by default.
    throw new MtlsError('ERR_MTLS_PFX_UNSUPPORTED', {
      message: `The PFX is encrypted with ${cipher.name} (OID ${oid}), which this Node.js cannot decrypt (its OpenSSL lacks the algorithm; RC2 and RC4 need the legacy provider).`,
      cause,
    });
  }
  try {
    return Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    throw badPassphrase();
  }
}

/**
 * Decrypts `data` with the scheme `algorithm` (an AlgorithmIdentifier) names. Throws
 * ERR_MTLS_PFX_UNSUPPORTED for a scheme it does not know, ERR_MTLS_PFX_BAD_PASSPHRASE when no
 * password form yields valid padding, and DerError for malformed parameters.
 */
export function decrypt(algorithm: Asn1 | undefined, data: Uint8Array, passwords: Passwords): Buffer {
  const [oidNode, params] = readSequence(algorithm, 'the encryption AlgorithmIdentifier');
  const oid = readOid(oidNode, 'the encryption algorithm');
  if (oid === pbes2Oid) {
    const { cipher, key, iv } = pbes2(params, passwords.utf8);
    if (data.length % cipher.blockSize !== 0) throw new DerError(`the ${cipher.name} ciphertext is not a whole number of blocks`);
    return run(cipher, key, iv, data, oid);
  }
  const cipher = pkcs12Schemes[oid];
  if (cipher === undefined) throw unsupported(oid, 'encryption algorithm');
  // pkcs-12PbeParams (RFC 7292 appendix C): salt, iterations; key and IV from the B.2 KDF with SHA-1.
  const [saltNode, iterNode] = readSequence(params, 'pkcs-12PbeParams');
  const salt = readOctetString(saltNode, 'the PBE salt');
  const iterations = iterationCount(iterNode, MAX_PKCS12_KDF_ITERATIONS);
  if (data.length % cipher.blockSize !== 0) throw new DerError(`the ${cipher.name} ciphertext is not a whole number of blocks`);
  let failure: MtlsError = badPassphrase();
  for (const password of passwords.bmp) {
    const key = pkcs12Kdf('sha1', password, salt, KDF_ID_KEY, iterations, cipher.keyLength);
    const iv = cipher.ivLength === 0 ? Buffer.alloc(0) : pkcs12Kdf('sha1', password, salt, KDF_ID_IV, iterations, cipher.ivLength);
    try {
      return run(cipher, key, iv, data, oid);
    } catch (error) {
      if (!(error instanceof MtlsError) || error.code !== 'ERR_MTLS_PFX_BAD_PASSPHRASE') throw error;
      failure = error;
    }
  }
  throw failure;
}
