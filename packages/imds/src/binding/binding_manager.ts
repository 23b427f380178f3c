import { MtlsError, SingleFlight, x5tS256, type Logger } from '@msal-mtls/core';
import type { X509Certificate } from 'node:crypto';
import { buildCsr, preloadCsrEncoder } from '../csr.js';
import type { AttestationCache } from '../attestation/attestation_cache.js';
import type { BindingKey, KeyProtection, KeyProvider } from '../key/key_provider.js';
import { assertMeetsFloor } from '../key/key_protection.js';
import type { ImdsCallOptions } from '../imds/imds_call.js';
import type { ManagedIdentityId } from '../imds/imds_endpoint.js';
import { getPlatformMetadata } from '../imds/metadata.js';
import { issueCredential } from '../imds/issue_credential.js';
import { verifyIssuedCertificate } from '../imds/verify_issued_certificate.js';
import type { Binding } from './binding.js';
import type { BindingStore } from './binding_store.js';
import { isReusable } from './renewal.js';

export interface BindingManagerOptions {
  keyProvider: KeyProvider;
  minimumKeyProtection: KeyProtection;
  attestation: AttestationCache | undefined;
  store: BindingStore | undefined;
  /** IMDS call options for one identity and correlation id (base, retry, sleep, timeout). */
  imdsOptions(identity: ManagedIdentityId | undefined, correlationId: string): ImdsCallOptions;
  now: () => number;
  logger: Logger;
  /** Notes the key provider left while opening the key (e.g. why it fell back to software), logged with the opening flow's correlation id. */
  takeKeyNotes?: () => readonly string[];
}

/** Which step of the cold flow is running, for progress output. */
export type BindingStep = 'metadata' | 'key' | 'csr' | 'attestation' | 'issuance';

/**
 * Binding certificates per alias (identity + attestation mode): memory first, then the persisted
 * store, then a new issuance (metadata → key → CSR → attestation → issuecredential). One
 * issuance at a time per alias, however many callers; no metadata call when a reusable
 * certificate is cached (deliberate difference §4: IMDS allows about 5 requests a second).
 */
export class BindingManager {
  readonly #o: BindingManagerOptions;
  readonly #memory = new Map<string, Binding>();
  readonly #flights = new SingleFlight<Binding>();
  #keyChecked: Promise<BindingKey> | undefined;

  constructor(options: BindingManagerOptions) {
    this.#o = options;
  }

