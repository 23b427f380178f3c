import { randomUUID, type X509Certificate } from 'node:crypto';
import { SingleFlight } from '../cache/single_flight.js';
import type { CachedToken, TokenCache } from '../cache/token_cache.js';
import type { TokenResponse } from '../request/token_response.js';
import type { Logger } from '../logging/logger.js';
import type { AcquireTokenResult } from './result.js';
import { invalidArgument } from '../errors/argument.js';

/** Passed to the cache plugin's hooks, as msal-node's TokenCacheContext. */
export interface TokenCacheContext {
  readonly tokenCache: TokenCache;
  readonly cacheHasChanged: boolean;
}

/** Lets an app persist the cache: load it before access, save it after a change. */
export interface CachePlugin {
  beforeCacheAccess(context: TokenCacheContext): Promise<void>;
  afterCacheAccess(context: TokenCacheContext): Promise<void>;
}

/** Where tokens for one client and one binding certificate come from and go to. */
export interface TokenSource {
  readonly partitionKey: string;
  readonly partition: Map<string, CachedToken>;
  readonly bindingCertificate: X509Certificate;
  readonly x5tS256: string;
  /** A token never outlives its certificate. */
  readonly notAfterMs: number;
  fetch(scopes: readonly string[], correlationId: string): Promise<TokenResponse>;
}

export interface AcquireOptions {
  forceRefresh?: boolean | undefined;
  correlationId?: string | undefined;
}

export interface TokenAcquisitionOptions {
  cache: TokenCache;
  logger: Logger;
  now: () => number;
  cachePlugin?: CachePlugin | undefined;
}

/** Tokens are treated as expired this long before `expires_on` (MSAL's 5 minutes). */
const expirySkewMs = 5 * 60 * 1000;
/** After a failed background refresh, wait this long before the next one is tried. */
const refreshRetryMs = 30 * 1000;

/**
 * The cache policy shared by both paths: one Map lookup on a hit; one network request for any
 * number of concurrent callers of one key; past `refreshOn`, callers get the cached token at once
 * while one background request renews it. A failed background refresh is logged and tried again
 * on a later call, never thrown at a caller who holds a valid token.
 */
export class TokenAcquisition {
  readonly #cache: TokenCache;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #plugin: CachePlugin | undefined;
  readonly #flights = new SingleFlight<CachedToken>();
  /** Hit results (as resolved promises) reused while the caller gives no correlation id. */
  readonly #hits = new WeakMap<CachedToken, Promise<AcquireTokenResult>>();
  readonly #nextRefreshAttempt = new WeakMap<CachedToken, number>();

  constructor(options: TokenAcquisitionOptions) {
    this.#cache = options.cache;
    this.#logger = options.logger;
    this.#now = options.now;
    this.#plugin = checkCachePlugin(options.cachePlugin);
  }

  get cache(): TokenCache {
    return this.#cache;
  }

