import { MtlsError } from '../errors/mtls_error.js';

/** What the cache keeps for one token. Never a private key or a certificate, only its thumbprint. */
export interface CachedToken {
  readonly accessToken: string;
  readonly tokenType: string;
  /** Epoch milliseconds. */
  readonly expiresOnMs: number;
  readonly refreshOnMs: number | undefined;
  readonly scopes: readonly string[];
  /** `x5t#S256` of the certificate the token is bound to. */
  readonly x5tS256: string;
  /** Correlation id of the request that got the token. */
  readonly correlationId: string;
}

/** The parts of a partition key: everything but the scopes. */
export interface PartitionKeyParts {
  /** Authority host the app was configured with (not the mTLS host: spec §10.3). */
  environment: string;
  tenant: string;
  clientId: string;
  tokenType: string;
  x5tS256: string;
  /** Further components, e.g. the managed-identity attestation mode (`att=1`). */
  extra?: string;
}

/** Serialized form, version 1: partitions → scopes key → token. Times in epoch seconds. */
interface SerializedCache {
  version: 1;
  partitions: Record<string, Record<string, SerializedToken>>;
}
interface SerializedToken {
  accessToken: string;
  tokenType: string;
  expiresOn: number;
  refreshOn?: number;
  scopes: string[];
  x5tS256: string;
  correlationId: string;
}

/**
 * In-memory token cache. Tokens are grouped in partitions keyed by everything a lookup fixes
 * (authority, tenant, client id, token type, certificate thumbprint), then by the normalised
 * scopes, so a lookup is one Map.get on a partition the client resolved once: no scan, whatever
 * the number of tokens (msal-node scans every entry on every hit).
 * A Bearer token and an mTLS PoP token, or the tokens of two certificates, are in different
 * partitions and never meet.
 */
export class TokenCache {
  readonly #partitions = new Map<string, Map<string, CachedToken>>();
  #changed = false;

  /** Builds a partition key. Each part is length-prefixed, so no value can forge another key. */
  static partitionKey(parts: PartitionKeyParts): string {
    return [parts.tokenType.toLowerCase(), parts.x5tS256, parts.environment.toLowerCase(), parts.tenant.toLowerCase(), parts.clientId.toLowerCase(), parts.extra ?? '']
      .map((p) => `${p.length}:${p}`)
      .join('|');
  }

  /** The partition for a key, created empty if new. The same Map object for the cache's lifetime. */
  partition(key: string): Map<string, CachedToken> {
    let partition = this.#partitions.get(key);
    if (partition === undefined) {
      partition = new Map();
      this.#partitions.set(key, partition);
    }
    return partition;
  }

  set(partition: Map<string, CachedToken>, scopesKey: string, token: CachedToken): void {
    partition.set(scopesKey, token);
    this.#changed = true;
  }

  /** Number of tokens held. */
  get size(): number {
    let n = 0;
    for (const p of this.#partitions.values()) n += p.size;
    return n;
  }

  /** Removes every token (partitions stay, so clients holding them keep working). */
  clear(): void {
    for (const p of this.#partitions.values()) p.clear();
    this.#changed = true;
  }

  /** Whether the cache changed since the last `serialize()` or `deserialize()`. */
  get hasChanged(): boolean {
    return this.#changed;
  }

  /** JSON text of every unexpired token. Holds access tokens (secrets of the app) but no keys or certificates. */
  serialize(nowMs: number = Date.now()): string {
    const out: SerializedCache = { version: 1, partitions: {} };
    for (const [key, partition] of this.#partitions) {
      const tokens: Record<string, SerializedToken> = {};
      for (const [scopes, t] of partition) {
        if (t.expiresOnMs <= nowMs) continue;
        tokens[scopes] = {
          accessToken: t.accessToken,
          tokenType: t.tokenType,
          expiresOn: Math.floor(t.expiresOnMs / 1000),
          ...(t.refreshOnMs === undefined ? {} : { refreshOn: Math.floor(t.refreshOnMs / 1000) }),
          scopes: [...t.scopes],
          x5tS256: t.x5tS256,
          correlationId: t.correlationId,
        };
      }
      if (Object.keys(tokens).length > 0) out.partitions[key] = tokens;
    }
    this.#changed = false;
    return JSON.stringify(out);
  }

  /** Replaces the contents with a `serialize()` text. Expired tokens are dropped. */
  deserialize(text: string, nowMs: number = Date.now()): void {
    const parsed = parseSerialized(text);
    for (const p of this.#partitions.values()) p.clear();
    for (const [key, tokens] of Object.entries(parsed.partitions)) {
      const partition = this.partition(key);
      for (const [scopes, t] of Object.entries(tokens)) {
        if (t.expiresOn * 1000 <= nowMs) continue;
        partition.set(scopes, {
          accessToken: t.accessToken,
          tokenType: t.tokenType,
          expiresOnMs: t.expiresOn * 1000,
          refreshOnMs: t.refreshOn === undefined ? undefined : t.refreshOn * 1000,
          scopes: t.scopes,
          x5tS256: t.x5tS256,
          correlationId: t.correlationId,
        });
      }
    }
    this.#changed = false;
  }
}

function parseSerialized(text: string): SerializedCache {
  const bad = (detail: string): MtlsError => new MtlsError('ERR_MTLS_CACHE_FORMAT', { message: `The serialized token cache is invalid: ${detail}.` });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw bad('not JSON');
  }
  const v = value as Partial<SerializedCache> | null;
  if (typeof v !== 'object' || v === null || v.version !== 1 || typeof v.partitions !== 'object' || v.partitions === null) {
    throw bad('expected { version: 1, partitions }');
  }
  for (const tokens of Object.values(v.partitions)) {
    if (typeof tokens !== 'object' || tokens === null) throw bad('a partition is not an object');
    for (const t of Object.values(tokens)) {
      const ok =
        typeof t === 'object' && t !== null &&
        typeof t.accessToken === 'string' && typeof t.tokenType === 'string' && isEpochSeconds(t.expiresOn) &&
        (t.refreshOn === undefined || isEpochSeconds(t.refreshOn)) &&
        Array.isArray(t.scopes) && t.scopes.every((s) => typeof s === 'string') &&
        typeof t.x5tS256 === 'string' && typeof t.correlationId === 'string';
      if (!ok) throw bad('a token entry has missing or mistyped fields');
    }
  }
  return v as SerializedCache;
}

/** A time a Date can hold, in whole epoch seconds: no NaN, Infinity (a token that never expires) or fraction. */
function isEpochSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= 8_640_000_000_000;
}
