import { createPrivateKey, createPublicKey, KeyObject, type X509Certificate } from 'node:crypto';
import { MtlsError } from '../errors/mtls_error.js';
import { invalidArgument, requireObject } from '../errors/argument.js';
import { x5tS256 } from '../pop/thumbprint.js';
import { parseCertificateChainPem, toX509 } from './pem.js';
import { readPkcs12 } from './pkcs12.js';

/** A certificate and its private key as PEM text (the certificate text may carry the chain). */
export interface PemCertificateInput {
  certPem: string | Uint8Array;
  keyPem: string | Uint8Array;
  /** Passphrase of an encrypted PEM key. */
  passphrase?: string;
}

/** A PKCS#12 file's bytes and its passphrase. */
export interface PfxCertificateInput {
  pfx: Uint8Array;
  passphrase?: string;
}

/** A Node `KeyObject` (private) and its certificate chain, leaf first. */
export interface KeyObjectCertificateInput {
  key: KeyObject;
  chain: ReadonlyArray<string | Uint8Array | X509Certificate>;
}

/** The three ways to give the certificate whose key signs the TLS handshake. */
export type CertificateInput = PemCertificateInput | PfxCertificateInput | KeyObjectCertificateInput;

/** A certificate credential, loaded and checked once: what TLS presents and what tokens bind to. */
export interface BindingCredential {
  /** The leaf certificate: the binding certificate. */
  readonly certificate: X509Certificate;
  /** Leaf first, then any intermediates given with it. */
  readonly chain: readonly X509Certificate[];
  readonly privateKey: KeyObject;
  /** `x5t#S256` of the leaf. */
  readonly x5tS256: string;
  /** NotBefore / NotAfter of the leaf, epoch milliseconds. */
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
}

/**
 * Loads a certificate credential from any of its three forms and checks it before any network
 * call: the key must belong to the leaf, and the leaf must be within its validity.
 */
export function loadBindingCredential(input: unknown, nowMs: number): BindingCredential {
  const value = requireObject('certificate', input);
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) throw invalidArgument('nowMs', 'the current time in epoch milliseconds', nowMs);
  let chain: X509Certificate[];
  let privateKey: KeyObject;
  if ('pfx' in value) {
    if (!(value.pfx instanceof Uint8Array)) throw invalidArgument('certificate.pfx', 'a Buffer or Uint8Array', value.pfx);
    const passphrase = optionalPassphrase(value.passphrase, 'certificate.passphrase');
    const contents = readPkcs12(value.pfx, passphrase ?? '');
    chain = contents.certificates;
    privateKey = contents.key;
  } else if ('certPem' in value || 'keyPem' in value) {
    chain = parseCertificateChainPem(textOrBytes(value.certPem, 'certificate.certPem'), 'certificate.certPem');
    privateKey = readPemKey(textOrBytes(value.keyPem, 'certificate.keyPem'), optionalPassphrase(value.passphrase, 'certificate.passphrase'));
  } else if ('key' in value || 'chain' in value) {
    if (!(value.key instanceof KeyObject) || value.key.type !== 'private') {
      throw invalidArgument('certificate.key', 'a private KeyObject', value.key);
    }
    if (!Array.isArray(value.chain) || value.chain.length === 0) {
      throw invalidArgument('certificate.chain', 'a non-empty array of certificates, leaf first', value.chain);
    }
    chain = value.chain.map((c: unknown, i: number) => toX509(c, `certificate.chain[${i}]`));
    privateKey = value.key;
  } else {
    throw invalidArgument('certificate', '{ certPem, keyPem } | { pfx, passphrase } | { key, chain }', value);
  }
  const certificate = chain[0] as X509Certificate;
  assertKeyMatches(certificate, privateKey);
  const credential: BindingCredential = {
    certificate,
    chain,
    privateKey,
    x5tS256: x5tS256(certificate),
    notBeforeMs: Date.parse(certificate.validFrom),
    notAfterMs: Date.parse(certificate.validTo),
  };
  assertWithinValidity(credential, nowMs);
  return credential;
}

/** A certificate out of its validity window cannot get a token; say which end was crossed. */
export function assertWithinValidity(credential: Pick<BindingCredential, 'x5tS256' | 'notBeforeMs' | 'notAfterMs'>, nowMs: number): void {
  if (nowMs >= credential.notAfterMs) {
    throw new MtlsError('ERR_MTLS_CERTIFICATE_EXPIRED', {
      message: `The certificate ${credential.x5tS256} expired on ${new Date(credential.notAfterMs).toISOString()}.`,
    });
  }
  if (nowMs < credential.notBeforeMs) {
    throw new MtlsError('ERR_MTLS_CERTIFICATE_NOT_YET_VALID', {
      message: `The certificate ${credential.x5tS256} is not valid before ${new Date(credential.notBeforeMs).toISOString()}.`,
    });
  }
}

function assertKeyMatches(certificate: X509Certificate, privateKey: KeyObject): void {
  const fromKey = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  let fromCertificate: Buffer;
  try {
    // OpenSSL parses a certificate before it decodes its key: a damaged key shows only here.
    fromCertificate = certificate.publicKey.export({ type: 'spki', format: 'der' });
  } catch (cause) {
    throw new MtlsError('ERR_MTLS_INVALID_CERTIFICATE', { message: `The public key of the certificate ${x5tS256(certificate)} cannot be read.`, cause });
  }
  if (!fromKey.equals(fromCertificate)) {
    throw new MtlsError('ERR_MTLS_KEY_MISMATCH', {
      message: `The private key does not belong to the certificate ${x5tS256(certificate)} (${certificate.subject.replace(/\n/g, ', ')}).`,
    });
  }
}

function readPemKey(pem: string | Uint8Array, passphrase: string | undefined): KeyObject {
  try {
    return createPrivateKey(passphrase === undefined ? { key: pem as string } : { key: pem as string, passphrase });
  } catch (cause) {
    const encrypted = /ENCRYPTED/.test(typeof pem === 'string' ? pem : Buffer.from(pem).toString('latin1'));
    throw new MtlsError('ERR_MTLS_INVALID_CERTIFICATE', {
      message: encrypted
        ? 'The private key is encrypted and could not be decrypted: pass its passphrase in certificate.passphrase.'
        : 'certificate.keyPem is not a readable PEM private key.',
      cause,
    });
  }
}

function textOrBytes(value: unknown, name: string): string | Uint8Array {
  if (typeof value === 'string' || value instanceof Uint8Array) return value;
  throw invalidArgument(name, 'PEM text (string or Buffer)', value);
}

function optionalPassphrase(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidArgument(name, 'a string', value);
  return value;
}
