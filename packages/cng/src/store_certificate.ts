import { X509Certificate } from 'node:crypto';
import { CngError, describeStatus, invalidArgument } from './errors/cng_error.js';
import type { DialFunction, MtlsTransport } from './http_types.js';
import type { NativeBinding, StoreLocation } from './native_binding.js';
import { rootsToDer } from './pem.js';
import { SchannelTransport } from './schannel_transport.js';
import { nativeBinding } from './support.js';

export interface WindowsStoreCertificateOptions {
  /** SHA-1 thumbprint as Windows shows it (hex; spaces and colons are ignored). */
  thumbprint: string;
  /** Default CurrentUser. */
  location?: StoreLocation;
  /** Default My. */
  store?: string;
  binding?: NativeBinding;
}

/** A certificate whose key stays in Windows: the external-key certificate input of @msal-mtls/core. */
export interface WindowsStoreCertificate {
  readonly certificate: X509Certificate;
  readonly location: StoreLocation;
  readonly store: string;
  /** Upper-case SHA-1 thumbprint. */
  readonly thumbprint: string;
  /** A Schannel transport presenting this certificate; Windows finds the key through the store. */
  createTransport(options: { ca: readonly string[]; dial?: DialFunction; timeoutMs?: number }): MtlsTransport;
}

/**
 * Path 1 with a certificate from the Windows store (found by thumbprint, key non-exportable):
 * pass the result as ConfidentialClient's `certificate`; TLS goes through Schannel.
 */
export function windowsStoreCertificate(options: WindowsStoreCertificateOptions): WindowsStoreCertificate {
  if (typeof options?.thumbprint !== 'string') throw invalidArgument('thumbprint', 'a SHA-1 thumbprint (40 hex digits)', options?.thumbprint);
  const thumbprint = options.thumbprint.replace(/[\s:]/g, '').toUpperCase();
  if (!/^[0-9A-F]{40}$/.test(thumbprint)) throw invalidArgument('thumbprint', 'a SHA-1 thumbprint (40 hex digits)', options.thumbprint);
  const location = options.location ?? 'CurrentUser';
  if (location !== 'CurrentUser' && location !== 'LocalMachine') throw invalidArgument('location', "'CurrentUser' or 'LocalMachine'", location);
  const store = options.store ?? 'My';
  const binding = options.binding ?? nativeBinding();
  const found = binding.findCertificate({ location, store }, thumbprint);
  if (!found.ok) throw new CngError('ERR_CNG_STORE_FAILED', { message: `Searching ${location}\\${store} failed: ${describeStatus(found)}.`, status: found });
  if (found.certificate === null) throw new CngError('ERR_CNG_CERTIFICATE_NOT_FOUND', { message: `No certificate with thumbprint ${thumbprint} is in ${location}\\${store}.` });
  if (found.certificate.keyContainer === undefined) {
    throw new CngError('ERR_CNG_CERTIFICATE_NOT_FOUND', { message: `The certificate ${thumbprint} in ${location}\\${store} has no private key.` });
  }
  const certificate = new X509Certificate(found.certificate.der);
  return {
    certificate,
    location,
    store,
    thumbprint,
    createTransport: ({ ca, dial, timeoutMs }) => {
      const created = binding.createSession({ certificate: { kind: 'store', location, store, sha1: thumbprint }, trustedRoots: rootsToDer(ca, 'ca'), userAgent: 'msal-mtls-cng' });
      if (!created.ok) throw new CngError('ERR_CNG_TLS_HANDSHAKE', { message: `Preparing the Schannel session failed: ${describeStatus(created)}.`, status: created });
      return new SchannelTransport(created.session, { dial, timeoutMs });
    },
  };
}
