import { X509Certificate } from 'node:crypto';
import { CngError, describeStatus } from './errors/cng_error.js';
import { bindingMutexName, decodeFriendlyName, encodeFriendlyName } from './friendly_name.js';
import { softwareKeyStorageProvider } from './key_names.js';
import type { NativeBinding, NativeMutex, StoreCertificate, StoreRef } from './native_binding.js';

/** What is persisted for one alias: the StoredBinding of @msal-mtls/imds, by structure. */
export interface StoredBinding {
  alias: string;
  certificate: X509Certificate;
  tokenUrl: string;
  clientId: string;
  tenantId: string;
}

export interface WindowsBindingStoreOptions {
  binding: NativeBinding;
  /** Defaults to CurrentUser\My, where MSAL.NET and msal-go keep theirs. */
  store?: StoreRef;
  /** How long to wait for another process holding the alias's mutex (spec: 300 ms, then skip). */
  lockTimeoutMs?: number;
  now?: () => number;
}

const tokenPath = '/oauth2/v2.0/token';
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const accessDenied = 5;

/**
 * Binding certificates persisted in the Windows certificate store with the tags and named mutex
 * MSAL.NET and msal-go use (spec §9.3), linked to the CNG key by container name. A certificate
 * whose public key is not the binding key's is an orphan (the per-boot key was replaced) and is
 * deleted on read: comparing public keys needs no signature.
 */
export class WindowsBindingStore {
  readonly #binding: NativeBinding;
  readonly #store: StoreRef;
  readonly #lockTimeoutMs: number;
  readonly #now: () => number;

  constructor(options: WindowsBindingStoreOptions) {
    this.#binding = options.binding;
    this.#store = options.store ?? { location: 'CurrentUser', store: 'My' };
    this.#lockTimeoutMs = options.lockTimeoutMs ?? 300;
    this.#now = options.now ?? Date.now;
  }

