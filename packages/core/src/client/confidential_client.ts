import type { X509Certificate } from 'node:crypto';
import { parseAuthority, type Authority } from '../authority/authority.js';
import { parseRegion } from '../authority/region.js';
import { mtlsTokenUrl } from '../authority/mtls_endpoint.js';
import { assertWithinValidity, loadBindingCredential, type BindingCredential, type CertificateInput } from '../credential/binding_credential.js';
import { isExternalKeyCertificate, loadExternalKeyCredential, type ExternalKeyCertificateInput, type ExternalKeyCredential } from '../credential/external_key_certificate.js';
import { MtlsError } from '../errors/mtls_error.js';
import { invalidArgument, requireCorrelationId, requireObject, requireString } from '../errors/argument.js';
import { TokenCache } from '../cache/token_cache.js';
import { scopesKey } from '../cache/scopes.js';
import { Logger, type LoggerOptions } from '../logging/logger.js';
import { parseConnectTo, resolveDialTarget } from '../transport/connect_to.js';
import { createNodeTransport } from '../transport/node_transport.js';
import { leaseNodeTransport, type TransportLease } from '../transport/shared_transport.js';
import type { MtlsTransport } from '../transport/http_types.js';
import { requestMtlsPopToken } from '../request/token_request.js';
import type { TokenResponse } from '../request/token_response.js';
import { TokenAcquisition, type CachePlugin, type TokenSource } from './token_acquisition.js';
import type { AcquireTokenResult } from './result.js';
import { readCaOption } from './ca_option.js';
import { registerClientTls } from './client_tls.js';
import { VERSION } from '../version.js';

/** Options of {@link ConfidentialClient}. Names are a contract: later versions add, never rename. */
export interface ConfidentialClientOptions {
  /** Application (client) id. */
  clientId: string;
  /** `https://login.microsoftonline.com/<tenant>` (or a sovereign cloud's `login.` host). */
  authority: string;
  /** Azure region, e.g. `eastus`: the regional mTLS host. Omitted: the cloud's global mTLS host. */
  azureRegion?: string;
  /**
   * The certificate whose key signs the TLS handshake: PEM, PFX or a KeyObject with its chain,
   * or a certificate whose key stays outside Node (e.g. `windowsStoreCertificate()` of
   * @msal-mtls/cng: Windows store, non-exportable key, TLS through Schannel).
   */
  certificate?: CertificateInput | ExternalKeyCertificateInput;
  /** Not usable for mTLS PoP; accepted only so the error says so instead of a type error. */
  clientSecret?: string;
  /** Not usable for mTLS PoP without a binding certificate; see clientSecret. */
  clientAssertion?: string | (() => string | Promise<string>);
  /** Extra trusted root certificates (PEM), added to Node's roots. E.g. the emulator's CA. */
  ca?: string | readonly string[];
  /** curl-style `HOST:PORT:CONNECT_HOST:CONNECT_PORT` rules: dial elsewhere, keep the name for TLS checks. */
  connectTo?: readonly string[];
  /** Logging in msal-node's shape. */
  logger?: LoggerOptions;
  /** Hooks to persist the token cache. */
  cachePlugin?: CachePlugin;
  /** Share one cache between clients. Default: a cache of this client's own. */
  tokenCache?: TokenCache;
  /** Per-attempt timeout of the token request. Default 30 s. */
  requestTimeoutMs?: number;
  /** Clock, epoch ms (a test seam). */
  now?: () => number;
  /** Waits between retries (a test seam). */
  sleep?: (ms: number) => Promise<void>;
}

