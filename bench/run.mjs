// `pnpm bench`: msal-mtls against @azure/msal-node, side by side against the bundled emulator.
//   node run.mjs [--quick] [--rows=1,2,3,4,5,6,7] [--json FILE]
//   node run.mjs --profile=ours,10000,1024,6 [--profile-dir DIR]   (row 2's lookup under --cpu-prof, no table)
// The emulator runs in this process; every measurement runs in a child process (hit.mjs for the
// warm rows, one fresh process per cold sample), so client and server are separate as in production.
// Workers that need the emulator's counters mid-run (rows 5, 6) ask for them over the IPC channel.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBenchEnvironment } from './lib/setup.mjs';
import { fmtBytes, fmtNs, fmtRatio, median, quantile, range } from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const rowsArg = args.find((a) => a.startsWith('--rows='));
const rows = new Set((rowsArg ? rowsArg.slice(7) : '1,2,3,4,5,6,7').split(',').map(Number));
const jsonIndex = args.indexOf('--json');
const jsonOut = jsonIndex >= 0 ? args[jsonIndex + 1] : undefined;
const started = Date.now();
const log = (m) => process.stderr.write(`${m}\n`);

const env = await startBenchEnvironment();
// Row 6's emulator answers with refresh_in = 1 s (1 h lifetime); same CA, so one trust file serves both.
const refreshEnv = rows.has(6) ? await startBenchEnvironment({ emulatorOptions: { refreshInSeconds: 1, tokenLifetimeSeconds: 3600 }, caDir: env.config.caDir }) : undefined;
const envs = { main: env, refresh: refreshEnv };
const childEnv = {
  ...process.env,
  MSAL_MTLS_BENCH_CONFIG: env.configPath,
  NODE_EXTRA_CA_CERTS: env.config.caPath, // msal-node's fetch trusts the emulator's CA this way
  AZURE_POD_IDENTITY_AUTHORITY_HOST: env.config.imdsUrl, // msal-node's IMDS (v1) override
};
const snapshot = (e = env) => ({ ...e.emu.stats });

