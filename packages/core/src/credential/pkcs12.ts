import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { invalidArgument } from '../errors/argument.js';
import { MtlsError } from '../errors/mtls_error.js';
import {
  CLASS_CONTEXT,
  DerError,
  TAG_SET,
  expectUniversal,
  hasTag,
  parseDer,
  readInteger,
  readOctetString,
  readOctets,
  readOid,
  readSequence,
  type Asn1,
} from './der.js';
import { decrypt, type Passwords } from './pkcs12_decrypt.js';
import { bmpPassword } from './pkcs12_kdf.js';
import { verifyMac } from './pkcs12_mac.js';

/** What a PFX holds, ready for TLS: the key and the certificate chain, leaf first. */
export interface Pkcs12Contents {
  /** The private key (from a PKCS#8 ShroudedKeyBag or a plain KeyBag). */
  key: KeyObject;
  /**
   * certificates[0] is the leaf whose public key matches `key` (the localKeyId attribute picks
   * among several that do); the rest are the other certificates in the file, in file order.
   */
  certificates: X509Certificate[];
}

const oid = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  localKeyId: '1.2.840.113549.1.9.21',
};

interface Found<T> {
  readonly value: T;
  readonly localKeyId: Buffer | undefined;
}

/** What the walk over the bags collects, and whether the bytes it reads are authenticated. */
interface Walk {
  readonly passwords: Passwords;
  /** The MAC verified: a decrypted blob that does not parse is damage, not a wrong passphrase. */
  readonly authenticated: boolean;
  readonly keys: Found<KeyObject>[];
  readonly certificates: Found<X509Certificate>[];
}

function invalid(message: string, cause?: unknown): MtlsError {
  return new MtlsError('ERR_MTLS_INVALID_CERTIFICATE', { message, cause });
}

/** The value inside an `[0] EXPLICIT` wrapper (ContentInfo content, SafeBag bagValue, certValue). */
function explicit0(node: Asn1 | undefined, what: string): Asn1 {
  if (!hasTag(node, CLASS_CONTEXT, 0) || !node.constructed || node.children.length !== 1) throw new DerError(`${what} lacks its [0] value`);
  return node.children[0] as Asn1;
}

/**
 * Parses bytes that came out of a decryption. Without a MAC, garbage here is the likelier sign of
 * a wrong passphrase whose padding happened to check out (about 1 in 256 for CBC).
 */
function parseDecrypted(bytes: Uint8Array, walk: Walk, what: string): Asn1 {
  try {
    return parseDer(bytes);
  } catch (error) {
    if (walk.authenticated || !(error instanceof DerError)) throw error;
    throw new MtlsError('ERR_MTLS_PFX_BAD_PASSPHRASE', { message: `The PFX ${what} does not decrypt with this passphrase.`, cause: error });
  }
}

/** The localKeyId attribute of a SafeBag (RFC 7292 §4.2; PKCS #9 §5.5.4), if any. */
function localKeyId(attributes: Asn1 | undefined): Buffer | undefined {
  if (attributes === undefined) return undefined;
  for (const attribute of expectUniversal(attributes, TAG_SET, 'the bag attributes').children) {
    const [idNode, values] = readSequence(attribute, 'a bag attribute');
    if (readOid(idNode, 'a bag attribute id') !== oid.localKeyId) continue;
    const first = expectUniversal(values, TAG_SET, 'the localKeyId values').children[0];
    return Buffer.from(readOctetString(first, 'the localKeyId'));
  }
  return undefined;
}

function privateKey(pkcs8: Uint8Array, walk: Walk, encrypted: boolean): KeyObject {
  try {
    return createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  } catch (cause) {
    if (encrypted && !walk.authenticated) {
      throw new MtlsError('ERR_MTLS_PFX_BAD_PASSPHRASE', { message: 'The PFX private key does not decrypt with this passphrase.', cause });
    }
    throw invalid('The private key in the PFX cannot be read.', cause);
  }
}