  /** The newest stored certificate for the alias bound to this key, or undefined (also when another process holds the lock). */
  async read(alias: string, keyName: string, keySpki: Uint8Array): Promise<StoredBinding | undefined> {
    return this.#locked(alias, () => {
      let best: { stored: StoredBinding; notAfter: number } | undefined;
      for (const entry of this.#entries(alias)) {
        if (entry.certificate.keyContainer !== keyName) continue;
        if (!samePublicKey(entry.x509, keySpki)) {
          this.#delete(entry.certificate);
          continue;
        }
        const notAfter = Date.parse(entry.x509.validTo);
        const clientId = subjectCommonName(entry.x509);
        if (clientId === undefined || !guid.test(clientId) || notAfter <= this.#now()) continue;
        const base = entry.endpointBase.replace(/\/+$/, '');
        const tenantId = base.slice(base.lastIndexOf('/') + 1);
        if (!base.startsWith('https://') || tenantId === '') continue;
        if (best === undefined || notAfter > best.notAfter) {
          best = { stored: { alias, certificate: entry.x509, tokenUrl: `${base}${tokenPath}`, clientId, tenantId }, notAfter };
        }
      }
      return best?.stored;
    });
  }

  /** Stores the certificate linked to the key, unless a same-alias one lasting as long is there; prunes expired ones. */
  async write(stored: StoredBinding, keyName: string, _keySpki: Uint8Array): Promise<void> {
    const endpointBase = stored.tokenUrl.endsWith(tokenPath) ? stored.tokenUrl.slice(0, -tokenPath.length) : undefined;
    const friendlyName = endpointBase === undefined ? undefined : encodeFriendlyName(stored.alias, endpointBase);
    if (friendlyName === undefined) return;
    await this.#locked(stored.alias, () => {
      const notAfter = Date.parse(stored.certificate.validTo);
      const entries = this.#entries(stored.alias);
      for (const entry of entries) {
        if (Date.parse(entry.x509.validTo) <= this.#now()) this.#delete(entry.certificate);
      }
      if (entries.some((e) => Date.parse(e.x509.validTo) >= notAfter && e.certificate.keyContainer === keyName)) return;
      const added = this.#binding.addCertificate({ ...this.#store, der: stored.certificate.raw, friendlyName, keyContainer: keyName, keyProvider: softwareKeyStorageProvider });
      if (!added.ok) throw new CngError('ERR_CNG_STORE_FAILED', { message: `Persisting the binding certificate failed: ${describeStatus(added)}.`, status: added });
    });
  }

  /** Deletes every stored certificate of the alias (the token endpoint rejected it). */
  async remove(alias: string): Promise<void> {
    await this.#locked(alias, () => {
      for (const entry of this.#entries(alias)) this.#delete(entry.certificate);
    });
  }

  #entries(alias: string): Array<{ certificate: StoreCertificate; x509: X509Certificate; endpointBase: string }> {
    const listed = this.#binding.listCertificates(this.#store);
    if (!listed.ok) throw new CngError('ERR_CNG_STORE_FAILED', { message: `Listing ${this.#store.location}\\${this.#store.store} failed: ${describeStatus(listed)}.`, status: listed });
    const entries = [];
    for (const certificate of listed.certificates) {
      const tag = decodeFriendlyName(certificate.friendlyName);
      if (tag === undefined || tag.alias !== alias || certificate.keyContainer === undefined) continue;
      try {
        entries.push({ certificate, x509: new X509Certificate(certificate.der), endpointBase: tag.endpointBase });
      } catch {
        // Not a certificate we can read: not ours to judge or delete.
      }
    }
    return entries;
  }

  #delete(certificate: StoreCertificate): void {
    this.#binding.deleteCertificate(this.#store, certificate.sha1);
  }

  /** Runs `work` holding the alias's named mutex; skips (returns undefined) when another process holds it. */
  async #locked<T>(alias: string, work: () => T): Promise<T | undefined> {
    const mutex = this.#acquire(bindingMutexName(alias));
    if (mutex === undefined) return undefined;
    try {
      return work();
    } finally {
      mutex.release();
    }
  }

  #acquire(name: string): NativeMutex | undefined {
    let result = this.#binding.acquireMutex(`Global\\${name}`, this.#lockTimeoutMs);
    // Global\ needs SeCreateGlobalPrivilege in some sessions; MSAL.NET falls back to Local\ only then.
    if (!result.ok && result.code === accessDenied) result = this.#binding.acquireMutex(`Local\\${name}`, this.#lockTimeoutMs);
    if (!result.ok) throw new CngError('ERR_CNG_STORE_FAILED', { message: `The lock for the binding certificate store could not be taken: ${describeStatus(result)}.`, status: result });
    return result.acquired && result.mutex !== null ? result.mutex : undefined;
  }
}

/**
 * After a fresh KeyGuard key, certificates IMDS issued for the old one are useless: delete every
 * certificate in the store whose issuer names IMDS's issuer (spec §7.3 step 3), best effort.
 */
export function purgeImdsIssuedCertificates(binding: NativeBinding, store: StoreRef = { location: 'CurrentUser', store: 'My' }): number {
  const listed = binding.listCertificates(store);
  if (!listed.ok) return 0;
  let deleted = 0;
  for (const certificate of listed.certificates) {
    try {
      if (!/managedidentitysnissuer\.login\.microsoft\.com/i.test(new X509Certificate(certificate.der).issuer)) continue;
    } catch {
      continue;
    }
    const result = binding.deleteCertificate(store, certificate.sha1);
    if (result.ok && result.deleted) deleted++;
  }
  return deleted;
}

function samePublicKey(certificate: X509Certificate, spki: Uint8Array): boolean {
  return certificate.publicKey.export({ type: 'spki', format: 'der' }).equals(spki);
}

function subjectCommonName(certificate: X509Certificate): string | undefined {
  const match = /(?:^|\n)CN=([^\n]+)/.exec(certificate.subject);
  return match?.[1]?.trim();
}