function runNode(script, scriptArgs, nodeFlags = [], extraEnv = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, join(here, script), ...scriptArgs], { env: { ...childEnv, ...extraEnv }, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    let stdout = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.on('message', (m) => {
      const e = envs[m?.env];
      if (e && m.op === 'stats') child.send({ id: m.id, stats: snapshot(e) });
      else if (e && m.op === 'delay') { e.emu.clearFaults(); if (m.ms > 0) e.emu.inject({ kind: 'delay', ms: m.ms }, { times: Infinity }); child.send({ id: m.id, stats: snapshot(e) }); }
      else child.send({ id: m?.id, error: `unknown request ${JSON.stringify(m)}` });
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${script} ${scriptArgs.join(' ')} exited ${code}`));
      const last = stdout.trim().split('\n').pop();
      try { resolve(JSON.parse(last)); } catch { reject(new Error(`${script}: no JSON result: ${stdout.slice(0, 500)}`)); }
    });
  });
}

const table = [];
const add = (r) => table.push(r);
const status = (ok) => (ok ? 'ok' : 'short');
const results = { machine: machine(), quick, date: new Date().toISOString() };

const profileArg = args.find((a) => a.startsWith('--profile='));
try {
  if (profileArg) {
    // A hot loop of one locality.mjs configuration (impl, N, K, seconds) under V8's CPU profiler.
    const dirIndex = args.indexOf('--profile-dir');
    const profileDir = dirIndex >= 0 ? args[dirIndex + 1] : join(tmpdir(), `msal-mtls-bench-profile-${process.pid}`);
    await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--cpu-prof-interval=100', join(here, 'locality.mjs'), '--profile', ...profileArg.slice(10).split(',')], { env: childEnv, stdio: 'inherit' });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`locality.mjs --profile exited ${code}`))));
    });
    log(`CPU profile written to ${profileDir} (open it in Chrome DevTools › Performance, or VS Code)`);
    rows.clear();
  }
  if (rows.has(1) || rows.has(2)) {
    log('hit.mjs: rows 1, 2 and the running-process part of row 3 …');
    const hit = await runNode('hit.mjs', quick ? ['--quick'] : [], ['--expose-gc']);
    results.hit = hit;
    // Row 1, Path 1.
    {
      const { rows: r, floor, alloc, verified } = hit.row1cc;
      const oursMed = median(r.ours.map((x) => x.median));
      const theirsMed = median(r.theirs.map((x) => x.median));
      const ratioPerCall = median(r.ours.map((x, i) => x.median / r.theirs[i].median));
      const ratioBatched = median(r.ours.map((x, i) => x.batchedMean / r.theirs[i].batchedMean));
      add({ row: '1 CC hit, per call (median)', ours: fmtNs(oursMed) + ' ' + range(r.ours.map((x) => x.median)), theirs: fmtNs(theirsMed) + ' ' + range(r.theirs.map((x) => x.median)), ratio: ratioPerCall, target: '≥ 50× faster', ok: 1 / ratioPerCall >= 50 && verified });
      add({ row: '1 CC hit, p99', ours: fmtNs(median(r.ours.map((x) => x.p99))), theirs: fmtNs(median(r.theirs.map((x) => x.p99))), ratio: median(r.ours.map((x, i) => x.p99 / r.theirs[i].p99)) });
      add({ row: '1 CC hit, batched mean', ours: fmtNs(median(r.ours.map((x) => x.batchedMean))), theirs: fmtNs(median(r.theirs.map((x) => x.batchedMean))), ratio: ratioBatched, target: '≥ 50× faster', ok: 1 / ratioBatched >= 50 });
      const net = alloc.ours.bytes - alloc.floor.bytes;
      add({ row: '1 CC hit, allocation per hit (net of harness)', ours: `${fmtBytes(alloc.ours.bytes)} (net ${fmtBytes(net)})`, theirs: `${fmtBytes(alloc.theirs.bytes)}`, ratio: alloc.ours.bytes / alloc.theirs.bytes, target: 'net ≈ 0 (≤ 64 B)', ok: Number.isFinite(net) && net <= 64 });
      add({ row: '   harness floor: await of an async Map.get', ours: `${fmtNs(floor.median)}, batched ${fmtNs(floor.batchedMean)}, ${fmtBytes(alloc.floor.bytes)}/call`, theirs: '', ratio: NaN });
    }
    // Row 1, managed identity.
    {
      const { rows: r, alloc, verified } = hit.row1mi;
      const ratioPerCall = median(r.ours.map((x, i) => x.median / r.theirs[i].median));
      const ratioBatched = median(r.ours.map((x, i) => x.batchedMean / r.theirs[i].batchedMean));
      add({ row: '1 MI hit, per call (median)', ours: fmtNs(median(r.ours.map((x) => x.median))) + ' ' + range(r.ours.map((x) => x.median)), theirs: fmtNs(median(r.theirs.map((x) => x.median))) + ' ' + range(r.theirs.map((x) => x.median)), ratio: ratioPerCall, target: '≥ 10× faster', ok: 1 / ratioPerCall >= 10 && verified });
      add({ row: '1 MI hit, p99', ours: fmtNs(median(r.ours.map((x) => x.p99))), theirs: fmtNs(median(r.theirs.map((x) => x.p99))), ratio: median(r.ours.map((x, i) => x.p99 / r.theirs[i].p99)) });
      add({ row: '1 MI hit, batched mean', ours: fmtNs(median(r.ours.map((x) => x.batchedMean))), theirs: fmtNs(median(r.theirs.map((x) => x.batchedMean))), ratio: ratioBatched, target: '≥ 10× faster', ok: 1 / ratioBatched >= 10 });
      const net = alloc.ours.bytes - hit.row1cc.alloc.floor.bytes;
      add({ row: '1 MI hit, allocation per hit (net of harness)', ours: `${fmtBytes(alloc.ours.bytes)} (net ${fmtBytes(net)})`, theirs: `${fmtBytes(alloc.theirs.bytes)}`, ratio: alloc.ours.bytes / alloc.theirs.bytes, target: 'net ≈ 0 (≤ 64 B)', ok: Number.isFinite(net) && net <= 64 });
    }
    // Row 2: 'one' = the same key every call (as at N=1), 'spread' = 1,024 keys drawn across the N tokens.
    for (const pattern of ['one', 'spread']) {
      const ours = hit.row2.ours[pattern];
      const theirs = hit.row2.theirs[pattern];
      const med = (side, n) => (side[n] ? median(side[n].rows.map((x) => x.median)) : NaN);
      const base = { ours: med(ours, 1), theirs: med(theirs, 1) };
      const label = pattern === 'one' ? 'one key' : '1,024 keys';
      for (const n of [...new Set([...Object.keys(ours), ...Object.keys(theirs)].map(Number))].sort((a, b) => a - b)) {
        if (pattern === 'spread' && n === 1) continue; // identical to 'one' at N=1
        const o = med(ours, n);
        const t = med(theirs, n);
        const isTarget = n === 10000 && ours[n] !== undefined;
        add({
          row: `2 hit, N=${n.toLocaleString('en')} cached, ${label} (× N=1)`,
          ours: ours[n] ? `${fmtNs(o)} (×${(o / base.ours).toFixed(2)})${ours[n].verified ? '' : ' UNVERIFIED'}` : '–',
          theirs: theirs[n] ? `${fmtNs(t)} (×${(t / base.theirs).toFixed(1)})${theirs[n].verified ? '' : ' UNVERIFIED'}` : '–',
          ratio: o / t,
          ...(isTarget ? { target: 'ours ≤ 1.5× our N=1', ok: o / base.ours <= 1.5 && ours[n].verified } : {}),
        });
      }
    }
    // Row 2's control experiment (locality.mjs): printed as its own table below the main one.
    log('locality.mjs: row 2 control (ours vs the same lookups without the library vs a bare Map) …');
    const loc = await runNode('locality.mjs', quick ? ['--quick'] : [], ['--expose-gc']);
    results.locality = loc;
    // Row 3 (running process).
    {
      const { ours, theirs } = hit.row3warm;
      add({ row: '3 new client + first token, running process', ours: `${fmtNs(median(ours))} p90 ${fmtNs(quantile(ours, 0.9))}`, theirs: `${fmtNs(median(theirs))} p90 ${fmtNs(quantile(theirs, 0.9))}`, ratio: median(ours) / median(theirs), target: 'no slower', ok: median(ours) <= median(theirs) });
    }
  }

  if (rows.has(3)) {
    const reps = quick ? 4 : 10;
    log(`cold1.mjs: ${reps} fresh-process pairs …`);
    const samples = { ours: [], msal: [] };
    for (let r = 0; r < reps; r++) {
      for (const which of r % 2 === 0 ? ['ours', 'msal'] : ['msal', 'ours']) {
        const s = await runNode('cold1.mjs', [which], [], { BENCH_TENANT: String(r % 10) });
        if (!s.ok) throw new Error(`cold1 ${which}: not a network token`);
        samples[which].push(s);
      }
    }
    results.cold1 = samples;
    const m = (which, f) => median(samples[which].map((s) => s[f]));
    const ratio = (f) => median(samples.ours.map((s, i) => s[f] / samples.msal[i][f]));
    add({ row: '3 fresh process: ctor + first token', ours: `${m('ours', 'firstTokenMs').toFixed(1)} ms`, theirs: `${m('msal', 'firstTokenMs').toFixed(1)} ms`, ratio: ratio('firstTokenMs'), target: 'no slower', ok: m('ours', 'firstTokenMs') <= m('msal', 'firstTokenMs') });
    add({ row: '3 fresh process: import', ours: `${m('ours', 'importMs').toFixed(1)} ms`, theirs: `${m('msal', 'importMs').toFixed(1)} ms`, ratio: ratio('importMs'), target: '≤ ⅓ of msal-node', ok: m('ours', 'importMs') <= m('msal', 'importMs') / 3 });
    add({ row: '3 fresh process: start → token (import incl.)', ours: `${m('ours', 'sinceStartMs').toFixed(1)} ms`, theirs: `${m('msal', 'sinceStartMs').toFixed(1)} ms`, ratio: ratio('sinceStartMs') });
  }

  if (rows.has(4)) {
    const reps = quick ? 3 : 7;
    log(`cold2.mjs: ${reps} × (ours cold, floor, ours warm restart) …`);
    const samples = { ours: [], floor: [], warm: [] };
    const warmImdsRequests = [];
    for (let r = 0; r < reps; r++) {
      const dir = mkdtempSync(join(tmpdir(), 'msal-mtls-bench-mi-'));
      try {
        const order = r % 2 === 0 ? ['ours', 'floor'] : ['floor', 'ours'];
        for (const which of order) samples[which].push(await runNode('cold2.mjs', which === 'ours' ? ['ours', dir] : ['floor']));
        const before = env.emu.imds.requests.length;
        samples.warm.push(await runNode('cold2.mjs', ['warm', dir]));
        warmImdsRequests.push(env.emu.imds.requests.length - before);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    results.cold2 = { ...samples, warmImdsRequests };
    const stepMed = (which, step) => median(samples[which].map((s) => s.steps[step] ?? NaN));
    const totalOurs = median(samples.ours.map((s) => s.totalMs));
    const totalFloor = median(samples.floor.map((s) => s.totalMs));
    const ratio = median(samples.ours.map((s, i) => s.totalMs / samples.floor[i].totalMs));
    add({ row: '4 cold Path 2, total (ctor → token)', ours: `${totalOurs.toFixed(1)} ms ${range(samples.ours.map((s) => s.totalMs * 1e6))}`, theirs: `floor ${totalFloor.toFixed(1)} ms ${range(samples.floor.map((s) => s.totalMs * 1e6))}`, ratio, target: '≤ 1.2× floor', ok: ratio <= 1.2 });
    // With persistence, the key is created (store lookup) before the first onStep: count it as 'key'.
    for (const s of samples.ours) s.steps.key = (s.steps.key ?? 0) + s.preStepMs;
    for (const step of ['metadata', 'key', 'csr', 'issuance', 'token']) {
      add({ row: `   step: ${step}`, ours: `${stepMed('ours', step).toFixed(1)} ms`, theirs: `floor ${stepMed('floor', step).toFixed(1)} ms`, ratio: stepMed('ours', step) / stepMed('floor', step) });
    }
    add({ row: '4 warm restart (persisted key + cert)', ours: `${median(samples.warm.map((s) => s.totalMs)).toFixed(1)} ms, IMDS requests ${warmImdsRequests.join('/')}`, theirs: '', ratio: NaN, target: 'no IMDS request', ok: warmImdsRequests.every((n) => n === 0) && samples.warm.every((s) => s.ok) });
    add({ row: '4 import @msal-mtls/imds', ours: `${median(samples.ours.map((s) => s.importMs)).toFixed(1)} ms`, theirs: '', ratio: NaN });
  }
  if (rows.has(5)) {
    log('concurrency.mjs: row 5 …');
    const c = await runNode('concurrency.mjs', quick ? ['--quick'] : []);
    results.concurrency = c;
    const f = c.first;
    const reqs = (side) => f[side].map((x) => x.tokenRequests);
    const oursOk = f.ours.every((x) => x.tokenRequests === 1 && x.allNetwork && x.distinctTokens === 1 && x.failed === 0);
    const failedNote = (side) => (f[side].some((x) => x.failed > 0) ? `, failed ${f[side].map((x) => x.failed).join('/')}` : '');
    add({ row: `5 ${c.callers.toLocaleString('en')} concurrent first calls: token requests`, ours: `${reqs('ours').join('/')} (tokens: ${f.ours.map((x) => x.distinctTokens).join('/')}${failedNote('ours')})`, theirs: `${reqs('msal').join('/')} (tokens: ${f.msal.map((x) => x.distinctTokens).join('/')}${failedNote('msal')})`, ratio: median(reqs('ours')) / median(reqs('msal')), target: '1 request', ok: oursOk });
    const t = (side) => f[side].map((x) => x.ns);
    add({ row: '5   time until all callers resolved', ours: `${fmtNs(median(t('ours')))} ${range(t('ours'))}`, theirs: `${fmtNs(median(t('msal')))} ${range(t('msal'))}`, ratio: median(f.ours.map((x, i) => x.ns / f.msal[i].ns)) });
    const hs = (side) => `${f[side].map((x) => x.fullHandshakes).join('/')} full, ${f[side].map((x) => x.resumed).join('/')} resumed`;
    add({ row: '5   TLS handshakes during the burst', ours: hs('ours'), theirs: hs('msal'), ratio: NaN });
    const h = c.hits;
    const cps = (side) => h[side].map((x) => x.callsPerSecond);
    const fmtRate = (v) => (v >= 1e6 ? `${(v / 1e6).toFixed(2)} M/s` : `${(v / 1e3).toFixed(1)} k/s`);
    const hitsOk = h.ours.every((x) => x.allCache && x.tokenRequests === 0) && h.msal.every((x) => x.allCache && x.tokenRequests === 0);
    add({ row: `5 ${c.callers.toLocaleString('en')} concurrent cache hits: throughput`, ours: `${fmtRate(median(cps('ours')))} (${fmtNs(median(h.ours.map((x) => x.burstNs)))}/burst)${hitsOk ? '' : ' UNVERIFIED'}`, theirs: `${fmtRate(median(cps('msal')))} (${fmtNs(median(h.msal.map((x) => x.burstNs)))}/burst)`, ratio: median(h.ours.map((x, i) => x.burstNs / h.msal[i].burstNs)) });
  }

  if (rows.has(6)) {
    log('proactive.mjs: row 6 (refresh_in = 1 s, real time) …');
    const p = await runNode('proactive.mjs', quick ? ['--quick'] : [], [], { MSAL_MTLS_BENCH_CONFIG: refreshEnv.configPath });
    results.proactive = p;
    const per = (side, f) => p.reps.map((r) => f(r[side]));
    const waited = (side) => per(side, (x) => x.waited);
    const reqs = (side) => per(side, (x) => x.tokenRequests);
    const renewed = per('ours', (x) => x.renewed).every(Boolean);
    add({ row: `6 past refresh_in, ${p.callers} callers: waited ≥ ${p.delayMs / 2} ms`, ours: `${waited('ours').join('/')} of ${p.callers}`, theirs: `${waited('msal').join('/')} of ${p.callers}`, ratio: NaN, target: '0 waited', ok: waited('ours').every((n) => n === 0) });
    add({ row: '6   token requests (burst until quiet)', ours: `${reqs('ours').join('/')}${renewed ? ' (background; renewed token cached)' : ' (NOT RENEWED)'}`, theirs: reqs('msal').join('/'), ratio: NaN, target: 'exactly 1', ok: reqs('ours').every((n) => n === 1) && renewed });
    const lat = (side) => p.reps.flatMap((r) => r[side].latencies);
    add({ row: `6   per-caller latency (endpoint +${p.delayMs} ms): median, max`, ours: `${fmtNs(median(lat('ours')))}, ${fmtNs(Math.max(...lat('ours')))}`, theirs: `${fmtNs(median(lat('msal')))}, ${fmtNs(Math.max(...lat('msal')))}`, ratio: median(lat('ours')) / median(lat('msal')) });
    add({ row: '6   token round trip without the delay', ours: fmtNs(median(per('ours', (x) => x.rttNs))), theirs: fmtNs(median(per('msal', (x) => x.rttNs))), ratio: median(per('ours', (x) => x.rttNs)) / median(per('msal', (x) => x.rttNs)) });
  }

  if (rows.has(7)) {
    const reps = quick ? 2 : 3;
    const count = 100;
    log(`handshakes.mjs: ${reps} × ${count} forced refreshes per side, one fresh process each …`);
    const samples = { ours: [], msal: [] };
    for (let r = 0; r < reps; r++) {
      for (const which of r % 2 === 0 ? ['ours', 'msal'] : ['msal', 'ours']) {
        const before = snapshot();
        const s = await runNode('handshakes.mjs', [which, String(count)]);
        await new Promise((done) => setTimeout(done, 100)); // the child's sockets close; nothing more is counted
        const after = snapshot();
        const handshakes = after.tlsHandshakes - before.tlsHandshakes;
        const resumed = after.tlsSessionsResumed - before.tlsSessionsResumed;
        samples[which].push({ ...s, tokenRequests: after.tokenRequests - before.tokenRequests, handshakes, resumed, fullHandshakes: handshakes - resumed });
      }
    }
    results.handshakes = samples;
    const cell = (side) => `${samples[side].map((x) => x.fullHandshakes).join('/')} full, ${samples[side].map((x) => x.resumed).join('/')} resumed; requests ${samples[side].map((x) => x.tokenRequests).join('/')}`;
    const ok = samples.ours.every((x) => x.fullHandshakes === 1 && x.resumed === 0 && x.tokenRequests === count && x.network === count);
    add({ row: `7 ${count} forced refreshes, one cert: TLS handshakes`, ours: cell('ours'), theirs: cell('msal'), ratio: NaN, target: '1 full handshake', ok });
    const t = (side) => samples[side].flatMap((x) => x.times);
    add({ row: '7   per refresh (median, p90)', ours: `${fmtNs(median(t('ours')))}, ${fmtNs(quantile(t('ours'), 0.9))}`, theirs: `${fmtNs(median(t('msal')))}, ${fmtNs(quantile(t('msal'), 0.9))}`, ratio: median(t('ours')) / median(t('msal')) });
  }
} finally {
  for (const e of [env, refreshEnv]) {
    if (e === undefined) continue;
    await e.emu.close();
    rmSync(e.dir, { recursive: true, force: true });
  }
}

if (table.length > 0) print();
if (results.locality) printLocality(results.locality);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ ...results, table }, null, 1));

function print() {
  const head = ['row', 'msal-mtls (ours)', '@azure/msal-node', 'us/them', 'target', ''];
  const body = table.map((r) => [r.row, r.ours, r.theirs, Number.isFinite(r.ratio) ? fmtRatio(r.ratio) : '', r.target ?? '', r.target ? status(r.ok) : '']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  console.log(`\nmsal-mtls bench${quick ? ' (--quick)' : ''}: ${results.machine}`);
  console.log(line(head));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const b of body) console.log(line(b));
  const targets = table.filter((r) => r.target);
  console.log(`\n${targets.filter((r) => r.ok).length}/${targets.length} targets ok; ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

function printLocality(loc) {
  const impls = ['ours', 'model', 'map', 'sync'];
  const head = ['row 2 control: N cached, K keys looked up', 'ours (acquireToken)', 'model (same lookups, no library)', 'Map.get, awaited', 'Map.get, plain loop'];
  const configs = [...new Set(loc.rows.map((r) => `${r.n}/${r.k}`))];
  const body = configs.map((c) => {
    const [n, k] = c.split('/').map(Number);
    return [`N=${n.toLocaleString('en')}, K=${k.toLocaleString('en')}`, ...impls.map((impl) => {
      const r = loc.rows.find((x) => x.impl === impl && x.n === n && x.k === k);
      return `${fmtNs(r.median)} (×${r.growth.toFixed(2)})`;
    })];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  console.log(`\n${line(head)}\n${line(widths.map((w) => '-'.repeat(w)))}`);
  for (const b of body) console.log(line(b));
  const a = loc.alloc;
  console.log(`per-call median (× its N=1 in the same rep, median of ${loc.reps} reps); ours verified: ${loc.verified}; ours allocation per hit: ${fmtBytes(a['1/1'].bytes)} at N=1, ${fmtBytes(a['10000/1024'].bytes)} at N=10,000/K=1,024 (harness floor ${fmtBytes(a.floor.bytes)})`);
}

function machine() {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ${process.platform} ${process.arch}, Node ${process.version}, @azure/msal-node 7.2.3`;
}