/** Parameters of {@link ConfidentialClient.acquireToken}. */
export interface AcquireTokenParameters {
  /** e.g. `['https://graph.microsoft.com/.default']`. */
  scopes: readonly string[];
  /** Must be `true`: this client gets mTLS PoP tokens only. */
  mtlsProofOfPossession: true;
  /** Skip the cache and get a new token. */
  forceRefresh?: boolean;
  /** Sent as `client-request-id`; generated when absent. */
  correlationId?: string;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Path 1: a confidential client that gets mTLS PoP tokens with its own certificate. The certificate
 * is presented in the TLS handshake to the regional (or global) mTLS token endpoint; no client
 * assertion is sent; the token comes back bound to the certificate (`cnf["x5t#S256"]`).
 * Everything the caller can get wrong is checked in the constructor, before any network call.
 *
 * @example
 * const client = new ConfidentialClient({
 *   clientId, authority: `https://login.microsoftonline.com/${tenantId}`, azureRegion: 'eastus',
 *   certificate: { certPem, keyPem },
 * });
 * const { accessToken, bindingCertificate } = await client.acquireToken({
 *   scopes: ['https://graph.microsoft.com/.default'], mtlsProofOfPossession: true,
 * });
 * @see https://www.rfc-editor.org/rfc/rfc8705
 */
export class ConfidentialClient {
  readonly clientId: string;
  readonly authority: Authority;
  readonly azureRegion: string | undefined;
  /** The token endpoint this client posts to. */
  readonly tokenUrl: string;
  readonly #credential: BindingCredential | ExternalKeyCredential;
  readonly #acquisition: TokenAcquisition;
  readonly #source: TokenSource;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #ca: readonly string[];
  readonly #connectTo: ReturnType<typeof parseConnectTo>;
  readonly #timeoutMs: number | undefined;
  #lease: TransportLease | undefined;
  readonly #scopeKeys = new Map<string, string>();