  acquire(source: TokenSource, scopesKey: string, scopes: readonly string[], options: AcquireOptions): Promise<AcquireTokenResult> {
    if (this.#plugin !== undefined) return this.#withPlugin(this.#plugin, source, scopesKey, scopes, options);
    return this.#acquire(source, scopesKey, scopes, options);
  }

  /** The cached token for a key, if still usable (no network, no refresh). */
  peek(source: TokenSource, scopesKey: string): CachedToken | undefined {
    const entry = source.partition.get(scopesKey);
    return entry !== undefined && this.#now() < entry.expiresOnMs - expirySkewMs ? entry : undefined;
  }

  /** Synchronous up to the hit: a hit returns a stored resolved promise, so it allocates nothing of ours. */
  #acquire(source: TokenSource, scopesKey: string, scopes: readonly string[], options: AcquireOptions): Promise<AcquireTokenResult> {
    if (options.forceRefresh !== true) {
      const entry = source.partition.get(scopesKey);
      if (entry !== undefined) {
        const now = this.#now();
        if (now < entry.expiresOnMs - expirySkewMs) {
          if (entry.refreshOnMs !== undefined && now >= entry.refreshOnMs) this.#refreshInBackground(source, scopesKey, entry, now);
          return options.correlationId === undefined ? this.#hit(entry, source) : Promise.resolve(result(entry, source.bindingCertificate, 'cache', options.correlationId));
        }
      }
    }
    return this.#fromNetwork(source, scopesKey, scopes, options.correlationId ?? randomUUID()).then((token) =>
      result(token, source.bindingCertificate, 'network', token.correlationId),
    );
  }

  #fromNetwork(source: TokenSource, scopesKey: string, scopes: readonly string[], correlationId: string): Promise<CachedToken> {
    return this.#flights.run(`${source.partitionKey}\n${scopesKey}`, async () => {
      const response = await source.fetch(scopes, correlationId);
      const expiresOnMs = Math.min(response.expiresOnMs, source.notAfterMs);
      const token: CachedToken = {
        accessToken: response.accessToken,
        tokenType: response.tokenType,
        expiresOnMs,
        refreshOnMs: response.refreshOnMs !== undefined && response.refreshOnMs < expiresOnMs ? response.refreshOnMs : undefined,
        scopes: Object.freeze([...scopes]),
        x5tS256: source.x5tS256,
        correlationId: response.correlationId ?? correlationId,
      };
      this.#cache.set(source.partition, scopesKey, token);
      this.#logger.info(`Token cached for x5t#S256 ${source.x5tS256}, expires ${new Date(expiresOnMs).toISOString()}.`, token.correlationId);
      return token;
    });
  }

  #refreshInBackground(source: TokenSource, scopesKey: string, entry: CachedToken, now: number): void {
    if ((this.#nextRefreshAttempt.get(entry) ?? 0) > now) return;
    if (this.#flights.has(`${source.partitionKey}\n${scopesKey}`)) return;
    this.#nextRefreshAttempt.set(entry, now + refreshRetryMs);
    const correlationId = randomUUID();
    this.#logger.info('Token past its refresh time: renewing it in the background.', correlationId);
    this.#fromNetwork(source, scopesKey, entry.scopes, correlationId).then(
      () => this.#plugin?.afterCacheAccess({ tokenCache: this.#cache, cacheHasChanged: true }),
      (error: unknown) => {
        const code = (error as { code?: unknown })?.code;
        this.#logger.warning(`Background token refresh failed (${typeof code === 'string' ? code : 'error'}); the cached token stays in use and a later call will try again.`, correlationId);
      },
    ).catch(() => undefined);
  }

  #hit(entry: CachedToken, source: TokenSource): Promise<AcquireTokenResult> {
    let hit = this.#hits.get(entry);
    if (hit === undefined) {
      hit = Promise.resolve(Object.freeze(result(entry, source.bindingCertificate, 'cache', entry.correlationId)));
      this.#hits.set(entry, hit);
    }
    return hit;
  }

  async #withPlugin(plugin: CachePlugin, source: TokenSource, scopesKey: string, scopes: readonly string[], options: AcquireOptions): Promise<AcquireTokenResult> {
    await plugin.beforeCacheAccess({ tokenCache: this.#cache, cacheHasChanged: false });
    try {
      return await this.#acquire(source, scopesKey, scopes, options);
    } finally {
      await plugin.afterCacheAccess({ tokenCache: this.#cache, cacheHasChanged: this.#cache.hasChanged });
    }
  }
}

function result(token: CachedToken, bindingCertificate: X509Certificate, tokenSource: 'cache' | 'network', correlationId: string): AcquireTokenResult {
  return {
    accessToken: token.accessToken,
    tokenType: token.tokenType,
    expiresOn: new Date(token.expiresOnMs),
    refreshOn: token.refreshOnMs === undefined ? undefined : new Date(token.refreshOnMs),
    scopes: token.scopes,
    bindingCertificate,
    tokenSource,
    correlationId,
  };
}

function checkCachePlugin(plugin: unknown): CachePlugin | undefined {
  if (plugin === undefined) return undefined;
  const p = plugin as Partial<CachePlugin> | null;
  if (typeof p !== 'object' || p === null || typeof p.beforeCacheAccess !== 'function' || typeof p.afterCacheAccess !== 'function') {
    throw invalidArgument('cachePlugin', 'an object with beforeCacheAccess() and afterCacheAccess()', plugin);
  }
  return p as CachePlugin;
}