  /** The in-memory binding for an alias, if still reusable. Synchronous: the cache-hit path. */
  current(alias: string): Binding | undefined {
    const binding = this.#memory.get(alias);
    return binding !== undefined && isReusable(binding.notBeforeMs, binding.notAfterMs, this.#o.now()) ? binding : undefined;
  }

  get(alias: string, identity: ManagedIdentityId | undefined, attest: boolean, correlationId: string, onStep?: (step: BindingStep) => void): Promise<Binding> {
    const cached = this.current(alias);
    if (cached !== undefined) return Promise.resolve(cached);
    return this.#flights.run(alias, async () => {
      const again = this.current(alias);
      if (again !== undefined) return again;
      const stored = await this.#fromStore(alias, correlationId);
      if (stored !== undefined) return stored;
      return this.#mint(alias, identity, attest, correlationId, onStep);
    });
  }

  /** Forgets a binding the token endpoint rejected, in memory and on disk, so the next get() mints. */
  async drop(alias: string): Promise<void> {
    this.#memory.delete(alias);
    await this.#o.store?.remove(alias);
  }

  /**
   * The binding certificate held for an alias, in memory or persisted, even one due for renewal
   * (for display); never an IMDS request. Undefined when there is none for this key.
   */
  async held(alias: string, correlationId: string): Promise<Binding | undefined> {
    const inMemory = this.#memory.get(alias);
    if (inMemory !== undefined) return inMemory;
    const store = this.#o.store;
    if (store === undefined) return undefined;
    const key = await this.key(correlationId);
    const stored = await store.read(alias, key.name, key.publicKeySpki()).catch(() => undefined);
    return stored === undefined ? undefined : toBinding(alias, stored.certificate, stored.tokenUrl, stored.clientId, stored.tenantId, key);
  }

  /** The binding key, created or opened once and checked against the floor. `correlationId`: the flow that asks, for the log. */
  key(correlationId?: string): Promise<BindingKey> {
    this.#keyChecked ??= this.#o.keyProvider.getKey({ onGenerate: preloadCsrEncoder }).then(
      (key) => {
        for (const note of this.#o.takeKeyNotes?.() ?? []) this.#o.logger.info(note, correlationId);
        assertMeetsFloor(key, this.#o.minimumKeyProtection);
        return key;
      },
      (error: unknown) => {
        this.#keyChecked = undefined;
        throw error;
      },
    );
    return this.#keyChecked;
  }

  async #fromStore(alias: string, correlationId: string): Promise<Binding | undefined> {
    const store = this.#o.store;
    if (store === undefined) return undefined;
    const key = await this.key(correlationId);
    const stored = await store.read(alias, key.name, key.publicKeySpki()).catch(() => undefined);
    if (stored === undefined) return undefined;
    const binding = toBinding(alias, stored.certificate, stored.tokenUrl, stored.clientId, stored.tenantId, key);
    if (!isReusable(binding.notBeforeMs, binding.notAfterMs, this.#o.now())) return undefined;
    this.#o.logger.info(`Reusing the persisted binding certificate ${binding.x5tS256} (no IMDS request).`, correlationId);
    this.#memory.set(alias, binding);
    return binding;
  }

  async #mint(alias: string, identity: ManagedIdentityId | undefined, attest: boolean, correlationId: string, onStep?: (step: BindingStep) => void): Promise<Binding> {
    if (attest && this.#o.attestation === undefined) {
      throw new MtlsError('ERR_IMDS_ATTESTATION_UNAVAILABLE', { correlationId, message: 'Key attestation was requested but no attestation provider is configured (there is none off Windows).' });
    }
    const call = this.#o.imdsOptions(identity, correlationId);
    // The key first: one below the floor fails before any IMDS request (IMDS is rate limited,
    // and a misconfigured app retrying in a loop must not hammer it). Persisted keys open fast.
    onStep?.('key');
    const key = await this.key(correlationId);
    onStep?.('metadata');
    const metadata = await getPlatformMetadata(call);
    let attestationToken: string | undefined;
    if (attest && this.#o.attestation !== undefined) {
      onStep?.('attestation');
      attestationToken = await this.#o.attestation.get({ endpoint: new URL(metadata.attestationEndpoint).href, key, clientId: metadata.clientId });
    }
    onStep?.('csr');
    const csr = await buildCsr({ clientId: metadata.clientId, tenantId: metadata.tenantId, cuId: metadata.cuId, signer: key });
    onStep?.('issuance');
    const issued = await issueCredential({ csr: csr.base64, ...(attestationToken === undefined ? {} : { attestationToken }) }, call);
    verifyIssuedCertificate(issued.certificate, { publicKey: key.publicKeySpki(), clientId: metadata.clientId, now: new Date(this.#o.now()) });
    const binding = toBinding(alias, issued.certificate, issued.tokenUrl, issued.clientId, issued.tenantId, key);
    this.#o.logger.info(`IMDS issued binding certificate ${binding.x5tS256}, valid until ${new Date(binding.notAfterMs).toISOString()}.`, correlationId);
    this.#memory.set(alias, binding);
    await this.#o.store?.write({ alias, certificate: issued.certificate, tokenUrl: issued.tokenUrl, clientId: issued.clientId, tenantId: issued.tenantId }, key.name, key.publicKeySpki()).catch((error: unknown) => {
      this.#o.logger.warning(`The binding certificate could not be persisted (${(error as Error).message}); it stays in memory.`, correlationId);
    });
    return binding;
  }
}

function toBinding(alias: string, certificate: X509Certificate, tokenUrl: string, clientId: string, tenantId: string, key: BindingKey): Binding {
  return {
    alias,
    certificate,
    x5tS256: x5tS256(certificate),
    notBeforeMs: Date.parse(certificate.validFrom),
    notAfterMs: Date.parse(certificate.validTo),
    tokenUrl,
    clientId,
    tenantId,
    key,
  };
}
