import { randomUUID, X509Certificate } from 'node:crypto';
import {
  Logger, TokenAcquisition, TokenCache, VERSION, createNodeTransport, leaseNodeTransport, parseConnectTo, requestMtlsPopToken, resolveDialTarget, scopesKey,
  type AcquireTokenResult, type CachePlugin, type LoggerOptions, type MtlsTransport, type TokenSource,
} from '@msal-mtls/core';
import { AttestationCache } from '../attestation/attestation_cache.js';
import type { AttestationProvider } from '../attestation/attestation_provider.js';
import { BindingManager, type BindingStep } from '../binding/binding_manager.js';
import { BindingFileStore } from '../binding/binding_file_store.js';
import { ProviderBindingStore } from '../binding/provider_store.js';
import { PlatformKeyProvider } from '../key/platform_key_provider.js';
import { PlatformAttestationProvider } from '../attestation/platform_attestation_provider.js';
import type { Binding } from '../binding/binding.js';
import type { KeyDowngrade, KeyProtection, KeyProvider } from '../key/key_provider.js';
import { parseKeyProtection } from '../key/key_protection.js';
import { resolveImdsBase, type ManagedIdentityId } from '../imds/imds_endpoint.js';
import type { ImdsCallOptions } from '../imds/imds_call.js';
import { probeImdsV2 } from '../imds/probe.js';
import { invalidArgument, readCaOption, requireCorrelationId } from '@msal-mtls/core';
import { identityKey, parseIdentity, resourceScope } from './identity.js';
import { isBindingRejected } from './rejection.js';
import { defaultStoreDirectory } from './store_directory.js';

