/**
 * Checks on the certificate IMDS issued before we bind tokens to it. MSAL.NET only attaches the key
 * (spec §5.3, a mismatch surfaces as `invalid_certificate`); we also check the identity and the
 * validity window so a wrong or stale certificate fails here, not as an opaque ESTS error later.
 */
import { createPublicKey, KeyObject, type X509Certificate } from 'node:crypto';
import { MtlsError } from '@msal-mtls/core';
import { invalidArgument } from '@msal-mtls/core';

export interface IssuedCertificateExpectations {
  /** Our binding key: a KeyObject (public or private) or its SubjectPublicKeyInfo DER. */
  publicKey: KeyObject | Uint8Array;
  /** The client id the certificate must name in its subject CN (spec §5.2: CN is the client id GUID). */
  clientId: string;
  /** The moment to check validity at. Default: now. */
  now?: Date | undefined;
}

/**
 * Throws MtlsError ERR_IMDS_INVALID_CERTIFICATE (message names the failed check) unless the
 * certificate carries our public key, is valid at `now` (NotBefore and NotAfter inclusive) and has
 * exactly one subject CN equal to `clientId` ignoring case.
 */
export function verifyIssuedCertificate(certificate: X509Certificate, expected: IssuedCertificateExpectations): void {
  if (typeof certificate !== 'object' || certificate === null || typeof (certificate as { checkIssued?: unknown }).checkIssued !== 'function') {
    throw invalidArgument('certificate', 'an X509Certificate', certificate);
  }
  if (typeof expected !== 'object' || expected === null) throw invalidArgument('expected', 'an object', expected);
  if (typeof expected.clientId !== 'string' || expected.clientId.trim() === '') throw invalidArgument('expected.clientId', 'a non-empty string', expected.clientId);
  const now = expected.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw invalidArgument('expected.now', 'a valid Date', now);
  const ours = spkiOf(expected.publicKey);
  const fail = (why: string): MtlsError => new MtlsError('ERR_IMDS_INVALID_CERTIFICATE', { message: `The certificate IMDS issued ${why}.` });

  let theirs: Buffer;
  try {
    theirs = certificate.publicKey.export({ type: 'spki', format: 'der' });
  } catch {
    throw fail('has a public key that cannot be read');
  }
  if (!theirs.equals(ours)) throw fail('was not issued for our key (its public key differs from ours)');

  const notBefore = Date.parse(certificate.validFrom);
  const notAfter = Date.parse(certificate.validTo);
  if (Number.isNaN(notBefore) || Number.isNaN(notAfter)) throw fail('has unreadable validity dates');
  if (now.getTime() < notBefore) throw fail(`is not valid yet (NotBefore ${certificate.validFrom})`);
  if (now.getTime() > notAfter) throw fail(`has expired (NotAfter ${certificate.validTo})`);

  const names = commonNames(certificate.subject);
  if (names.length !== 1) throw fail(`has ${names.length} subject CNs; exactly one (the client id) is expected`);
  if (names[0]!.toLowerCase() !== expected.clientId.trim().toLowerCase()) throw fail('names another identity (its subject CN is not our client id)');
}

function spkiOf(key: unknown): Buffer {
  if (key instanceof KeyObject) return (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'der' });
  if (key instanceof Uint8Array) {
    try {
      // Re-encode so equivalent encodings compare equal and junk is caught as misuse.
      return createPublicKey({ key: Buffer.from(key), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'der' });
    } catch {
      throw invalidArgument('expected.publicKey', 'SubjectPublicKeyInfo DER bytes', key);
    }
  }
  throw invalidArgument('expected.publicKey', 'a KeyObject or SubjectPublicKeyInfo DER bytes', key);
}

/** CN values from Node's subject text ("DC=…\nCN=…", multi-valued RDNs joined with "+"). */
function commonNames(subject: string): string[] {
  return subject
    .split('\n')
    .flatMap((rdn) => rdn.split('+'))
    .filter((attribute) => attribute.startsWith('CN='))
    .map((attribute) => attribute.slice(3));
}
