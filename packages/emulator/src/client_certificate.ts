import { generateKeyPairSync } from 'node:crypto';
import { buildCertificate, keyIdentifierOf } from './certificate_builder.js';
import { certificateToPem, x5tS256 } from './thumbprint.js';
import { encodeName } from './x509_name.js';

/** Options of {@link createClientCertificate}. */
export interface ClientCertificateOptions {
  commonName: string;
  /** Default: 5 minutes ago (absorbs clock skew). */
  notBefore?: Date;
  /** Default: `notBefore` + `validDays`. */
  notAfter?: Date;
  /** Default 365. Ignored when `notAfter` is given. */
  validDays?: number;
}

/** A certificate and its key, PEM, with the certificate's `x5t#S256`. */
export interface ClientCertificate {
  certPem: string;
  /** PKCS#8 PEM. */
  keyPem: string;
  x5tS256: string;
}

/**
 * A self-signed RSA-2048 client certificate, like the ones app registrations hold. Synchronous
 * (key generation takes ~50-200 ms) so it works with or without `await`.
 */
export function createClientCertificate(options: ClientCertificateOptions): ClientCertificate {
  if (typeof options?.commonName !== 'string' || options.commonName === '') throw new TypeError('commonName must be a non-empty string');
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const notBefore = options.notBefore ?? new Date(Date.now() - 5 * 60 * 1000);
  const notAfter = options.notAfter ?? new Date(notBefore.getTime() + (options.validDays ?? 365) * 24 * 60 * 60 * 1000);
  const der = buildCertificate({
    signingKey: privateKey,
    issuerName: encodeName(options.commonName),
    authorityKeyId: keyIdentifierOf(spki),
    subjectPublicKeySpki: spki,
    subject: options.commonName,
    notBefore,
    notAfter,
    isCa: false,
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extKeyUsage: ['clientAuth'],
  });
  return {
    certPem: certificateToPem(der),
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    x5tS256: x5tS256(der),
  };
}