/** Options of {@link ManagedIdentityClient}. Names are a contract: later versions add, never rename. */
export interface ManagedIdentityClientOptions {
  /** IMDS base URL. Default: `AZURE_POD_IDENTITY_AUTHORITY_HOST`, else `http://169.254.169.254`. */
  imdsEndpoint?: string;
  /**
   * The key backend. Default: on Windows with @msal-mtls/cng installed, CNG (KeyGuard first);
   * otherwise a software key (persisted when `persistence` is on).
   */
  keyProvider?: KeyProvider;
  /** Proves the key is KeyGuard-protected. Default on Windows: @msal-mtls/cng's, when installed. */
  attestationProvider?: AttestationProvider;
  /** The weakest key protection accepted. Default `'keyguard'`: fail closed rather than downgrade. */
  minimumKeyProtection?: KeyProtection;
  /** Extra trusted roots (PEM) for the mTLS token endpoint, e.g. the emulator's CA. */
  ca?: string | readonly string[];
  /** curl-style `HOST:PORT:CONNECT_HOST:CONNECT_PORT` rules for the mTLS token endpoint. */
  connectTo?: readonly string[];
  logger?: LoggerOptions;
  /**
   * Persist the key and binding certificates (never a private key in the certificate store) so a
   * restart skips issuance. `true` uses the per-user default folder. With the Windows (CNG)
   * backend, certificates go to CurrentUser\My with the tags MSAL.NET and msal-go use, so the
   * SDKs on a VM share them; that is on unless this is `false` or the environment sets
   * `MSAL_MI_DISABLE_PERSISTENT_CERT_CACHE` to `1`/`true`.
   */
  persistence?: boolean | { directory: string };
  tokenCache?: TokenCache;
  cachePlugin?: CachePlugin;
  /** Per-attempt timeout of IMDS requests (default 10 s) and of the token request (default 30 s). */
  imdsTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Environment (a test seam; default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface ManagedIdentityAcquireTokenParameters {
  /** e.g. `https://graph.microsoft.com` (a `/.default` suffix is accepted). Or give `scopes`. */
  resource?: string;
  /** One scope, e.g. `['https://graph.microsoft.com/.default']`. */
  scopes?: readonly string[];
  /** A user-assigned identity; system-assigned when absent. */
  identity?: ManagedIdentityId;
  /** Attest the key (KeyGuard) and send the MAA token with the CSR. Fails closed. */
  attestation?: boolean;
  forceRefresh?: boolean;
  correlationId?: string;
  /** Called as each step of a cold flow starts (for progress output). */
  onStep?: (step: BindingStep | 'token') => void;
}

export interface ManagedIdentityCapabilities {
  /** IMDSv2 answered the probe (HTTP 400 to a request without `Metadata: true`). */
  imdsV2: boolean;
  imdsReason: string;
  /** The protection the key provider reaches on this machine, and why stronger levels failed. */
  keyProtection: KeyProtection;
  downgrades: readonly KeyDowngrade[];
}

interface ScopeForms {
  key: string;
  scopes: readonly string[];
}

const samiPlain = `${identityKey(undefined)}#att=0`;
const samiAttested = `${identityKey(undefined)}#att=1`;

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface AliasState {
  binding: Binding;
  source: TokenSource;
  lease: { transport: MtlsTransport; release(): void } | undefined;
}

/**
 * Path 2: mTLS PoP tokens for an Azure VM's managed identity over IMDSv2. The VM's IMDS issues a
 * binding certificate for our key; the token request presents it over mTLS. Certificates are
 * cached per identity and attestation mode, reused while they have min(24 h, half their life)
 * left, and optionally persisted; tokens are cached under `mtls_pop` + the certificate's x5t#S256.
 *
 * @example
 * const client = new ManagedIdentityClient({ minimumKeyProtection: 'software', persistence: true });
 * const { accessToken } = await client.acquireToken({ resource: 'https://graph.microsoft.com' });
 * @see ../../../../../shared/spec/protocol.md §1–§6
 */
export class ManagedIdentityClient {
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #base: string;
  readonly #ca: readonly string[];
  readonly #connectTo: ReturnType<typeof parseConnectTo>;
  readonly #requestTimeoutMs: number | undefined;
  readonly #imdsTimeoutMs: number | undefined;
  readonly #bindings: BindingManager;
  readonly #keyProvider: KeyProvider;
  readonly #acquisition: TokenAcquisition;
  readonly #cache: TokenCache;
  readonly #aliases = new Map<string, AliasState>();
  readonly #scopeMemo = new Map<string, ScopeForms>();
  /** What the key provider said while opening the key; logged by the flow that opened it, with its correlation id. */
  readonly #keyNotes: string[] = [];

  constructor(options: ManagedIdentityClientOptions = {}) {
    if (typeof options !== 'object' || options === null) throw invalidArgument('options', 'an object', options);
    if (options.env !== undefined && (typeof options.env !== 'object' || options.env === null)) throw invalidArgument('env', 'an object of environment variables', options.env);
    const env = options.env ?? process.env;
    this.#now = optionalFunction(options.now, 'now') ?? Date.now;
    this.#sleep = optionalFunction(options.sleep, 'sleep') ?? defaultSleep;
    this.#logger = new Logger(options.logger, `@msal-mtls/imds@${VERSION}`);
    this.#base = resolveImdsBase({ imdsEndpoint: options.imdsEndpoint }, env);
    this.#ca = readCaOption(options.ca);
    this.#connectTo = parseConnectTo(options.connectTo);
    this.#requestTimeoutMs = positiveOrUndefined(options.requestTimeoutMs, 'requestTimeoutMs');
    this.#imdsTimeoutMs = positiveOrUndefined(options.imdsTimeoutMs, 'imdsTimeoutMs');
    const floor = parseKeyProtection(options.minimumKeyProtection, 'minimumKeyProtection');
    const directory = persistenceDirectory(options.persistence, env);
    if (options.keyProvider !== undefined && !hasMethods(options.keyProvider, ['getKey'])) throw invalidArgument('keyProvider', 'a KeyProvider (an object with getKey())', options.keyProvider);
    if (options.attestationProvider !== undefined && !hasMethods(options.attestationProvider, ['attest'])) {
      throw invalidArgument('attestationProvider', 'an AttestationProvider (an object with attest())', options.attestationProvider);
    }
    if (options.tokenCache !== undefined && !(options.tokenCache instanceof TokenCache)) throw invalidArgument('tokenCache', 'a TokenCache', options.tokenCache);
    this.#keyProvider =
      options.keyProvider ??
      new PlatformKeyProvider({ ...(directory === undefined ? {} : { directory }), onFallback: (reason) => this.#noteKey(reason) });
    const platformStore = options.persistence !== false && !/^(1|true)$/i.test(env.MSAL_MI_DISABLE_PERSISTENT_CERT_CACHE ?? '');
    const attestationProvider = options.attestationProvider ?? (process.platform === 'win32' ? new PlatformAttestationProvider() : undefined);
    this.#cache = options.tokenCache ?? new TokenCache();
    this.#acquisition = new TokenAcquisition({ cache: this.#cache, logger: this.#logger, now: this.#now, cachePlugin: options.cachePlugin });
    this.#bindings = new BindingManager({
      keyProvider: this.#keyProvider,
      minimumKeyProtection: floor,
      attestation: attestationProvider === undefined ? undefined : new AttestationCache(attestationProvider, this.#now),
      store: new ProviderBindingStore(this.#keyProvider, platformStore, directory === undefined ? undefined : new BindingFileStore(directory)),
      imdsOptions: (identity, correlationId) => this.#imdsOptions(identity, correlationId),
      now: this.#now,
      logger: this.#logger,
      takeKeyNotes: () => this.#keyNotes.splice(0),
    });
  }

  #noteKey(note: string): void {
    if (this.#keyNotes.length < 16) this.#keyNotes.push(note);
  }

  /** The token cache (serialize / deserialize, size, clear). */
  get tokenCache(): TokenCache {
    return this.#cache;
  }

  /**
   * Gets an mTLS PoP token for the VM's managed identity: from the cache (one Map lookup) when a
   * valid one is bound to a reusable certificate, else through IMDSv2 and the mTLS token endpoint.
   */
  acquireToken(parameters: ManagedIdentityAcquireTokenParameters): Promise<AcquireTokenResult> {
    try {
      const p = parameters;
      if (typeof p !== 'object' || p === null) throw invalidArgument('parameters', 'an object', p);
      const scope = this.#scope(p);
      if (p.correlationId !== undefined) requireCorrelationId('parameters.correlationId', p.correlationId);
      // Explicit checks, no array: this runs on the allocation-free cache-hit path.
      if (p.forceRefresh !== undefined && typeof p.forceRefresh !== 'boolean') throw invalidArgument('parameters.forceRefresh', 'a boolean', p.forceRefresh);
      if (p.attestation !== undefined && typeof p.attestation !== 'boolean') throw invalidArgument('parameters.attestation', 'a boolean', p.attestation);
      if (p.onStep !== undefined && typeof p.onStep !== 'function') throw invalidArgument('parameters.onStep', 'a function', p.onStep);
      const identity = p.identity === undefined ? undefined : parseIdentity(p.identity);
      const attest = p.attestation === true;
      const alias = identity === undefined ? (attest ? samiAttested : samiPlain) : `${identityKey(identity)}#att=${attest ? 1 : 0}`;
      // The cache-hit path: no async frame of our own, no allocation but the caller's promise.
      const state = this.#fresh(alias);
      if (state !== undefined && p.forceRefresh !== true && this.#acquisition.peek(state.source, scope.key) !== undefined) {
        return this.#acquisition.acquire(state.source, scope.key, scope.scopes, p);
      }
      return this.#acquireFromNetwork(p, scope, identity, attest, alias);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async #acquireFromNetwork(p: ManagedIdentityAcquireTokenParameters, scope: ScopeForms, identity: ManagedIdentityId | undefined, attest: boolean, alias: string): Promise<AcquireTokenResult> {
    const correlationId = p.correlationId ?? randomUUID();
    const attempt = async (): Promise<AcquireTokenResult> => {
      const binding = await this.#bindings.get(alias, identity, attest, correlationId, p.onStep);
      p.onStep?.('token');
      return this.#acquisition.acquire(this.#stateFor(alias, binding, identityKey(identity), attest).source, scope.key, scope.scopes, { ...p, correlationId });
    };
    try {
      return await attempt();
    } catch (error) {
      // A certificate the token endpoint refuses (revoked, or its key lost) is replaced once
      // (spec §6.3): drop it everywhere, issue a new one, try again.
      if (!isBindingRejected(error)) throw error;
      if (this.#aliases.get(alias) === undefined) throw error;
      this.#logger.warning(`The token endpoint refused the binding certificate (${(error as { code: string }).code}); issuing a new one and retrying once.`, correlationId);
      this.#retire(alias);
      await this.#bindings.drop(alias);
      return attempt();
    }
  }

  /** The scope, its cache key and a shared one-element array, memoised per resource string. */
  #scope(p: ManagedIdentityAcquireTokenParameters): ScopeForms {
    const text = p.resource ?? (Array.isArray(p.scopes) && p.scopes.length === 1 ? p.scopes[0] : undefined);
    if (typeof text === 'string' && !(p.resource !== undefined && p.scopes !== undefined)) {
      const memo = this.#scopeMemo.get(text);
      if (memo !== undefined) return memo;
    }
    const scope = requestScope(p);
    const forms: ScopeForms = { key: scopesKey([scope]), scopes: Object.freeze([scope]) };
    if (typeof text === 'string') {
      if (this.#scopeMemo.size >= 1024) this.#scopeMemo.clear();
      this.#scopeMemo.set(text, forms);
    }
    return forms;
  }

  /** Whether IMDSv2 is here and the best key protection this machine gives. Never mistakes a missing user-assigned identity for "no IMDSv2" (the probe names no identity). */
  async getCapabilities(): Promise<ManagedIdentityCapabilities> {
    const correlationId = randomUUID();
    const [probe, key] = await Promise.all([
      probeImdsV2(this.#imdsOptions(undefined, correlationId)),
      this.#keyProvider.getKey(),
    ]);
    for (const note of this.#keyNotes.splice(0)) this.#logger.info(note, correlationId);
    return { imdsV2: probe.available, imdsReason: probe.reason, keyProtection: key.protection, downgrades: key.downgrades };
  }

  /**
   * A transport for the downstream call (RFC 8705 §3): TLS that presents `bindingCertificate`
   * with the binding key, trusting the same extra roots and connect-to rules as this client.
   * Send `Authorization: mtls_pop <accessToken>` over it. Close it when done.
   */
  async createMtlsTransport(bindingCertificate: X509Certificate): Promise<MtlsTransport> {
    if (!(bindingCertificate instanceof X509Certificate)) throw invalidArgument('bindingCertificate', 'an X509Certificate', bindingCertificate);
    const key = await this.#bindings.key(randomUUID());
    let spki: Buffer | undefined;
    try {
      spki = bindingCertificate.publicKey.export({ type: 'spki', format: 'der' });
    } catch {
      spki = undefined; // a public key OpenSSL cannot decode is not ours either
    }
    if (spki === undefined || !spki.equals(Buffer.from(key.publicKeySpki()))) {
      throw invalidArgument('bindingCertificate', "a certificate issued for this client's binding key", bindingCertificate);
    }
    return this.#transport({ certificate: bindingCertificate, key });
  }

  /**
   * The binding certificate this client holds for an identity and attestation mode: in memory,
   * else persisted (with `persistence` on), even one due for renewal. Never calls IMDS; undefined
   * when there is none for this key (`msal-mtls cert show --mi` uses it).
   */
  async getBindingCertificate(parameters: Pick<ManagedIdentityAcquireTokenParameters, 'identity' | 'attestation' | 'correlationId'> = {}): Promise<X509Certificate | undefined> {
    if (typeof parameters !== 'object' || parameters === null) throw invalidArgument('parameters', 'an object', parameters);
    if (parameters.attestation !== undefined && typeof parameters.attestation !== 'boolean') throw invalidArgument('parameters.attestation', 'a boolean', parameters.attestation);
    const correlationId = parameters.correlationId === undefined ? randomUUID() : requireCorrelationId('parameters.correlationId', parameters.correlationId);
    const identity = parameters.identity === undefined ? undefined : parseIdentity(parameters.identity);
    const alias = `${identityKey(identity)}#att=${parameters.attestation === true ? 1 : 0}`;
    return (await this.#bindings.held(alias, correlationId))?.certificate;
  }

  /** Closes pooled TLS connections. */
  close(): void {
    for (const state of this.#aliases.values()) state.lease?.release();
    this.#aliases.clear();
  }

  #fresh(alias: string): AliasState | undefined {
    const state = this.#aliases.get(alias);
    if (state === undefined) return undefined;
    return this.#bindings.current(alias) === state.binding ? state : undefined;
  }

  #stateFor(alias: string, binding: Binding, idKey: string, attest: boolean): AliasState {
    const existing = this.#aliases.get(alias);
    if (existing !== undefined && existing.binding === binding) return existing;
    if (existing !== undefined) this.#retire(alias);
    const partitionKey = TokenCache.partitionKey({
      environment: new URL(binding.tokenUrl).host,
      tenant: binding.tenantId,
      clientId: idKey,
      tokenType: 'mtls_pop',
      x5tS256: binding.x5tS256,
      extra: `att=${attest ? 1 : 0}`,
    });
    const state: AliasState = {
      binding,
      lease: undefined,
      source: {
        partitionKey,
        partition: this.#cache.partition(partitionKey),
        bindingCertificate: binding.certificate,
        x5tS256: binding.x5tS256,
        notAfterMs: binding.notAfterMs,
        fetch: (scopes, correlationId) => {
          state.lease ??= this.#lease(binding);
          return requestMtlsPopToken({
            tokenUrl: binding.tokenUrl,
            clientId: binding.clientId,
            scopes,
            correlationId,
            transport: state.lease.transport,
            x5tS256: binding.x5tS256,
            now: this.#now,
            sleep: this.#sleep,
            ...(this.#requestTimeoutMs === undefined ? {} : { timeoutMs: this.#requestTimeoutMs }),
          });
        },
      },
    };
    this.#aliases.set(alias, state);
    return state;
  }

  /** The token request's transport: shared per certificate in the process (see leaseNodeTransport). */
  #lease(binding: Binding): { transport: MtlsTransport; release(): void } {
    const tls = binding.key.tls;
    if (tls.kind === 'transport') {
      const transport = this.#transport(binding);
      return { transport, release: () => transport.close() };
    }
    return leaseNodeTransport({
      credential: { chain: [binding.certificate], privateKey: tls.privateKey },
      ca: this.#ca,
      connectTo: this.#connectTo,
      ...(this.#requestTimeoutMs === undefined ? {} : { timeoutMs: this.#requestTimeoutMs }),
    });
  }

  #transport(binding: Pick<Binding, 'certificate' | 'key'>): MtlsTransport {
    const tls = binding.key.tls;
    if (tls.kind === 'transport') {
      const rules = this.#connectTo;
      return tls.createTransport(binding.certificate, {
        ca: this.#ca,
        connectTo: rules.map(ruleText),
        dial: (host, port) => resolveDialTarget(rules, host, port),
        ...(this.#requestTimeoutMs === undefined ? {} : { timeoutMs: this.#requestTimeoutMs }),
      });
    }
    return createNodeTransport({
      credential: { chain: [binding.certificate], privateKey: tls.privateKey },
      ca: this.#ca,
      connectTo: this.#connectTo,
      ...(this.#requestTimeoutMs === undefined ? {} : { timeoutMs: this.#requestTimeoutMs }),
    });
  }

  /** Old connections may still carry a request: close them once that has had time to finish. */
  #retire(alias: string): void {
    const old = this.#aliases.get(alias);
    this.#aliases.delete(alias);
    if (old?.lease !== undefined) setTimeout(() => old.lease?.release(), 30_000).unref();
  }

  #imdsOptions(identity: ManagedIdentityId | undefined, correlationId: string): ImdsCallOptions {
    return {
      base: this.#base,
      identity,
      correlationId,
      now: this.#now,
      sleep: this.#sleep,
      ...(this.#imdsTimeoutMs === undefined ? {} : { timeoutMs: this.#imdsTimeoutMs }),
    };
  }
}

function requestScope(p: ManagedIdentityAcquireTokenParameters): string {
  if (p.resource !== undefined && p.scopes !== undefined) throw invalidArgument('parameters', 'either resource or scopes, not both', p);
  if (p.resource !== undefined) {
    if (typeof p.resource !== 'string' || p.resource.trim() === '') throw invalidArgument('parameters.resource', 'a non-empty string', p.resource);
    return resourceScope(p.resource);
  }
  if (!Array.isArray(p.scopes) || p.scopes.length !== 1 || typeof p.scopes[0] !== 'string') {
    throw invalidArgument('parameters.scopes', 'an array of one scope (managed identity tokens are for one resource)', p.scopes);
  }
  return resourceScope(p.scopes[0]);
}

function persistenceDirectory(value: ManagedIdentityClientOptions['persistence'], env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return defaultStoreDirectory(env, process.platform === 'win32');
  if (typeof value === 'object' && value !== null && typeof value.directory === 'string' && value.directory.length > 0) return value.directory;
  throw invalidArgument('persistence', 'a boolean or { directory }', value);
}

function positiveOrUndefined(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw invalidArgument(name, 'a positive integer (milliseconds)', value);
  return value;
}

function ruleText(rule: { host: string; port: string; connectHost: string; connectPort: string }): string {
  const bracket = (h: string): string => (h.includes(':') ? `[${h}]` : h);
  return `${bracket(rule.host)}:${rule.port}:${bracket(rule.connectHost)}:${rule.connectPort}`;
}


function optionalFunction<T>(value: T | undefined, name: string): T | undefined {
  if (value !== undefined && typeof value !== 'function') throw invalidArgument(name, 'a function', value);
  return value;
}

function hasMethods(value: unknown, names: readonly string[]): boolean {
  return typeof value === 'object' && value !== null && names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');
}
