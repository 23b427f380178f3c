import type { KeyObject, X509Certificate } from 'node:crypto';
import type { MtlsTransport } from '@msal-mtls/core';
import type { BindingStore } from '../binding/binding_store.js';

/**
 * How well a binding key is protected, strongest first. `keyguard`: VBS-isolated (Credential
 * Guard) CNG key; `hardware`: a non-exportable key in a hardware-backed store; `software`: a key
 * persisted in a per-user store; `in-memory`: a key that lives only in this process.
 */
export type KeyProtection = 'keyguard' | 'hardware' | 'software' | 'in-memory';

/** Strongest first; the index is the strength order. */
export const keyProtectionLevels: readonly KeyProtection[] = ['keyguard', 'hardware', 'software', 'in-memory'];

export interface SignOptions {
  algorithm: 'RSA-PSS' | 'RSA-PKCS1';
  hash: 'SHA-256';
}

/** Why a stronger level was not reached, as the backend saw it (e.g. an NTSTATUS from CNG). */
export interface KeyDowngrade {
  level: KeyProtection;
  reason: string;
  /** The platform status, when there is one (e.g. `0x80890014`). */
  status?: string;
}

/** How a native transport is to reach the token endpoint. */
export interface KeyTransportOptions {
  /** Extra trusted roots (PEM). */
  ca: readonly string[];
  /** The connect-to rules as given (text). */
  connectTo: readonly string[];
  /** The same rules resolved: where to connect for a URL's host and port (the certificate is checked against the URL's host). */
  dial?: (host: string, port: number) => { host: string; port: number };
  /** Per-attempt timeout. */
  timeoutMs?: number;
}

/** What the TLS layer needs from a key: a Node key object, or a transport that signs natively. */
export type KeyTlsUse =
  | { kind: 'node-key'; privateKey: KeyObject }
  | { kind: 'transport'; createTransport(certificate: X509Certificate, options: KeyTransportOptions): MtlsTransport };

/** The binding key: signs the CSR and the TLS handshake. Any backend implements this. */
export interface BindingKey {
  /** A stable name (the key container name on Windows). */
  readonly name: string;
  readonly protection: KeyProtection;
  /** For each level stronger than `protection`, why it was not reached. */
  readonly downgrades: readonly KeyDowngrade[];
  /** SubjectPublicKeyInfo, DER. */
  publicKeySpki(): Uint8Array;
  /** Signs `data` (the provider hashes it). PSS uses MGF1 with the same hash and a salt of the hash length. */
  sign(data: Uint8Array, options: SignOptions): Promise<Uint8Array>;
  readonly tls: KeyTlsUse;
}

export interface GetKeyOptions {
  onGenerate?: () => void;
}

/** Creates or opens the binding key; a backend per platform implements it. */
export interface KeyProvider {
  readonly name: string;
  /**
   * The key, created on first use and reused afterwards (across processes when persisted).
   * `onGenerate` is called when a new key is being made: nothing persisted can be bound to it, so
   * an issuance follows and the caller can start preparing for it meanwhile.
   */
  getKey(options?: GetKeyOptions): Promise<BindingKey>;
  /** Deletes the persisted key, if any (a new one is made on the next getKey()). */
  deleteKey(): Promise<void>;
  /**
   * Where this backend persists binding certificates, when it has a place of its own (Windows:
   * the certificate store shared with MSAL.NET and msal-go). Without one, the client's file store.
   */
  bindingStore?(): Promise<BindingStore | undefined>;
}
