import { createHash, X509Certificate } from 'node:crypto';

/**
 * `x5t#S256` (RFC 8705 §3.1): base64url, no padding, of SHA-256 over the certificate's whole DER.
 * Accepts a PEM string or DER bytes.
 */
export function x5tS256(certificate: string | Uint8Array): string {
  const der = typeof certificate === 'string' ? new X509Certificate(certificate).raw : certificate;
  return createHash('sha256').update(der).digest('base64url');
}

/** PEM armour for a DER certificate, 64 columns as OpenSSL writes it. */
export function certificateToPem(der: Uint8Array): string {
  const lines = Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