  constructor(options: ConfidentialClientOptions) {
    const o = requireObject('options', options) as Partial<ConfidentialClientOptions>;
    this.clientId = requireString('clientId', o.clientId);
    if (/[\s\x00-\x1f\x7f]/.test(this.clientId)) throw invalidArgument('clientId', 'an application (client) id, without spaces or control characters', this.clientId);
    this.#now = optionalFunction(o.now, 'now') ?? Date.now;
    this.#sleep = optionalFunction(o.sleep, 'sleep') ?? defaultSleep;
    if (o.requestTimeoutMs !== undefined && !(Number.isInteger(o.requestTimeoutMs) && o.requestTimeoutMs > 0)) {
      throw invalidArgument('requestTimeoutMs', 'a positive integer', o.requestTimeoutMs);
    }
    this.#timeoutMs = o.requestTimeoutMs;
    // Order of the checks follows MSAL.NET (spec §10.1): credential, tenant, host; then region.
    if (o.certificate === undefined || o.certificate === null) {
      const what = o.clientSecret !== undefined ? 'a client secret' : o.clientAssertion !== undefined ? 'a client assertion without a binding certificate' : 'no credential';
      throw new MtlsError('ERR_MTLS_CERTIFICATE_REQUIRED', { message: `mTLS PoP requires a certificate credential; this client was configured with ${what}.` });
    }
    this.authority = parseAuthority(o.authority);
    this.azureRegion = parseRegion(o.azureRegion);
    this.tokenUrl = mtlsTokenUrl(this.authority, this.azureRegion);
    this.#ca = readCaOption(o.ca);
    this.#connectTo = parseConnectTo(o.connectTo);
    if (isExternalKeyCertificate(o.certificate)) {
      this.#credential = loadExternalKeyCredential(o.certificate);
      assertWithinValidity(this.#credential, this.#now());
    } else {
      this.#credential = loadBindingCredential(o.certificate, this.#now());
    }
    this.#logger = new Logger(o.logger, `@msal-mtls/core@${VERSION}`);
    if (o.tokenCache !== undefined && !(o.tokenCache instanceof TokenCache)) throw invalidArgument('tokenCache', 'a TokenCache', o.tokenCache);
    const cache = o.tokenCache ?? new TokenCache();
    this.#acquisition = new TokenAcquisition({ cache, logger: this.#logger, now: this.#now, cachePlugin: o.cachePlugin });
    const partitionKey = TokenCache.partitionKey({
      environment: this.authority.host,
      tenant: this.authority.tenant,
      clientId: this.clientId,
      tokenType: 'mtls_pop',
      x5tS256: this.#credential.x5tS256,
    });
    this.#source = {
      partitionKey,
      partition: cache.partition(partitionKey),
      bindingCertificate: this.#credential.certificate,
      x5tS256: this.#credential.x5tS256,
      notAfterMs: this.#credential.notAfterMs,
      fetch: (scopes, correlationId) => this.#fetch(scopes, correlationId),
    };
    registerClientTls(this, { credential: this.#credential, ca: this.#ca, connectTo: this.#connectTo, now: this.#now });
  }

  /** The binding certificate (the leaf of the configured credential). */
  get bindingCertificate(): X509Certificate {
    return this.#credential.certificate;
  }

  /** The token cache (serialize / deserialize, size, clear). */
  get tokenCache(): TokenCache {
    return this.#acquisition.cache;
  }

  /**
   * Gets an mTLS PoP token: from the cache when it holds a valid one (one Map lookup), else from
   * the mTLS token endpoint. Concurrent calls for the same scopes share one request.
   */
  acquireToken(parameters: AcquireTokenParameters): Promise<AcquireTokenResult> {
    try {
      const p = requireObject('parameters', parameters) as Partial<AcquireTokenParameters>;
      if (p.mtlsProofOfPossession !== true) {
        throw invalidArgument('parameters.mtlsProofOfPossession', 'true (this client gets mTLS PoP tokens only)', p.mtlsProofOfPossession);
      }
      const scopes = p.scopes;
      const only = Array.isArray(scopes) && scopes.length === 1 ? scopes[0] : undefined;
      const key = typeof only === 'string' ? (this.#scopeKeys.get(only) ?? this.#rememberScope(only)) : scopesKey(scopes);
      if (p.correlationId !== undefined) requireCorrelationId('parameters.correlationId', p.correlationId);
      if (p.forceRefresh !== undefined && typeof p.forceRefresh !== 'boolean') throw invalidArgument('parameters.forceRefresh', 'a boolean', p.forceRefresh);
      return this.#acquisition.acquire(this.#source, key, p.scopes as readonly string[], p);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * A transport for the downstream call (RFC 8705 §3): TLS that presents this client's
   * certificate, trusting the same extra roots and connect-to rules. Send
   * `Authorization: mtls_pop <accessToken>` over it. Close it when done.
   */
  createMtlsTransport(): MtlsTransport {
    if ('createTransport' in this.#credential) return this.#externalTransport(this.#credential);
    return createNodeTransport({ credential: this.#credential, ca: this.#ca, connectTo: this.#connectTo });
  }

  /** A transport of the external key's backend (e.g. Schannel), with our roots and connect-to rules. */
  #externalTransport(credential: ExternalKeyCredential): MtlsTransport {
    const rules = this.#connectTo;
    return credential.createTransport({
      ca: this.#ca,
      dial: (host, port) => resolveDialTarget(rules, host, port),
      ...(this.#timeoutMs === undefined ? {} : { timeoutMs: this.#timeoutMs }),
    });
  }

  /** One-scope cache keys, memoised per scope string so a hit does no string work. */
  #rememberScope(scope: string): string {
    const key = scopesKey([scope]);
    if (this.#scopeKeys.size >= 1024) this.#scopeKeys.clear();
    this.#scopeKeys.set(scope, key);
    return key;
  }

  /** Lets go of the pooled TLS connections (closed when no other client with this certificate uses them). */
  close(): void {
    this.#lease?.release();
    this.#lease = undefined;
  }

  #fetch(scopes: readonly string[], correlationId: string): Promise<TokenResponse> {
    assertWithinValidity(this.#credential, this.#now());
    const credential = this.#credential;
    if ('createTransport' in credential && this.#lease === undefined) {
      const transport = this.#externalTransport(credential);
      this.#lease = { transport, release: () => transport.close() };
    }
    this.#lease ??= leaseNodeTransport({
      credential: credential as BindingCredential,
      ca: this.#ca,
      connectTo: this.#connectTo,
      ...(this.#timeoutMs === undefined ? {} : { timeoutMs: this.#timeoutMs }),
    });
    this.#logger.info(`Requesting an mTLS PoP token from ${new URL(this.tokenUrl).host} with certificate x5t#S256 ${this.#credential.x5tS256}.`, correlationId);
    return requestMtlsPopToken({
      tokenUrl: this.tokenUrl,
      clientId: this.clientId,
      scopes,
      correlationId,
      transport: this.#lease.transport,
      x5tS256: this.#credential.x5tS256,
      now: this.#now,
      sleep: this.#sleep,
    });
  }
}

function optionalFunction<T>(value: T | undefined, name: string): T | undefined {
  if (value !== undefined && typeof value !== 'function') throw invalidArgument(name, 'a function', value);
  return value;
}

