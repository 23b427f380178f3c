// Caches holding N tokens, for the scaling rows (hit.mjs row 2, locality.mjs): one real token per
// tenant over the network, the rest cloned into the serialized cache and loaded with deserialize().
import { ourConfidentialClient, msalConfidentialClient } from './clients.mjs';

/** A deterministic pseudo-random sample of `k` indexes below `n` (xorshift32, duplicates possible). */
export function sample(n, k) {
  const picks = new Array(k);
  let x = 0x9e3779b9;
  for (let i = 0; i < k; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    picks[i] = (x >>> 0) % n;
  }
  return picks;
}

/** `k` distinct indexes below `n`, in a pseudo-random order (k ≤ n). */
export function distinct(n, k) {
  const seen = new Set();
  let x = 0x2545f491;
  while (seen.size < k) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    seen.add((x >>> 0) % n);
  }
  return [...seen];
}

export const scopeOf = (graphScope, j) => (j === 0 ? graphScope : `https://bench-${j}.example.com/.default`);

/** Our cache with N tokens: N scopes spread over the tenants (one client per tenant, one shared cache). */
export async function ourCacheOf(core, config, n) {
  const graphScope = `${config.graph}/.default`;
  const tenants = config.tenants.slice(0, Math.min(n, config.tenants.length));
  const cache = new core.TokenCache();
  const clients = tenants.map((t) => ourConfidentialClient(core, config, t, cache));
  for (const c of clients) await c.acquireToken({ scopes: [graphScope], mtlsProofOfPossession: true }); // one real token per tenant
  const serialized = JSON.parse(cache.serialize());
  const partitions = Object.keys(serialized.partitions);
  const keyOfClient = clients.map((_, i) => partitions.find((p) => p.toLowerCase().includes(tenants[i].toLowerCase())));
  const template = serialized.partitions[keyOfClient[0]][graphScope];
  for (let j = tenants.length; j < n; j++) {
    const scope = scopeOf(graphScope, j);
    serialized.partitions[keyOfClient[j % tenants.length]][scope.toLowerCase()] = { ...template, scopes: [scope] };
  }
  cache.deserialize(JSON.stringify(serialized));
  /** A new lookup (its own parameters object and scope string) for token j. */
  const lookupOf = (j) => {
    const t = j < tenants.length ? j : j % tenants.length;
    return { client: clients[t], params: { scopes: [j < tenants.length ? graphScope : scopeOf(graphScope, j)], mtlsProofOfPossession: true } };
  };
  return { size: cache.size, cache, clients, lookupOf, close: () => clients.forEach((c) => c.close()) };
}

/** msal-node's cache with N tokens, one tenant: 1 over the network, the rest cloned and deserialized (baseline note's method). */
export async function theirCacheOf(msalNode, config, n) {
  const graphScope = `${config.graph}/.default`;
  const app = msalConfidentialClient(msalNode, config, config.tenants[0]);
  await app.acquireTokenByClientCredential({ scopes: [graphScope] });
  const tokenCache = app.getTokenCache();
  const serialized = JSON.parse(tokenCache.serialize());
  const [[key, entry]] = Object.entries(serialized.AccessToken);
  const target = entry.target;
  for (let j = 1; j < n; j++) {
    const scope = scopeOf(graphScope, j);
    serialized.AccessToken[key.replace(target.toLowerCase(), scope.toLowerCase())] = { ...entry, target: scope };
  }
  tokenCache.deserialize(JSON.stringify(serialized));
  const lookupOf = (j) => ({ app, params: { scopes: [scopeOf(graphScope, j)] } });
  return { size: Object.keys(serialized.AccessToken).length, lookupOf };
}
