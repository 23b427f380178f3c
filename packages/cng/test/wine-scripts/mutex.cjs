// Cross-process behaviour of acquireMutex: this process holds a named mutex while child processes
// (mutex-child.cjs, the same Windows node.exe) try to take it. Input { name, childTimeoutMs }.
// Every step's observation is returned; the Linux-side test asserts on them.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const v8 = require('node:v8');
const vm = require('node:vm');
const { run, loadAddon } = require('./result.cjs');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Starts mutex-child.cjs. Its stdio is ignored (Windows node.exe under Wine dies when stdout is
// a pipe), so its answer comes back through a file. `answered` resolves as soon as that file
// exists (a holding child is still alive then); `started` when it is about to open the mutex;
// `exited` when the process has ended.
function startChild(input) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutex-child-'));
  const inputFile = path.join(dir, 'input.json');
  const resultFile = path.join(dir, 'result.json');
  fs.writeFileSync(inputFile, JSON.stringify(input));
  const childProcess = spawn(process.execPath, [path.join(__dirname, 'mutex-child.cjs')], {
    env: { ...process.env, WINE_INPUT: inputFile, WINE_RESULT: resultFile },
    stdio: 'ignore',
  });
  const read = () => {
    const answer = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
    return answer.ok ? answer.value : { error: answer.error };
  };
  const started = (async () => {
    while (!fs.existsSync(`${resultFile}.started`) && childProcess.exitCode === null) await sleep(10);
  })();
  const exited = new Promise((resolve) => childProcess.on('exit', (status) => resolve(status)));
  const answered = (async () => {
    for (const deadline = Date.now() + 30000; Date.now() < deadline; ) {
      if (fs.existsSync(resultFile) && fs.statSync(resultFile).size > 0) return read();
      if (childProcess.exitCode !== null) break;
      await sleep(10);
    }
    await exited;
    return fs.existsSync(resultFile) ? read() : { error: 'the child wrote no answer' };
  })();
  return { started, answered, exited, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

async function child(input) {
  const started = startChild(input);
  const status = await started.exited;
  const answer = await started.answered;
  started.cleanup();
  return { ...answer, status };
}

function summary(answer) {
  return { ok: answer.ok, acquired: answer.acquired, abandoned: answer.abandoned, mutexIsObject: answer.mutex !== null && typeof answer.mutex === 'object', failure: answer.ok ? undefined : answer };
}

function threw(call) {
  try {
    call();
    return null;
  } catch (error) {
    return { name: error.name, message: error.message };
  }
}

run(async ({ name, childTimeoutMs }) => {
  const addon = loadAddon();
  const steps = {};
  const tryInChild = async () => child({ mode: 'try', name, timeoutMs: childTimeoutMs });

  const first = addon.acquireMutex(name, 0);
  steps.first = summary(first);
  steps.childWhileHeld = await tryInChild();

  // Same thread again: Windows mutexes are recursive for their owning thread.
  const again = addon.acquireMutex(name, 0);
  steps.sameThreadAgain = summary(again);
  again.mutex.release();
  steps.childAfterInnerRelease = await tryInChild();

  // Hand-off: a process already waiting (its open handle keeps the named mutex alive) gets it
  // as soon as we release, well before its timeout.
  const waiter = startChild({ mode: 'try', name, timeoutMs: 8000 });
  await waiter.started;
  await sleep(500);
  first.mutex.release();
  steps.waiterOnRelease = await waiter.answered;
  steps.waiterOnRelease.status = await waiter.exited;
  waiter.cleanup();

  steps.secondReleaseThrew = threw(() => first.mutex.release());
  steps.childAfterRelease = await tryInChild();

  // A holder that dies without releasing, while we wait on the mutex (our open handle keeps the
  // named mutex alive; with no handle left it would simply vanish and not be "abandoned").
  const holder = startChild({ mode: 'hold-and-die', name, timeoutMs: 0, holdMs: 1500 });
  steps.childHoldAndDie = await holder.answered;
  const waitStarted = Date.now();
  const afterAbandon = addon.acquireMutex(name, 20000);
  steps.afterAbandon = { ...summary(afterAbandon), elapsedMs: Date.now() - waitStarted };
  steps.childHoldAndDie.status = await holder.exited;
  holder.cleanup();
  if (afterAbandon.acquired) afterAbandon.mutex.release();

  // A NativeMutex nobody releases: its finalizer releases it once it is collected.
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  (() => {
    steps.forgotten = summary(addon.acquireMutex(name, 0));
  })();
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  steps.childAfterGc = await tryInChild();

  // A name in a namespace that does not exist: CreateMutexW fails, reported as data.
  steps.unknownNamespace = summary(addon.acquireMutex(`NoSuchNamespace\\${name.replace(/^Local\\/, '')}`, 0));

  steps.badArguments = {
    nameNumber: threw(() => addon.acquireMutex(42, 0)),
    timeoutString: threw(() => addon.acquireMutex(name, '10')),
    emptyName: threw(() => addon.acquireMutex('', 0)),
    negativeTimeout: threw(() => addon.acquireMutex(name, -1)),
    infiniteTimeout: threw(() => addon.acquireMutex(name, Infinity)),
    noArguments: threw(() => addon.acquireMutex()),
  };
  return steps;
});
