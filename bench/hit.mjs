// Rows 1 and 2 (cache hits, cache scaling) and row 3's running-process cold start: ours and
// msal-node in this one process, interleaved rep by rep. Prints one JSON object on stdout.
// Usage (through run.mjs): node --expose-gc hit.mjs [--quick]
import * as core from '@msal-mtls/core';
import * as imds from '@msal-mtls/imds';
import * as msalNode from '@azure/msal-node';
import { allocationPerCall, batched, perCall } from './lib/harness.mjs';
import { loadConfig, msalConfidentialClient, ourConfidentialClient, ourManagedIdentityClient } from './lib/clients.mjs';
import { median, quantile } from './lib/stats.mjs';
import { ourCacheOf, sample, theirCacheOf } from './lib/caches.mjs';

const quick = process.argv.includes('--quick');
const config = loadConfig();
const graphScope = `${config.graph}/.default`;
const out = { quick, node: process.version };
const log = (m) => process.stderr.write(`  [hit] ${m}\n`);

/** One measured side: per-call median / p99, batched mean. */
async function side(fn, nPerCall, nBatched) {
  for (let i = 0; i < Math.min(2000, nBatched); i++) await fn(i); // JIT warm-up
  const times = await perCall(fn, nPerCall);
  const mean = await batched(fn, nBatched);
  return { median: median(times), p99: quantile(times, 0.99), batchedMean: mean };
}

/** `reps` interleaved pairs; the order flips every rep so neither side always runs first. */
async function interleaved(reps, ours, theirs) {
  const rows = { ours: [], theirs: [] };
  for (let r = 0; r < reps; r++) {
    const pair = r % 2 === 0 ? [['ours', ours], ['theirs', theirs]] : [['theirs', theirs], ['ours', ours]];
    for (const [name, run] of pair) rows[name].push(await run());
  }
  return rows;
}

// ---- Row 1: cache hit, Path 1 -------------------------------------------------------------------
{
  const reps = quick ? 3 : 5;
  const nOurs = quick ? 20_000 : 100_000;
  const nTheirs = quick ? 10_000 : 100_000;
  const ours = ourConfidentialClient(core, config, config.tenants[0]);
  const ourParams = { scopes: [graphScope], mtlsProofOfPossession: true };
  const first = await ours.acquireToken(ourParams);
  const them = msalConfidentialClient(msalNode, config, config.tenants[0]);
  const theirParams = { scopes: [graphScope] };
  await them.acquireTokenByClientCredential(theirParams);
  const ourFn = () => ours.acquireToken(ourParams);
  const theirFn = () => them.acquireTokenByClientCredential(theirParams);
  log(`row 1 CC: ${reps} reps, ${nOurs} / ${nTheirs} calls`);
  const rows = await interleaved(reps, () => side(ourFn, nOurs, nOurs), () => side(theirFn, nTheirs, nTheirs));
  const check = [await ourFn(), await theirFn()];
  // Harness floor: the same driver around an async Map lookup.
  const map = new Map([['k', first]]);
  const floorFn = async () => map.get('k');
  const floor = await side(floorFn, nOurs, nOurs);
  const alloc = { ours: await allocationPerCall(ourFn, 20_000), theirs: await allocationPerCall(theirFn, 2_000), floor: await allocationPerCall(floorFn, 20_000) };
  out.row1cc = { rows, floor, alloc, verified: check[0].tokenSource === 'cache' && check[1].fromCache === true, nOurs, nTheirs };
  ours.close();
}

// ---- Row 1: cache hit, managed identity ------------------------------------------------------------
{
  const reps = quick ? 3 : 5;
  const nOurs = quick ? 20_000 : 100_000;
  const nTheirs = quick ? 20_000 : 100_000;
  const ours = ourManagedIdentityClient(imds, config);
  const ourParams = { resource: config.graph };
  await ours.acquireToken(ourParams);
  const them = new msalNode.ManagedIdentityApplication({});
  const theirParams = { resource: config.graph };
  await them.acquireToken(theirParams);
  const ourFn = () => ours.acquireToken(ourParams);
  const theirFn = () => them.acquireToken(theirParams);
  log(`row 1 MI: ${reps} reps, ${nOurs} / ${nTheirs} calls`);
  const rows = await interleaved(reps, () => side(ourFn, nOurs, nOurs), () => side(theirFn, nTheirs, nTheirs));
  const check = [await ourFn(), await theirFn()];
  const alloc = { ours: await allocationPerCall(ourFn, 20_000), theirs: await allocationPerCall(theirFn, 5_000) };
  out.row1mi = { rows, alloc, verified: check[0].tokenSource === 'cache' && check[1].fromCache === true, nOurs, nTheirs };
  ours.close();
}

