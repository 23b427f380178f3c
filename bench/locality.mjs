// Row 2's control experiment: is the growth of a hit with many distinct keys ours (hashing,
// allocation, string work in the lookup path) or the memory system's (more cache lines touched)?
// The same driver runs three implementations over the same key patterns:
//   ours   - ConfidentialClient.acquireToken on a cache of N tokens (as in row 2)
//   model  - the same data structures with no library code: per client a Map scope → key, a
//            partition Map key → token object, a WeakMap token → resolved promise; the same
//            lookups a hit does (and the expiry check), nothing else
//   map    - one Map<string, object> of N entries, `async (k) => map.get(k)` (the harness floor)
//   sync   - the same Map, `map.get(k)` in a plain loop: no promise, no await, no call per lookup
// For each, K distinct keys are looked up in a fixed pseudo-random order (the call sequence cycles
// through them), K = 1 … 4,096, at N = 10,000 (and N = 1 as the base, N = 1,024 with K = 1,024).
// If `model` and `map` grow like `ours` with K, the growth is locality, not a cost of our code.
// Usage (through run.mjs): node --expose-gc locality.mjs [--quick]
//   node run.mjs --profile=IMPL,N,K,SECONDS   (a hot loop of one configuration under --cpu-prof)
import * as core from '@msal-mtls/core';
import { allocationPerCall, batched, perCall } from './lib/harness.mjs';
import { loadConfig } from './lib/clients.mjs';
import { distinct, ourCacheOf, scopeOf } from './lib/caches.mjs';
import { median } from './lib/stats.mjs';

const quick = process.argv.includes('--quick');
const config = loadConfig();
const graphScope = `${config.graph}/.default`;
const log = (m) => process.stderr.write(`  [locality] ${m}\n`);
const SKEW = 5 * 60 * 1000;
/** A key string as deserialize() gets it: an object key out of JSON.parse (internalized), not the literal. */
const parsedKey = (k) => Object.keys(JSON.parse(JSON.stringify({ [k]: 0 })))[0];

/** The model: our hit's data structures and lookups, without the library around them. */
function modelOf(n) {
  const tenants = Math.min(n, config.tenants.length);
  const expiresOnMs = Date.now() + 86_400_000;
  const clients = Array.from({ length: tenants }, () => ({ memo: new Map(), partition: new Map(), hits: new WeakMap() }));
  // Tokens are created in the same order as deserialize() creates ours: partition by partition.
  for (let t = 0; t < tenants; t++) {
    for (let j = t; j < n; j += tenants) {
      const scope = scopeOf(graphScope, j);
      clients[t].partition.set(parsedKey(scope.toLowerCase()), {
        accessToken: 'x'.repeat(16) + j, tokenType: 'mtls_pop', expiresOnMs, refreshOnMs: undefined, scopes: [scope], x5tS256: 'thumb', correlationId: `c${j}`,
      });
    }
  }
  const lookupOf = (j) => ({ client: clients[j % tenants], params: { scopes: [scopeOf(graphScope, j)], mtlsProofOfPossession: true } });
  const call = (l) => {
    const c = l.client;
    const p = l.params;
    if (typeof p !== 'object' || p === null || p.mtlsProofOfPossession !== true) throw new TypeError('params');
    const s = p.scopes;
    const scope = Array.isArray(s) && s.length === 1 ? s[0] : undefined;
    let key = c.memo.get(scope);
    if (key === undefined) { key = scope.trim().toLowerCase(); c.memo.set(scope, key); }
    const entry = c.partition.get(key);
    if (Date.now() < entry.expiresOnMs - SKEW) {
      let hit = c.hits.get(entry);
      if (hit === undefined) { hit = Promise.resolve(Object.freeze({ accessToken: entry.accessToken, tokenSource: 'cache' })); c.hits.set(entry, hit); }
      return hit;
    }
    throw new Error('expired');
  };
  return { lookupOf, call, close() {} };
}

/** One Map of N entries. */
function mapOf(n) {
  const map = new Map();
  for (let j = 0; j < n; j++) map.set(parsedKey(scopeOf(graphScope, j).toLowerCase()), { j, expiresOnMs: 0 });
  const lookupOf = (j) => ({ key: scopeOf(graphScope, j).toLowerCase() });
  const call = async (l) => map.get(l.key);
  return { lookupOf, call, map, close() {} };
}

async function oursOf(n) {
  const c = await ourCacheOf(core, config, n);
  return { lookupOf: c.lookupOf, call: (l) => l.client.acquireToken(l.params), close: c.close, verify: (l) => l.client.acquireToken(l.params).then((r) => r.tokenSource === 'cache') };
}

const builders = { ours: oursOf, model: async (n) => modelOf(n), map: async (n) => mapOf(n), sync: async (n) => mapOf(n) };
const L = 4096; // call sequence length (a power of two ≥ the largest K)