/** SafeContents (RFC 7292 §4.2): a SEQUENCE OF SafeBag. Unknown bag types (CRL, secret) are skipped. */
function readSafeContents(node: Asn1, walk: Walk, depth: number): void {
  for (const bag of readSequence(node, 'SafeContents')) {
    const [bagIdNode, wrapped, attributes] = readSequence(bag, 'a SafeBag');
    const bagId = readOid(bagIdNode, 'a SafeBag bagId');
    if (bagId === oid.keyBag) {
      // KeyBag is a PrivateKeyInfo (RFC 7292 §4.2.1), i.e. PKCS#8 as is.
      const value = explicit0(wrapped, 'a KeyBag');
      walk.keys.push({ value: privateKey(value.encoded, walk, false), localKeyId: localKeyId(attributes) });
    } else if (bagId === oid.shroudedKeyBag) {
      // EncryptedPrivateKeyInfo (RFC 7292 §4.2.2; RFC 5958 §3): algorithm, then the ciphertext.
      const [algorithm, data] = readSequence(explicit0(wrapped, 'a PKCS8ShroudedKeyBag'), 'EncryptedPrivateKeyInfo');
      const plain = decrypt(algorithm, readOctetString(data, 'the encrypted private key'), walk.passwords);
      parseDecrypted(plain, walk, 'private key'); // tells a wrong passphrase from a damaged key
      walk.keys.push({ value: privateKey(plain, walk, true), localKeyId: localKeyId(attributes) });
    } else if (bagId === oid.certBag) {
      // CertBag (RFC 7292 §4.2.3): certId, then [0] EXPLICIT OCTET STRING holding the DER.
      const [certIdNode, certValue] = readSequence(explicit0(wrapped, 'a CertBag'), 'CertBag');
      if (readOid(certIdNode, 'a CertBag certId') !== oid.x509Certificate) continue;
      const der = readOctetString(explicit0(certValue, 'a CertBag'), 'a certificate');
      let certificate: X509Certificate;
      try {
        certificate = new X509Certificate(der);
      } catch (cause) {
        throw invalid(`Certificate ${walk.certificates.length + 1} in the PFX cannot be parsed.`, cause);
      }
      walk.certificates.push({ value: certificate, localKeyId: localKeyId(attributes) });
    } else if (bagId === oid.safeContentsBag) {
      // A nested SafeContents (RFC 7292 §4.2.6); the depth bound guards against hostile nesting.
      if (depth > 8) throw new DerError('SafeContents nest too deeply');
      readSafeContents(explicit0(wrapped, 'a SafeContentsBag'), walk, depth + 1);
    }
  }
}

/** One ContentInfo of the AuthenticatedSafe (RFC 7292 §4.1): plain `data` or `encryptedData`. */
function readContentInfo(node: Asn1, walk: Walk): void {
  const [typeNode, content] = readSequence(node, 'a ContentInfo');
  const type = readOid(typeNode, 'a ContentInfo contentType');
  if (type === oid.data) {
    readSafeContents(parseDer(readOctetString(explicit0(content, 'a data ContentInfo'), 'data')), walk, 0);
  } else if (type === oid.encryptedData) {
    // EncryptedData (RFC 2315 §13): version, EncryptedContentInfo { contentType,
    // contentEncryptionAlgorithm, encryptedContent [0] IMPLICIT OCTET STRING }.
    const [versionNode, info] = readSequence(explicit0(content, 'an encryptedData ContentInfo'), 'EncryptedData');
    readInteger(versionNode, 'the EncryptedData version');
    const [, algorithm, encrypted] = readSequence(info, 'EncryptedContentInfo');
    if (!hasTag(encrypted, CLASS_CONTEXT, 0)) throw new DerError('EncryptedContentInfo has no encryptedContent');
    const plain = decrypt(algorithm, readOctets(encrypted, 'the encrypted content'), walk.passwords);
    readSafeContents(parseDecrypted(plain, walk, 'certificate or key content'), walk, 0);
  } else if (type === oid.envelopedData) {
    throw new MtlsError('ERR_MTLS_PFX_UNSUPPORTED', {
      message: `The PFX uses public-key privacy mode (envelopedData, OID ${type}), which is not supported.`,
    });
  } else {
    throw new MtlsError('ERR_MTLS_PFX_UNSUPPORTED', { message: `The PFX holds content of an unsupported type (OID ${type}).` });
  }
}