// ---- Row 2: cache scaling ----------------------------------------------------------------------
// 'one': the same lookup object on every call; 'spread': 1,024 lookups drawn across the N tokens.
const withPatterns = (c, n) => ({ ...c, spread: sample(n, 1024).map(c.lookupOf), one: new Array(1024).fill(c.lookupOf(n - 1)) });
const ourCacheOfN = async (n) => withPatterns(await ourCacheOf(core, config, n), n);
const theirCacheOfN = async (n) => withPatterns(await theirCacheOf(msalNode, config, n), n);

{
  const reps = quick ? 2 : 3;
  const levels = [1, 100, 10_000];
  const theirLevels = quick ? [1, 100, 1_000] : [1, 100, 1_000, 10_000];
  const theirN = { 1: quick ? 5_000 : 20_000, 100: quick ? 2_000 : 5_000, 1000: quick ? 300 : 1_000, 10000: 100 };
  const nOurs = quick ? 20_000 : 100_000;
  out.row2 = { ours: {}, theirs: {} };
  for (const n of [...new Set([...levels, ...theirLevels])].sort((a, b) => a - b)) {
    const ours = levels.includes(n) ? await ourCacheOfN(n) : undefined;
    const them = theirLevels.includes(n) ? await theirCacheOfN(n) : undefined;
    log(`row 2 N=${n}: ours ${ours?.size ?? '-'} tokens, msal-node ${them?.size ?? '-'} tokens`);
    for (const pattern of ['one', 'spread']) {
      const ourFn = ours && ((i) => { const l = ours[pattern][i & 1023]; return l.client.acquireToken(l.params); });
      const theirFn = them && ((i) => { const l = them[pattern][i & 1023]; return l.app.acquireTokenByClientCredential(l.params); });
      const none = async () => undefined;
      const rows = await interleaved(reps,
        ours ? () => side(ourFn, nOurs, nOurs) : none,
        them ? () => side(theirFn, theirN[n], theirN[n]) : none);
      if (ours) {
        const hits = await Promise.all(ours[pattern].slice(0, 64).map((l) => l.client.acquireToken(l.params)));
        (out.row2.ours[pattern] ??= {})[n] = { rows: rows.ours, size: ours.size, verified: hits.every((h) => h.tokenSource === 'cache') };
      }
      if (them) {
        const hits = [];
        for (const l of them[pattern].slice(0, 16)) hits.push(await l.app.acquireTokenByClientCredential(l.params));
        (out.row2.theirs[pattern] ??= {})[n] = { rows: rows.theirs, size: them.size, verified: hits.every((h) => h.fromCache === true) };
      }
    }
    ours?.close();
  }
}

// ---- Row 3 (running process): new client, first token ----------------------------------------
{
  const reps = quick ? 6 : 20;
  const oursTimes = [];
  const theirTimes = [];
  const now = process.hrtime.bigint;
  // One untimed round each: JIT and the first connection's setup are paid before timing.
  { const c = ourConfidentialClient(core, config, config.tenants[1]); await c.acquireToken({ scopes: [graphScope], mtlsProofOfPossession: true }); c.close(); }
  await msalConfidentialClient(msalNode, config, config.tenants[1]).acquireTokenByClientCredential({ scopes: [graphScope] });
  log(`row 3 running process: ${reps} reps`);
  for (let r = 0; r < reps; r++) {
    const tenant = config.tenants[2 + (r % 8)];
    const runOurs = async () => {
      const s = now();
      const c = ourConfidentialClient(core, config, tenant);
      const res = await c.acquireToken({ scopes: [graphScope], mtlsProofOfPossession: true });
      oursTimes.push(Number(now() - s));
      c.close();
      if (res.tokenSource !== 'network') throw new Error('expected a network token');
    };
    const runTheirs = async () => {
      const s = now();
      const app = msalConfidentialClient(msalNode, config, tenant);
      const res = await app.acquireTokenByClientCredential({ scopes: [graphScope] });
      theirTimes.push(Number(now() - s));
      if (res.fromCache) throw new Error('expected a network token');
    };
    if (r % 2 === 0) { await runOurs(); await runTheirs(); } else { await runTheirs(); await runOurs(); }
  }
  out.row3warm = { ours: oursTimes, theirs: theirTimes };
}

process.stdout.write(`${JSON.stringify(out)}\n`);
