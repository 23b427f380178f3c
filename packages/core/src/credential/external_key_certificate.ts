import { X509Certificate } from 'node:crypto';
import { invalidArgument } from '../errors/argument.js';
import { x5tS256 } from '../pop/thumbprint.js';
import type { MtlsTransport } from '../transport/http_types.js';

/** What an external TLS backend is given to reach a host: extra roots and where to dial. */
export interface ExternalTransportOptions {
  /** Extra trusted roots (PEM), e.g. the emulator's CA. */
  ca: readonly string[];
  /** curl --connect-to: where to connect for a URL's host and port; the certificate is checked against the URL's host. */
  dial: (host: string, port: number) => { host: string; port: number };
  timeoutMs?: number;
}

/**
 * A certificate whose private key Node never sees (a non-exportable key in the Windows store,
 * an HSM): the TLS handshake is signed by the backend's own transport. @msal-mtls/cng's
 * `windowsStoreCertificate()` returns one.
 */
export interface ExternalKeyCertificateInput {
  /** The binding certificate (X509Certificate, PEM or DER). Tokens bind to its x5t#S256. */
  certificate: X509Certificate | string | Uint8Array;
  /** A transport presenting this certificate, signing with the external key. */
  createTransport(options: ExternalTransportOptions): MtlsTransport;
}

/** The external certificate, checked and measured once. */
export interface ExternalKeyCredential {
  readonly certificate: X509Certificate;
  readonly x5tS256: string;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  createTransport(options: ExternalTransportOptions): MtlsTransport;
}

export function isExternalKeyCertificate(value: unknown): value is ExternalKeyCertificateInput {
  return typeof value === 'object' && value !== null && typeof (value as { createTransport?: unknown }).createTransport === 'function';
}

export function loadExternalKeyCredential(input: ExternalKeyCertificateInput): ExternalKeyCredential {
  let certificate: X509Certificate;
  if (input.certificate instanceof X509Certificate) {
    certificate = input.certificate;
  } else if (typeof input.certificate === 'string' || input.certificate instanceof Uint8Array) {
    try {
      certificate = new X509Certificate(input.certificate);
    } catch {
      throw invalidArgument('certificate.certificate', 'an X.509 certificate (X509Certificate, PEM or DER)', input.certificate);
    }
  } else {
    throw invalidArgument('certificate.certificate', 'an X.509 certificate (X509Certificate, PEM or DER)', input.certificate);
  }
  const createTransport = input.createTransport.bind(input);
  return {
    certificate,
    x5tS256: x5tS256(certificate),
    notBeforeMs: Date.parse(certificate.validFrom),
    notAfterMs: Date.parse(certificate.validTo),
    createTransport,
  };
}
