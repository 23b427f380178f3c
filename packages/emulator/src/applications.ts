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
    for (const pem of app.certificates) stored.thumbprints.add(x5tS256(pem));
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
