// Worker side of the orchestrator's IPC channel: the emulator runs in run.mjs, so a worker asks it
// for the emulator's counters (token requests, TLS handshakes) before and after a measured phase.
// Never called inside a timed section.
let nextId = 0;
const waiting = new Map();

process.on('message', (message) => {
  const done = waiting.get(message?.id);
  if (done === undefined) return;
  waiting.delete(message.id);
  done(message);
});
process.channel?.unref(); // the channel alone never keeps a worker alive

function ask(message) {
  if (typeof process.send !== 'function') throw new Error('no IPC channel: run the bench through run.mjs');
  return new Promise((resolve, reject) => {
    const id = ++nextId;
    waiting.set(id, (m) => (m.error ? reject(new Error(m.error)) : resolve(m.stats)));
    process.channel?.ref();
    process.send({ ...message, id }, (error) => { if (error) reject(error); });
  }).finally(() => { if (waiting.size === 0) process.channel?.unref(); });
}

/** A snapshot of `emulator.stats` of the environment `env` ('main' or 'refresh'). */
export const emulatorStats = (env = 'main') => ask({ op: 'stats', env });

/** Every token request of `env` is answered `ms` later from now on (0: no delay); resolves to a stats snapshot. */
export const setTokenDelay = (env, ms) => ask({ op: 'delay', env, ms });

/** What changed between two snapshots: token requests, handshakes (full and resumed). */
export function statsDelta(before, after) {
  const handshakes = after.tlsHandshakes - before.tlsHandshakes;
  const resumed = after.tlsSessionsResumed - before.tlsSessionsResumed;
  return { tokenRequests: after.tokenRequests - before.tokenRequests, handshakes, resumed, fullHandshakes: handshakes - resumed };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the emulator's token-request count stops moving (`quietMs` without change, at most `maxMs`). */
export async function settle(env = 'main', quietMs = 250, maxMs = 3000) {
  const start = Date.now();
  let last = (await emulatorStats(env)).tokenRequests;
  let lastChange = Date.now();
  while (Date.now() - start < maxMs) {
    await sleep(25);
    const now = (await emulatorStats(env)).tokenRequests;
    if (now !== last) { last = now; lastChange = Date.now(); } else if (Date.now() - lastChange >= quietMs) break;
  }
  return emulatorStats(env);
}
