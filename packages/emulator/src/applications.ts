import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import { x5tS256 } from './thumbprint.js';

/** An app registration: which certificates may authenticate `clientId` in `tenantId`. */
export interface ApplicationRegistration {
  clientId: string;
  tenantId: string;
  /** PEM certificates; matched against the TLS client certificate by `x5t#S256`. */
  certificates: readonly string[];
}

/** One stored registration (internal; shared between a registry and its {@link ApplicationRegistry.presenting} views). */
export interface StoredApplication {
  clientId: string;
  tenantId: string;
  thumbprints: Set<string>;
  /** Public keys of the registered certificates by `x5t#S256` and by SHA-1 `x5t`: they verify client assertions (Bearer endpoint). */
  assertionKeys?: Map<string, KeyObject>;
  /** Set for managed identities: accepts certificates by issuer rather than by registration. */
  trusts?: (certificateDer: Buffer) => boolean;
}

/** A managed identity: certificates are trusted when `trusts` says so (the IMDS listener's issuer). */
export interface ManagedIdentityRegistration {
  clientId: string;
  tenantId: string;
  trusts(certificateDer: Buffer): boolean;
}

/** In-memory app registrations, keyed by tenant and client id (both case-insensitive, as GUIDs are). */
export class ApplicationRegistry {
  readonly #apps: Map<string, StoredApplication>;
  /** The TLS client certificate of the request this view answers for (see {@link presenting}). */
  readonly #presented: { der: Buffer; x5t: string } | undefined;

  constructor(apps: Map<string, StoredApplication> = new Map(), presented?: Buffer) {
    this.#apps = apps;
    this.#presented = presented === undefined ? undefined : { der: presented, x5t: x5tS256(presented) };
  }

  /** Adds an app, or adds certificates to an existing registration (certificate rollover). */
  register(app: ApplicationRegistration): void {
    if (typeof app?.clientId !== 'string' || app.clientId === '') throw new TypeError('clientId must be a non-empty string');
    if (typeof app.tenantId !== 'string' || app.tenantId === '') throw new TypeError('tenantId must be a non-empty string');
    if (!Array.isArray(app.certificates)) throw new TypeError('certificates must be an array of PEM strings');
    const key = keyOf(app.tenantId, app.clientId);
    const stored: StoredApplication = this.#apps.get(key) ?? { clientId: app.clientId, tenantId: app.tenantId, thumbprints: new Set<string>() };
    for (const pem of app.certificates) {
      stored.thumbprints.add(x5tS256(pem));
      const certificate = new X509Certificate(pem);
      stored.assertionKeys ??= new Map();
      stored.assertionKeys.set(`x5t#S256:${x5tS256(certificate.raw)}`, certificate.publicKey);
      stored.assertionKeys.set(`x5t:${createHash('sha1').update(certificate.raw).digest('base64url')}`, certificate.publicKey);
    }
    this.#apps.set(key, stored);
  }

  /**
   * Adds a managed identity of the emulated VM. It needs no registered certificate: a certificate
   * `trusts` accepts authenticates it, as IMDS-issued certificates do in Entra. Existing registered
   * certificates for the same app stay valid.
   */
  registerManagedIdentity(identity: ManagedIdentityRegistration): void {
    const key = keyOf(identity.tenantId, identity.clientId);
    const stored: StoredApplication = this.#apps.get(key) ?? { clientId: identity.clientId, tenantId: identity.tenantId, thumbprints: new Set<string>() };
    stored.trusts = (der) => identity.trusts(der);
    this.#apps.set(key, stored);
  }

  /**
   * A view of the same registrations that also knows the DER of the certificate presented on this
   * request, so a managed identity can check that certificate's issuer, not only its thumbprint.
   */
  presenting(certificateDer: Buffer | undefined): ApplicationRegistry {
    return new ApplicationRegistry(this.#apps, certificateDer);
  }

  /** Removes a registration; `true` when there was one. */
  unregister(clientId: string, tenantId: string): boolean {
    return this.#apps.delete(keyOf(tenantId, clientId));
  }

  /**
   * The public key of the registered certificate a client assertion's header names (`x5t#S256`
   * preferred, else SHA-1 `x5t`); `undefined` when the app or that certificate is not registered.
   */
  assertionKey(tenantId: string, clientId: string, header: { x5tS256?: unknown; x5t?: unknown }): KeyObject | undefined {
    const keys = this.#apps.get(keyOf(tenantId, clientId))?.assertionKeys;
    if (keys === undefined) return undefined;
    if (typeof header.x5tS256 === 'string') return keys.get(`x5t#S256:${header.x5tS256}`);
    return typeof header.x5t === 'string' ? keys.get(`x5t:${header.x5t}`) : undefined;
  }

  /** The app in this tenant, if registered there. */
  find(tenantId: string, clientId: string): { clientId: string; tenantId: string; hasCertificate(x5t: string): boolean } | undefined {
    const stored = this.#apps.get(keyOf(tenantId, clientId));
    if (stored === undefined) return undefined;
    const presented = this.#presented;
    const hasCertificate = (x5t: string): boolean =>
      stored.thumbprints.has(x5t) || (stored.trusts !== undefined && presented?.x5t === x5t && stored.trusts(presented.der));
    return { clientId: stored.clientId, tenantId: stored.tenantId, hasCertificate };
  }
}

function keyOf(tenantId: string, clientId: string): string {
  return `${tenantId.toLowerCase()}\u0000${clientId.toLowerCase()}`;
}
