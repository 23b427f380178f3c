import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import { bitString, childrenOf, derNull, explicitTag, objectIdentifier, readElement, sequence, time, unsignedInteger } from './der.js';
import {
  authorityKeyIdentifier, basicConstraints, extendedKeyUsage, keyUsage, subjectAltName, subjectKeyIdentifier,
  type ExtendedKeyUsage, type KeyUsage, type SubjectAltNames,
} from './x509_extensions.js';
import { encodeName, type DistinguishedName } from './x509_name.js';

/** Everything that goes into one X.509 v3 certificate. */
export interface CertificateTemplate {
  /** Key that signs: the issuer's (or the subject's own, for self-signed). RSA or EC. */
  signingKey: KeyObject;
  /** DER `Name` of the issuer, byte-for-byte as in the issuer's certificate (chain building compares bytes). */
  issuerName: Buffer;
  /** The issuer's subjectKeyIdentifier, written as authorityKeyIdentifier. */
  authorityKeyId: Buffer;
  /** DER SubjectPublicKeyInfo of the key being certified (from a generated key or a CSR). */
  subjectPublicKeySpki: Uint8Array;
  subject: DistinguishedName | string;
  sans?: SubjectAltNames;
  notBefore: Date;
  notAfter: Date;
  isCa: boolean;
  keyUsage: readonly KeyUsage[];
  extKeyUsage: readonly ExtendedKeyUsage[];
}

/** Signs `template` and returns the certificate's DER. */
export function buildCertificate(template: CertificateTemplate): Buffer {
  const algorithm = signatureAlgorithm(template.signingKey);
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40; // positive, full 16 bytes (RFC 5280: at most 20 octets)
  const extensions = [
    basicConstraints(template.isCa),
    keyUsage(template.keyUsage),
    ...(template.extKeyUsage.length > 0 ? [extendedKeyUsage(template.extKeyUsage)] : []),
    ...(template.sans ? [subjectAltName(template.sans)] : []),
    subjectKeyIdentifier(keyIdentifierOf(template.subjectPublicKeySpki)),
    authorityKeyIdentifier(template.authorityKeyId),
  ];
  const tbs = sequence(
    explicitTag(0, unsignedInteger(2)), // v3
    unsignedInteger(serial),
    algorithm,
    template.issuerName,
    sequence(time(template.notBefore), time(template.notAfter)),
    encodeName(template.subject),
    Buffer.from(template.subjectPublicKeySpki),
    explicitTag(3, sequence(...extensions)),
  );
  // node:crypto gives PKCS#1 v1.5 for RSA and DER-encoded (r, s) for ECDSA: both what X.509 expects.
  const signature = sign('sha256', tbs, template.signingKey);
  return sequence(tbs, algorithm, bitString(signature));
}

function signatureAlgorithm(key: KeyObject): Buffer {
  if (key.asymmetricKeyType === 'rsa') return sequence(objectIdentifier('1.2.840.113549.1.1.11'), derNull); // sha256WithRSAEncryption
  if (key.asymmetricKeyType === 'ec') return sequence(objectIdentifier('1.2.840.10045.4.3.2')); // ecdsa-with-SHA256
  throw new TypeError(`unsupported signing key type: ${String(key.asymmetricKeyType)}`);
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's bits (what OpenSSL writes). */
export function keyIdentifierOf(spki: Uint8Array): Buffer {
  const [, publicKeyBits] = childrenOf(readElement(Buffer.from(spki)));
  if (publicKeyBits === undefined) throw new TypeError('malformed SubjectPublicKeyInfo');
  return createHash('sha1').update(publicKeyBits.content.subarray(1)).digest();
}

/** The parts of an existing (issuer) certificate that a certificate it signs must repeat. */
export interface IssuerParts {
  subjectName: Buffer;
  subjectKeyId: Buffer;
}

/** Reads the subject Name and key identifier from a certificate's DER. */
export function readIssuerParts(certificateDer: Buffer): IssuerParts {
  const [tbs] = childrenOf(readElement(certificateDer));
  if (tbs === undefined) throw new TypeError('malformed certificate');
  const fields = childrenOf(tbs);
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0; // version is optional (v1 certificates omit it)
  const subject = fields[offset + 4];
  const spki = fields[offset + 5];
  if (subject === undefined || spki === undefined) throw new TypeError('malformed certificate');
  const extensionsField = fields.find((field) => field.tag === 0xa3);
  let subjectKeyId: Buffer | undefined;
  for (const ext of extensionsField ? childrenOf(childrenOf(extensionsField)[0] ?? extensionsField) : []) {
    const [oid, ...rest] = childrenOf(ext);
    const value = rest[rest.length - 1];
    if (oid?.content.equals(Buffer.from([0x55, 0x1d, 0x0e])) && value) subjectKeyId = readElement(value.content).content; // 2.5.29.14
  }
  // An issuer without the extension: compute it as OpenSSL would, so the AKI still matches in practice.
  return { subjectName: subject.encoded, subjectKeyId: subjectKeyId ?? keyIdentifierOf(spki.encoded) };
}