/** fn(i) for a configuration: K distinct lookups (own objects), cycled in a fixed order. */
function driver(impl, n, k) {
  const picks = k === 1 ? [n - 1] : distinct(n, k);
  const lookups = picks.map(impl.lookupOf);
  const seq = Array.from({ length: L }, (_, i) => lookups[i % k]);
  return { fn: (i) => impl.call(seq[i & (L - 1)]), lookups, seq };
}

/**
 * The 'sync' measurement: `map.get` over the same sequence in a plain loop, timed in chunks of
 * 1,024 lookups; the median chunk's ns per lookup (a preempted chunk does not count).
 */
function syncLoop(seq, n, map) {
  const chunks = Math.max(1, Math.floor(n / 1024));
  const per = new Float64Array(chunks);
  let sink = 0;
  for (let c = 0; c < chunks; c++) {
    const start = process.hrtime.bigint();
    for (let i = c * 1024, end = i + 1024; i < end; i++) sink += map.get(seq[i & (L - 1)].key) === undefined ? 1 : 0;
    per[c] = Number(process.hrtime.bigint() - start) / 1024;
  }
  if (sink !== 0) throw new Error('a key was missing');
  return median(per);
}

const configs = [[1, 1], [10_000, 1], [10_000, 128], [1_024, 1_024], [10_000, 1_024], [10_000, 4_096]];

if (process.argv[2] === '--profile') {
  const [, , , implName, nText, kText, secondsText] = process.argv;
  const impl = await builders[implName](Number(nText));
  const { fn } = driver(impl, Number(nText), Number(kText));
  const end = Date.now() + Number(secondsText) * 1000;
  let calls = 0;
  while (Date.now() < end) for (let i = 0; i < 100_000; i++, calls++) await fn(i);
  impl.close();
  log(`${calls} calls`);
  process.exit(0);
}

// Many short reps, every configuration once per rep in a rotating order; each configuration's
// growth is taken per rep against the same implementation's N = 1 in that rep (paired), then the
// median over reps: on a shared, noisy machine, drift cancels out of the pairs.
const reps = quick ? 8 : 20;
const nCalls = quick ? 10_000 : 20_000;
const impls = {};
for (const name of Object.keys(builders)) {
  impls[name] = {};
  for (const n of new Set(configs.map(([n]) => n))) impls[name][n] = await builders[name](n);
}
const drivers = configs.flatMap(([n, k]) => Object.keys(builders).map((name) => ({ name, n, k, ...driver(impls[name][n], n, k) })));
log(`${drivers.length} configurations × ${reps} reps, ${nCalls} calls each`);
for (const d of drivers) {
  for (let i = 0; i < 20_000; i++) await d.fn(i); // JIT warm-up
  if (d.name === 'sync') for (let i = 0; i < 50; i++) syncLoop(d.seq, 4096, impls.sync[d.n].map);
}
const samples = new Map(drivers.map((d) => [d, { median: [], batched: [] }]));
for (let r = 0; r < reps; r++) {
  const order = drivers.map((_, i) => drivers[(i + r * 7) % drivers.length]);
  for (const d of order) {
    if (d.name === 'sync') {
      const { map } = impls.sync[d.n];
      syncLoop(d.seq, 4096, map);
      const ns = syncLoop(d.seq, nCalls * 4, map);
      samples.get(d).median.push(ns);
      samples.get(d).batched.push(ns);
      continue;
    }
    for (let i = 0; i < 2048; i++) await d.fn(i);
    samples.get(d).median.push(median(await perCall(d.fn, nCalls)));
    samples.get(d).batched.push(await batched(d.fn, nCalls));
  }
}
// Allocation per hit for ours at N = 1 and at the stress pattern: growth from allocation would show here.
const alloc = {};
for (const d of drivers.filter((x) => x.name === 'ours' && (x.n === 1 || (x.n === 10_000 && x.k === 1_024)))) alloc[`${d.n}/${d.k}`] = await allocationPerCall(d.fn, 20_000);
alloc.floor = await allocationPerCall(mapOf(1).call.bind(null, { key: 'x' }), 20_000);
const verified = (await Promise.all(drivers.filter((d) => d.name === 'ours').flatMap((d) => d.lookups.slice(0, 32).map((l) => impls.ours[d.n].verify(l))))).every(Boolean);
const out = { quick, reps, nCalls, verified, alloc, rows: [] };
for (const d of drivers) {
  const s = samples.get(d);
  const base = samples.get(drivers.find((x) => x.name === d.name && x.n === 1));
  out.rows.push({
    impl: d.name, n: d.n, k: d.k,
    median: median(s.median), batched: median(s.batched),
    growth: median(s.median.map((v, i) => v / base.median[i])), growthBatched: median(s.batched.map((v, i) => v / base.batched[i]))
  });
}
for (const name of Object.keys(builders)) for (const impl of Object.values(impls[name])) impl.close();
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);
