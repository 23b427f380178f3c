import { createHash, type X509Certificate } from 'node:crypto';

/**
 * `x5t#S256` of a certificate: base64url, no padding, of SHA-256 over the DER of the whole
 * certificate (not the public key: MSAL.NET moved to the full DER in 4.86.1 because a same-key
 * renewal otherwise served tokens bound to the old certificate).
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-3.1
 */
export function x5tS256(certificate: X509Certificate | Uint8Array): string {
  const der = certificate instanceof Uint8Array ? certificate : certificate.raw;
  return createHash('sha256').update(der).digest('base64url');
}
