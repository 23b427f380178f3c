// Row 5: concurrency. (a) 1,000 concurrent first calls for one key on a new client (empty cache):
// how many token requests the emulator counts, and the time until every caller has its token.
// (b) 1,000 concurrent cache hits: throughput. Ours and msal-node in this one process, alternating
// rep by rep. Prints one JSON object on stdout.
// Usage (through run.mjs, IPC channel for the emulator's counters): node concurrency.mjs [--quick]
import * as core from '@msal-mtls/core';
import * as msalNode from '@azure/msal-node';
import { loadConfig, msalConfidentialClient, ourConfidentialClient } from './lib/clients.mjs';
import { emulatorStats, settle, statsDelta } from './lib/ipc.mjs';
import { median } from './lib/stats.mjs';

const quick = process.argv.includes('--quick');
const config = loadConfig();
const graphScope = `${config.graph}/.default`;
const CALLERS = 1000;
const log = (m) => process.stderr.write(`  [concurrency] ${m}\n`);
const now = process.hrtime.bigint;

const sides = {
  ours: {
    create: (tenant) => ourConfidentialClient(core, config, tenant),
    call: (c) => c.acquireToken({ scopes: [graphScope], mtlsProofOfPossession: true }),
    params: { scopes: [graphScope], mtlsProofOfPossession: true },
    hit: (c, p) => c.acquireToken(p),
    isNetwork: (r) => r.tokenSource === 'network',
    isCache: (r) => r.tokenSource === 'cache',
    close: (c) => c.close(),
  },
  msal: {
    create: (tenant) => msalConfidentialClient(msalNode, config, tenant),
    call: (c) => c.acquireTokenByClientCredential({ scopes: [graphScope] }),
    params: { scopes: [graphScope] },
    hit: (c, p) => c.acquireTokenByClientCredential(p),
    isNetwork: (r) => r.fromCache === false,
    isCache: (r) => r.fromCache === true,
    close: () => {},
  },
};

/** (a) A new client, `CALLERS` calls started in one synchronous loop, then awaited together. */
async function firstCalls(side, tenant) {
  const s = sides[side];
  const client = s.create(tenant);
  const before = await emulatorStats();
  const start = now();
  const pending = new Array(CALLERS);
  for (let i = 0; i < CALLERS; i++) pending[i] = s.call(client);
  // allSettled: a caller that fails (msal-node's 1,000 parallel connections can time out on a
  // busy machine) is counted, not fatal.
  const settled = await Promise.allSettled(pending);
  const ns = Number(now() - start);
  const after = await settle(); // nothing should follow, but count anything late too
  s.close(client);
  const results = settled.filter((x) => x.status === 'fulfilled').map((x) => x.value);
  const failures = settled.filter((x) => x.status === 'rejected');
  const firstError = failures[0]?.reason;
  return {
    ns, ...statsDelta(before, after),
    failed: failures.length,
    ...(firstError ? { firstError: String(firstError?.errorMessage ?? firstError?.message ?? firstError).slice(0, 300) } : {}),
    allNetwork: results.every(s.isNetwork),
    distinctTokens: new Set(results.map((r) => r.accessToken)).size,
  };
}

/** (b) Bursts of `CALLERS` concurrent hits on a warm client: per-burst time → calls/s. */
async function hitBursts(side, tenant, bursts) {
  const s = sides[side];
  const client = s.create(tenant);
  await s.call(client);
  const p = s.params;
  const pending = new Array(CALLERS);
  for (let w = 0; w < 3; w++) { for (let i = 0; i < CALLERS; i++) pending[i] = s.hit(client, p); await Promise.all(pending); } // warm-up
  const before = await emulatorStats();
  const times = [];
  let results;
  for (let b = 0; b < bursts; b++) {
    const start = now();
    for (let i = 0; i < CALLERS; i++) pending[i] = s.hit(client, p);
    results = await Promise.all(pending);
    times.push(Number(now() - start));
  }
  const after = await emulatorStats();
  s.close(client);
  const burstNs = median(times);
  return { burstNs, callsPerSecond: CALLERS / (burstNs / 1e9), tokenRequests: after.tokenRequests - before.tokenRequests, allCache: results.every(s.isCache) };
}

const reps = quick ? 2 : 3;
const out = { quick, callers: CALLERS, first: { ours: [], msal: [] }, hits: { ours: [], msal: [] } };
// One untimed concurrent round each (ours 1,000 callers, msal-node 100: 100 requests): JIT of the
// concurrent path, and a warm connection on both sides (as for row 3's running process).
for (const [side, n] of [['ours', CALLERS], ['msal', 100]]) {
  const c = sides[side].create(config.tenants[1]);
  await Promise.all(Array.from({ length: n }, () => sides[side].call(c)));
  sides[side].close(c);
}
log(`(a) ${reps} reps × ${CALLERS} concurrent first calls per side`);
for (let r = 0; r < reps; r++) {
  for (const side of r % 2 === 0 ? ['ours', 'msal'] : ['msal', 'ours']) out.first[side].push(await firstCalls(side, config.tenants[2 + (r % 8)]));
}
const bursts = { ours: quick ? 100 : 400, msal: quick ? 5 : 15 };
log(`(b) ${reps} reps × ${bursts.ours} / ${bursts.msal} bursts of ${CALLERS} concurrent hits`);
for (let r = 0; r < reps; r++) {
  for (const side of r % 2 === 0 ? ['ours', 'msal'] : ['msal', 'ours']) out.hits[side].push(await hitBursts(side, config.tenants[2 + (r % 8)], bursts[side]));
}
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0); // do not wait for keep-alive sockets