function parsePfx(bytes: Uint8Array, passphrase: string): Pkcs12Contents {
  // PFX (RFC 7292 §4): SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo, macData MacData OPTIONAL }.
  const [versionNode, authSafe, macData] = readSequence(parseDer(bytes), 'PFX');
  const version = readInteger(versionNode, 'the PFX version');
  if (version !== 3n) throw invalid(`The PFX has version ${version}; PKCS#12 files have version 3.`);
  const [typeNode, content] = readSequence(authSafe, 'the PFX authSafe');
  const type = readOid(typeNode, 'the authSafe contentType');
  if (type !== oid.data) {
    const mode = type === oid.signedData ? 'public-key integrity mode (signedData)' : 'an unknown integrity mode';
    throw new MtlsError('ERR_MTLS_PFX_UNSUPPORTED', { message: `The PFX uses ${mode} (OID ${type}), which is not supported.` });
  }
  // The MAC covers the value of the OCTET STRING, not its encoding (RFC 7292 §5.1), so a BER
  // constructed OCTET STRING is joined first.
  const authSafeBytes = readOctetString(explicit0(content, 'the PFX authSafe'), 'the authSafe content');

  // An empty passphrase has two BMPString forms: OpenSSL keys with the terminator alone (00 00),
  // some writers with zero bytes. The MAC, when present, picks one; otherwise both are tried.
  let bmp = passphrase === '' ? [bmpPassword(''), Buffer.alloc(0)] : [bmpPassword(passphrase)];
  if (macData !== undefined) bmp = [verifyMac(macData, authSafeBytes, bmp)];
  const walk: Walk = { passwords: { utf8: Buffer.from(passphrase, 'utf8'), bmp }, authenticated: macData !== undefined, keys: [], certificates: [] };

  // AuthenticatedSafe (RFC 7292 §4.1): SEQUENCE OF ContentInfo.
  for (const contentInfo of readSequence(parseDer(authSafeBytes), 'AuthenticatedSafe')) readContentInfo(contentInfo, walk);

  if (walk.keys.length === 0) throw invalid('The PFX holds no private key.');
  if (walk.certificates.length === 0) throw invalid('The PFX holds no certificate.');
  for (const key of walk.keys) {
    const matching = walk.certificates.filter((c) => matches(c.value, key.value));
    if (matching.length === 0) continue;
    // Several certificates can share one key (a renewed certificate); localKeyId says which one.
    const leaf = matching.find((c) => key.localKeyId !== undefined && c.localKeyId?.equals(key.localKeyId)) ?? (matching[0] as Found<X509Certificate>);
    return { key: key.value, certificates: [leaf.value, ...walk.certificates.filter((c) => c !== leaf).map((c) => c.value)] };
  }
  throw invalid(`The private key in the PFX belongs to none of its ${walk.certificates.length} certificate(s).`);
}

function matches(certificate: X509Certificate, key: KeyObject): boolean {
  try {
    return certificate.checkPrivateKey(key);
  } catch {
    return false; // e.g. an RSA key against an EC certificate, on some Node.js versions
  }
}

/**
 * Reads a PKCS#12 (PFX) file: verifies its MAC, decrypts it, and returns the private key and the
 * certificates, leaf first.
 *
 * @throws TypeError (ERR_MTLS_INVALID_ARGUMENT) when `pfx` is not bytes or `passphrase` not a string.
 * @throws MtlsError ERR_MTLS_PFX_BAD_PASSPHRASE, ERR_MTLS_PFX_UNSUPPORTED (names the algorithm),
 *   or ERR_MTLS_INVALID_CERTIFICATE (not a PFX, malformed, no key, no certificate, key fits none).
 */
export function readPkcs12(pfx: Uint8Array, passphrase: string): Pkcs12Contents {
  if (!(pfx instanceof Uint8Array)) throw invalidArgument('pfx', 'a Buffer or Uint8Array', pfx);
  if (typeof passphrase !== 'string') throw invalidArgument('passphrase', 'a string', passphrase);
  if (/^\s*-----BEGIN /.test(Buffer.from(pfx.subarray(0, 64)).toString('latin1'))) {
    throw invalid('The PFX is PEM text, not a binary PKCS#12 file; pass PEM as certPem and keyPem instead.');
  }
  try {
    return parsePfx(pfx, passphrase);
  } catch (error) {
    if (error instanceof DerError) throw invalid(`The PFX is not a valid PKCS#12 file: ${error.message}.`, error);
    throw error;
  }
}
