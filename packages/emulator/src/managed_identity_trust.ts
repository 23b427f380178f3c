import { X509Certificate } from 'node:crypto';
import { parseName } from './csr_parser.js';
import { childrenOf, readElement } from './der.js';

const clientAuthEku = '1.3.6.1.5.5.7.3.2';
const commonNameOid = '2.5.4.3';

/**
 * How Entra trusts a managed identity's binding certificate: not by registration but by its
 * issuer. A certificate counts for `clientId` when the emulator CA's signature on it verifies, it
 * names the CA as issuer, it is within its validity at `now()`, it allows clientAuth, and its
 * subject CN is exactly that client id (IMDS writes the client id there, spec §5.2).
 */
export function issuedForManagedIdentity(caPem: string, clientId: string, now: () => number): (certificateDer: Buffer) => boolean {
  const ca = new X509Certificate(caPem);
  return (certificateDer) => {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(certificateDer);
    } catch {
      return false;
    }
    if (!certificate.checkIssued(ca) || !certificate.verify(ca.publicKey)) return false;
    const at = now();
    if (at < Date.parse(certificate.validFrom) || at > Date.parse(certificate.validTo)) return false;
    // Node lists extended key usages in `keyUsage`; undefined means the extension is absent.
    if (!(certificate.keyUsage ?? []).includes(clientAuthEku)) return false;
    const commonNames = subjectOf(certificate.raw).flat().filter((attribute) => attribute.oid === commonNameOid);
    return commonNames.length === 1 && commonNames[0]?.value.toLowerCase() === clientId.toLowerCase();
  };
}

/** The subject Name of a certificate, read from its DER (the string form of `X509Certificate.subject` is ambiguous). */
function subjectOf(der: Buffer): ReturnType<typeof parseName> {
  try {
    const [tbs] = childrenOf(readElement(der));
    const fields = tbs === undefined ? [] : childrenOf(tbs);
    const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
    const subject = fields[offset + 4];
    return subject === undefined ? [] : parseName(subject);
  } catch {
    return [];
  }
}
