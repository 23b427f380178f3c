// A second Windows process for mutex.cjs. Input { mode, name, timeoutMs, holdMs }:
// 'try': acquire with the timeout, report, and release if it got the mutex;
// 'hold-and-die': acquire, report (the report doubles as the "I hold it" signal), keep it for
// holdMs, then end the process without releasing (TerminateProcess, as a crash would), which
// abandons the mutex.
'use strict';
const fs = require('node:fs');
const { run, writeResult, loadAddon } = require('./result.cjs');

run(async ({ mode, name, timeoutMs, holdMs }) => {
  const addon = loadAddon();
  // Tells the parent this process is up and about to open the mutex.
  fs.writeFileSync(`${process.env.WINE_RESULT}.started`, '');
  const started = Date.now();
  const answer = addon.acquireMutex(name, timeoutMs);
  const report = { ok: answer.ok, acquired: answer.acquired, abandoned: answer.abandoned, elapsedMs: Date.now() - started, failure: answer.ok ? undefined : answer };
  if (mode === 'hold-and-die') {
    writeResult({ ok: true, value: report });
    await new Promise((resolve) => setTimeout(resolve, holdMs));
    process.kill(process.pid, 'SIGKILL');
  }
  if (answer.acquired) answer.mutex.release();
  return report;
});
