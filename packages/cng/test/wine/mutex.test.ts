import { randomBytes } from 'node:crypto';

import { runUnderWine, wineAvailable, type WineRun } from './wine_harness.js';

const wine = wineAvailable() ? describe : describe.skip;

interface Acquired {
  ok: boolean;
  acquired?: boolean;
  abandoned?: boolean;
  mutexIsObject?: boolean;
  elapsedMs?: number;
  status?: number;
  failure?: { api: string; code: number; hex: string; detail?: string };
}

interface Thrown {
  name: string;
  message: string;
}

interface Steps {
  first: Acquired;
  childWhileHeld: Acquired;
  sameThreadAgain: Acquired;
  childAfterInnerRelease: Acquired;
  waiterOnRelease: Acquired;
  secondReleaseThrew: Thrown | null;
  childAfterRelease: Acquired;
  childHoldAndDie: Acquired;
  afterAbandon: Acquired;
  forgotten: Acquired;
  childAfterGc: Acquired;
  unknownNamespace: Acquired;
  badArguments: Record<'nameNumber' | 'timeoutString' | 'emptyName' | 'noArguments' | 'negativeTimeout' | 'infiniteTimeout', Thrown | null>;
}

const childTimeoutMs = 300;

wine('acquireMutex: a named mutex across Windows processes (wine-scripts/mutex.cjs)', () => {
  let run: WineRun<{ ok: boolean; value: Steps }>;
  let steps: Steps;

  beforeAll(async () => {
    // One Wine process runs the whole sequence and starts the second processes itself; a fresh
    // name per run keeps runs apart in the shared prefix.
    run = await runUnderWine('mutex.cjs', { name: `Local\\msal-mtls-test-${randomBytes(6).toString('hex')}`, childTimeoutMs }, 90_000);
    if (!run.result?.ok) throw new Error(`mutex.cjs failed (status ${run.status}):\n${run.output}\n${JSON.stringify(run.result)}`);
    steps = run.result.value;
  }, 90_000);

  it('gives the first caller the mutex as a NativeMutex', () => {
    expect(steps.first).toEqual({ ok: true, acquired: true, abandoned: false, mutexIsObject: true });
  });

  it('makes another process time out with acquired:false while it is held', () => {
    expect(steps.childWhileHeld).toMatchObject({ ok: true, acquired: false, status: 0 });
    // It waited for its timeout (not an immediate refusal), and no longer than that.
    expect(steps.childWhileHeld.elapsedMs).toBeGreaterThanOrEqual(childTimeoutMs - 20);
    expect(steps.childWhileHeld.elapsedMs).toBeLessThan(childTimeoutMs + 2000);
  });

  it('is recursive for the owning thread, and each NativeMutex releases only its own hold', () => {
    // Windows semantics: the same thread takes it again at once, so in-process callers must be
    // serialised in TypeScript; releasing the inner hold leaves the outer one in force.
    expect(steps.sameThreadAgain).toMatchObject({ ok: true, acquired: true, mutexIsObject: true });
    expect(steps.childAfterInnerRelease).toMatchObject({ ok: true, acquired: false });
  });

  it('hands it to a process waiting on it when release() is called', () => {
    // The waiter had an 8 s timeout and was waiting for at least 0.5 s when we released.
    expect(steps.waiterOnRelease).toMatchObject({ ok: true, acquired: true, abandoned: false, status: 0 });
    expect(steps.waiterOnRelease.elapsedMs).toBeGreaterThanOrEqual(200);
    expect(steps.waiterOnRelease.elapsedMs).toBeLessThan(8000);
  });

  it('lets another process take it after release(), and release() is idempotent', () => {
    expect(steps.secondReleaseThrew).toBeNull();
    expect(steps.childAfterRelease).toMatchObject({ ok: true, acquired: true, abandoned: false, status: 0 });
    expect(steps.childAfterRelease.elapsedMs).toBeLessThan(childTimeoutMs);
  });

  it('reports acquired:true, abandoned:true to a waiter when the holder dies without releasing', () => {
    expect(steps.childHoldAndDie).toMatchObject({ ok: true, acquired: true, status: 1 });
    expect(steps.afterAbandon).toMatchObject({ ok: true, acquired: true, abandoned: true, mutexIsObject: true });
    // The waiter blocked until the holder died (it held for 1.5 s).
    expect(steps.afterAbandon.elapsedMs).toBeGreaterThanOrEqual(1000);
  });

  it('releases a NativeMutex that is garbage-collected without release()', () => {
    expect(steps.forgotten).toMatchObject({ ok: true, acquired: true });
    expect(steps.childAfterGc).toMatchObject({ ok: true, acquired: true });
  });

  it('reports a CreateMutexW failure as data', () => {
    expect(steps.unknownNamespace.ok).toBe(false);
    expect(steps.unknownNamespace.failure).toMatchObject({ api: 'CreateMutexW', code: 3, hex: '0x00000003' }); // ERROR_PATH_NOT_FOUND
    expect(steps.unknownNamespace.failure?.detail).toMatch(/^NoSuchNamespace\\msal-mtls-test-/);
  });

  it('throws TypeError for wrong argument types and RangeError for unusable timeouts', () => {
    const { nameNumber, timeoutString, emptyName, noArguments, negativeTimeout, infiniteTimeout } = steps.badArguments;
    for (const thrown of [nameNumber, timeoutString, emptyName, noArguments]) expect(thrown?.name).toBe('TypeError');
    // INFINITE would block the JS thread for good; negative values are not durations.
    for (const thrown of [negativeTimeout, infiniteTimeout]) expect(thrown?.name).toBe('RangeError');
  });

  it.todo('a Global\\ name created by a service in another session gives ERROR_ACCESS_DENIED from CreateMutexW (needs Windows: sessions and object DACLs)');
});
