import { X509Certificate } from 'node:crypto';
import { MtlsError } from '../errors/mtls_error.js';

const certificateBlock = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g;

/**
 * Every certificate in a PEM text, in order (leaf first, as TLS sends them). Text around the
 * blocks (openssl's "Bag Attributes" lines, comments) is ignored.
 */
export function parseCertificateChainPem(pem: string | Uint8Array, what: string): X509Certificate[] {
  const text = typeof pem === 'string' ? pem : Buffer.from(pem).toString('utf8');
  const blocks = text.match(certificateBlock) ?? [];
  if (blocks.length === 0) {
    throw new MtlsError('ERR_MTLS_INVALID_CERTIFICATE', { message: `${what} holds no PEM certificate (-----BEGIN CERTIFICATE-----).` });
  }
  return blocks.map((block, index) => {
    try {
      return new X509Certificate(block);
    } catch (cause) {
      throw new MtlsError('ERR_MTLS_INVALID_CERTIFICATE', { message: `Certificate ${index + 1} in ${what} cannot be parsed.`, cause });
    }
  });
}

/** A certificate given as PEM text, DER bytes or an X509Certificate. */
export function toX509(value: unknown, what: string): X509Certificate {
  if (value instanceof X509Certificate) return value;
  if (typeof value === 'string') {
    const [first] = parseCertificateChainPem(value, what);
    return first as X509Certificate;
  }
  if (value instanceof Uint8Array) {
    try {
      return new X509Certificate(value);
    } catch (cause) {
      throw new MtlsError('ERR_MTLS_INVALID_CERTIFICATE', { message: `${what} is neither a PEM nor a DER certificate.`, cause });
    }
  }
  throw new MtlsError('ERR_MTLS_INVALID_CERTIFICATE', { message: `${what} must be a PEM string, DER bytes or an X509Certificate.` });
}
