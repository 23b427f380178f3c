import { createHash, createPublicKey, type X509Certificate } from 'node:crypto';
import { CngError, describeStatus, invalidArgument } from './errors/cng_error.js';
import type { DialFunction, MtlsTransport } from './http_types.js';
import type { NativeBinding, NativeKey } from './native_binding.js';
import { rootsToDer } from './pem.js';
import { SchannelTransport } from './schannel_transport.js';

/** Strongest first; the same names as @msal-mtls/imds's KeyProtection. */
export type KeyProtection = 'keyguard' | 'hardware' | 'software' | 'in-memory';

/** Why a stronger level was not reached, with the Windows status when there was one. */
export interface KeyDowngrade {
  level: KeyProtection;
  reason: string;
  status?: string;
}

export interface KeySignOptions {
  algorithm: 'RSA-PSS' | 'RSA-PKCS1';
  hash: 'SHA-256';
}

export interface KeyTransportOptions {
  /** Extra trusted roots (PEM), e.g. a local emulator's CA. The OS roots are always trusted too. */
  ca: readonly string[];
  /** Kept for the KeyTlsUse shape of @msal-mtls/imds; connect-to rules arrive resolved through `dial`. */
  connectTo: readonly string[];
  dial?: DialFunction;
  timeoutMs?: number;
}

/** The PSS salt length MSAL.NET uses with SHA-256 (spec §3.5): the hash length. */
const pssSaltLength = 32;

/**
 * A binding key held by Windows CNG: the private key never enters JavaScript. Structurally a
 * BindingKey of @msal-mtls/imds: it signs CSRs and, through Schannel, the TLS handshake.
 */
export class CngKey {
  readonly name: string;
  readonly protection: KeyProtection;
  readonly downgrades: readonly KeyDowngrade[];
  /** Whether this key was created (rather than opened) in this process. */
  readonly created: boolean;
  readonly tls: { kind: 'transport'; createTransport(certificate: X509Certificate, options: KeyTransportOptions): MtlsTransport };
  readonly #native: NativeKey;
  readonly #binding: NativeBinding;
  #spki: Uint8Array | undefined;

  constructor(binding: NativeBinding, native: NativeKey, protection: KeyProtection, downgrades: readonly KeyDowngrade[], created: boolean) {
    this.#binding = binding;
    this.#native = native;
    this.name = native.name ?? this.#unnamedKeyId();
    this.protection = protection;
    this.downgrades = downgrades;
    this.created = created;
    this.tls = { kind: 'transport', createTransport: (certificate, options) => this.createTransport(certificate, options) };
  }

  /** The open NCrypt key, for the attestation provider and stores. */
  get native(): NativeKey {
    if (this.#native.closed) throw new CngError('ERR_CNG_CLOSED', { message: `The CNG key ${this.name} was closed.` });
    return this.#native;
  }

  /** SubjectPublicKeyInfo DER, built from the exported RSA public blob (computed once). */
  publicKeySpki(): Uint8Array {
    if (this.#spki !== undefined) return this.#spki;
    const { modulus, exponent } = this.#exportPublicKey();
    const jwk = { kty: 'RSA', n: modulus.toString('base64url'), e: exponent.toString('base64url') };
    this.#spki = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'der' });
    return this.#spki;
  }

  #exportPublicKey(): { modulus: Buffer; exponent: Buffer } {
    const exported = this.native.exportPublicKey();
    if (!exported.ok) throw new CngError('ERR_CNG_KEY_OPERATION_FAILED', { message: `Exporting the public key of ${this.#native.name ?? 'an ephemeral key'} failed: ${describeStatus(exported)}.`, status: exported });
    return exported;
  }

  /** The key id MSAL.NET gives an unnamed key (spec §4.1): upper-case hex SHA-256 of modulus ‖ exponent. */
  #unnamedKeyId(): string {
    const { modulus, exponent } = this.#exportPublicKey();
    return createHash('sha256').update(modulus).update(exponent).digest('hex').toUpperCase();
  }

  /** Hashes `data` with SHA-256 and signs the digest in CNG (PSS: MGF1-SHA-256, salt 32). */
  async sign(data: Uint8Array, options: KeySignOptions): Promise<Uint8Array> {
    if (!(data instanceof Uint8Array)) throw invalidArgument('data', 'a Uint8Array', data);
    if (options?.hash !== 'SHA-256' || (options.algorithm !== 'RSA-PSS' && options.algorithm !== 'RSA-PKCS1')) {
      throw invalidArgument('options', "{ algorithm: 'RSA-PSS' | 'RSA-PKCS1', hash: 'SHA-256' }", options);
    }
    const digest = createHash('sha256').update(data).digest();
    const result = await this.native.sign(digest, { padding: options.algorithm === 'RSA-PSS' ? 'pss' : 'pkcs1', hash: 'SHA256', saltLength: pssSaltLength });
    if (!result.ok) throw new CngError('ERR_CNG_KEY_OPERATION_FAILED', { message: `Signing with the CNG key ${this.name} failed: ${describeStatus(result)}.`, status: result });
    return result.signature;
  }

  /** A Schannel transport presenting `certificate` with this key (bound by handle and by container name). */
  createTransport(certificate: X509Certificate, options: KeyTransportOptions): MtlsTransport {
    const created = this.#binding.createSession({
      certificate: { kind: 'key', der: certificate.raw, key: this.native },
      trustedRoots: rootsToDer(options.ca, 'ca'),
      userAgent: 'msal-mtls-cng',
    });
    if (!created.ok) throw new CngError('ERR_CNG_TLS_HANDSHAKE', { message: `Preparing the Schannel session failed: ${describeStatus(created)}.`, status: created });
    return new SchannelTransport(created.session, { dial: options.dial, timeoutMs: options.timeoutMs });
  }

  /** Deletes the persisted key (NCryptDeleteKey). */
  delete(): void {
    const result = this.native.delete();
    if (!result.ok) throw new CngError('ERR_CNG_KEY_OPERATION_FAILED', { message: `Deleting the CNG key ${this.name} failed: ${describeStatus(result)}.`, status: result });
  }

  /** Frees the key handle (the persisted key stays). */
  close(): void {
    this.#native.close();
  }
}
