import { x5tS256 } from './thumbprint.js';

/** An app registration: which certificates may authenticate `clientId` in `tenantId`. */
export interface ApplicationRegistration {
  clientId: string;
  tenantId: string;
  /** PEM certificates; matched against the TLS client certificate by `x5t#S256`. */
  certificates: readonly string[];
}

interface StoredApplication {
  clientId: string;
  tenantId: string;
  thumbprints: Set<string>;
}

/** In-memory app registrations, keyed by tenant and client id (both case-insensitive, as GUIDs are). */
export class ApplicationRegistry {
  readonly #apps = new Map<string, StoredApplication>();

  /** Adds an app, or adds certificates to an existing registration (certificate rollover). */
  register(app: ApplicationRegistration): void {
    if (typeof app?.clientId !== 'string' || app.clientId === '') throw new TypeError('clientId must be a non-empty string');
    if (typeof app.tenantId !== 'string' || app.tenantId === '') throw new TypeError('tenantId must be a non-empty string');
    if (!Array.isArray(app.certificates)) throw new TypeError('certificates must be an array of PEM strings');
    const key = keyOf(app.tenantId, app.clientId);
    const stored = this.#apps.get(key) ?? { clientId: app.clientId, tenantId: app.tenantId, thumbprints: new Set<string>() };
    for (const pem of app.certificates) stored.thumbprints.add(x5tS256(pem));
    this.#apps.set(key, stored);
  }

  /** Removes a registration; `true` when there was one. */
  unregister(clientId: string, tenantId: string): boolean {
    return this.#apps.delete(keyOf(tenantId, clientId));
  }

  /** The app in this tenant, if registered there. */
  find(tenantId: string, clientId: string): { clientId: string; tenantId: string; hasCertificate(x5t: string): boolean } | undefined {
    const stored = this.#apps.get(keyOf(tenantId, clientId));
    if (stored === undefined) return undefined;
    return { clientId: stored.clientId, tenantId: stored.tenantId, hasCertificate: (x5t) => stored.thumbprints.has(x5t) };
  }
}

function keyOf(tenantId: string, clientId: string): string {
  return `${tenantId.toLowerCase()}\u0000${clientId.toLowerCase()}`;
}
