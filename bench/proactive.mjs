// Row 6: proactive refresh. Against an emulator that answers with refresh_in = 1 s (and a 1 h
// lifetime): get a token, wait (real time) until both libraries consider it past its refresh time,
// then start 10 concurrent callers. During the burst the token endpoint answers 200 ms late (an
// emulator delay fault), so a caller whose latency included a network round trip is unmistakable:
// it waited ≥ 100 ms (a busy CPU stalls a caller for a few ms, never 100). Per caller: latency and
// that verdict; plus the emulator's token request count from the burst until the traffic settles.
// Ours and msal-node alternate rep by rep.
// Usage (through run.mjs, IPC channel): node proactive.mjs [--quick]
import * as core from '@msal-mtls/core';
import * as msalNode from '@azure/msal-node';
import { loadConfig, msalConfidentialClient, ourConfidentialClient } from './lib/clients.mjs';
import { settle, setTokenDelay, sleep, statsDelta } from './lib/ipc.mjs';

const quick = process.argv.includes('--quick');
const config = loadConfig(); // the 'refresh' environment
const ENV = 'refresh';
const graphScope = `${config.graph}/.default`;
const CALLERS = 10;
const DELAY_MS = 200; // the token endpoint's answer during the burst
const WAITED_NS = (DELAY_MS / 2) * 1e6; // a caller that waited ≥ this waited on the network
const log = (m) => process.stderr.write(`  [proactive] ${m}\n`);
const now = process.hrtime.bigint;

const sides = {
  ours: {
    create: (tenant) => ourConfidentialClient(core, config, tenant),
    call: (c, force = false) => c.acquireToken({ scopes: [graphScope], mtlsProofOfPossession: true, forceRefresh: force }),
    fromCache: (r) => r.tokenSource === 'cache',
    // Ours: refreshOn is epoch ms; past it as soon as Date.now() ≥ refreshOn.
    pastRefreshAt: (r) => r.refreshOn.getTime() + 20,
    close: (c) => c.close(),
  },
  msal: {
    create: (tenant) => msalConfidentialClient(msalNode, config, tenant),
    call: (c, force = false) => c.acquireTokenByClientCredential({ scopes: [graphScope], skipCache: force }),
    fromCache: (r) => r.fromCache === true,
    // msal-node compares whole seconds: Math.round(now / 1000) > refreshOn (seconds).
    pastRefreshAt: (r) => r.refreshOn.getTime() + 520,
    close: () => {},
  },
};

async function timed(fn) {
  const s = now();
  const r = await fn();
  return [r, Number(now() - s)];
}

const reps = quick ? 2 : 5;
const out = { quick, callers: CALLERS, delayMs: DELAY_MS, reps: [] };
log(`${reps} reps × ${CALLERS} concurrent callers per side, refresh_in 1 s (real time)`);
for (let r = 0; r < reps; r++) {
  const tenant = config.tenants[r % config.tenants.length];
  const state = {};
  for (const side of ['ours', 'msal']) {
    const s = sides[side];
    const client = s.create(tenant);
    const [first, firstNs] = await timed(() => s.call(client));
    const [fresh, refreshNs] = await timed(() => s.call(client, true)); // a second round trip, on a warm connection
    if (fresh.refreshOn === undefined) throw new Error(`${side}: the token has no refreshOn (is refresh_in set?)`);
    state[side] = { client, rttNs: Math.min(firstNs, refreshNs), token: fresh, firstIsNetwork: !s.fromCache(first) };
  }
  const wakeAt = Math.max(...Object.entries(state).map(([side, st]) => sides[side].pastRefreshAt(st.token)));
  await sleep(Math.max(0, wakeAt - Date.now()));
  const rep = {};
  for (const side of r % 2 === 0 ? ['ours', 'msal'] : ['msal', 'ours']) {
    const s = sides[side];
    const st = state[side];
    const before = await setTokenDelay(ENV, DELAY_MS);
    const latencies = new Array(CALLERS);
    const pending = new Array(CALLERS);
    for (let i = 0; i < CALLERS; i++) {
      const start = now();
      pending[i] = s.call(st.client).then((res) => { latencies[i] = Number(now() - start); return res; });
    }
    const results = await Promise.all(pending);
    const after = await settle(ENV, DELAY_MS + 250); // quiet for longer than the delay: every answer is in
    await setTokenDelay(ENV, 0);
    const [next] = await timed(() => s.call(st.client)); // after the refresh: the renewed token, from the cache
    rep[side] = {
      rttNs: st.rttNs,
      latencies,
      waited: latencies.filter((ns) => ns >= WAITED_NS).length,
      cachedOld: results.filter((res) => s.fromCache(res) && res.accessToken === st.token.accessToken).length,
      ...statsDelta(before, after),
      renewed: next.accessToken !== st.token.accessToken && s.fromCache(next),
    };
    s.close(st.client);
  }
  out.reps.push(rep);
}
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);
