/**
 * The machinery of the fault suite: a tally of injected and handled faults, a process-level
 * recorder of unhandled rejections and uncaught exceptions, a virtual clock whose `sleep` records
 * the waits the retry policies ask for (no real sleeping), and `runCase`, which runs one fault
 * against a real client and the real emulator and decides whether it was handled.
 */
import { createServer } from 'node:net';
import { runInThisContext } from 'node:vm';
import { isMtlsError, readCnfThumbprint, x5tS256, type AcquireTokenResult, type ErrorCode, type TokenCache } from '@msal-mtls/core';
import type { Emulator } from '@msal-mtls/emulator';

/** What one case must end in. */
export type Expected =
  | { kind: 'success' }
  | {
      kind: 'error';
      code: ErrorCode;
      /** The message must say this (the cause: a status, a field, a check). */
      mentions?: RegExp;
      /** ServerError fields the error must carry. */
      fields?: Record<string, unknown>;
    };

/** A client under test, made fresh for each case. */
export interface Subject {
  acquire(): Promise<AcquireTokenResult>;
  readonly tokenCache: TokenCache;
  close(): void;
}

/** The injectable clock and sleep given to the client: sleeping only advances the clock. */
export interface VirtualClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Every wait asked for, in order. */
  readonly waits: number[];
}

export interface FaultCase<O> {
  name: string;
  /** Arms the fault(s) on the emulator. May return client options (a dead endpoint, a short timeout). */
  inject(emu: Emulator): O | void | Promise<O | void>;
  expect: Expected;
  /** The waits the spec's retry policy allows for this case, in order; or a check of them. */
  waits: readonly number[] | ((waits: readonly number[]) => void);
  /** Whether the same client must work once the fault is cleared (false when the fault is in its options). Default true. */
  recovers?: boolean;
  /** More checks after the outcome (the emulator's records, the result or the error). */
  after?(emu: Emulator, outcome: { result?: AcquireTokenResult; error?: unknown }): void;
}

export const tally = { injected: 0, handled: 0, unhandled: 0 };
/** Why each unhandled case failed, for the report. */
export const failures: string[] = [];

/**
 * The real process: inside a test file Jest hands out a copy of `process` whose events never fire,
 * so the recorder is installed on the one V8 reports unhandled rejections to.
 */
const realProcess = runInThisContext('process') as NodeJS.Process;
const escaped: unknown[] = [];
const onRejection = (reason: unknown): void => void escaped.push(reason);
const onException = (error: unknown): void => void escaped.push(error);

export function installRecorder(): void {
  realProcess.on('unhandledRejection', onRejection);
  realProcess.on('uncaughtException', onException);
}

export function removeRecorder(): void {
  realProcess.off('unhandledRejection', onRejection);
  realProcess.off('uncaughtException', onException);
}

/** Rejections and exceptions nobody handled, since the start of the suite. */
export function escapedCount(): number {
  return escaped.length;
}

export function virtualClock(): VirtualClock {
  let skew = 0;
  const waits: number[] = [];
  return {
    now: () => Date.now() + skew,
    sleep: async (ms: number) => {
      waits.push(ms);
      skew += ms;
    },
    waits,
  };
}

/** A loopback port nothing listens on: connections to it are refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Longest a case may take in real time before it counts as a hang. */
const hangMs = 20_000;

type Settled = { kind: 'result'; result: AcquireTokenResult } | { kind: 'error'; error: unknown } | { kind: 'hang' };

async function settle(promise: Promise<AcquireTokenResult>): Promise<Settled> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<Settled>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'hang' }), hangMs);
  });
  try {
    return await Promise.race([
      promise.then((result): Settled => ({ kind: 'result', result }), (error: unknown): Settled => ({ kind: 'error', error })),
      hang,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function describeError(error: unknown): string {
  if (isMtlsError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? `${error.name}${(error as { code?: unknown }).code ? ` (${String((error as { code?: unknown }).code)})` : ''}: ${error.message}` : String(error);
}

/**
 * Runs one fault case: counts it as injected, arms it, acquires with a fresh client, and counts
 * it as handled only when the outcome is the expected success or typed error, the waits are the
 * policy's, nothing escaped, no token was cached from the bad response, and (when the fault is
 * cleared) the same client recovers. Anything else counts as unhandled and fails the test.
 */
export async function runCase<O>(emu: Emulator, c: FaultCase<O>, make: (options: O | undefined, clock: VirtualClock) => Subject): Promise<void> {
  emu.reset();
  tally.injected++;
  const escapedBefore = escaped.length;
  const clock = virtualClock();
  let subject: Subject | undefined;
  try {
    const options = (await c.inject(emu)) ?? undefined;
    subject = make(options, clock);
    const outcome = await settle(subject.acquire());
    await new Promise((resolve) => setImmediate(resolve)); // let any stray rejection surface
    if (outcome.kind === 'hang') throw new Error(`hang: no outcome within ${hangMs} ms`);
    if (c.expect.kind === 'success') {
      if (outcome.kind === 'error') throw new Error(`expected success after the retries, got ${describeError(outcome.error)}`);
      const { result } = outcome;
      expect(result).toMatchObject({ tokenType: 'mtls_pop', tokenSource: 'network' });
      expect(readCnfThumbprint(result.accessToken)).toBe(x5tS256(result.bindingCertificate));
      expect(subject.tokenCache.size).toBe(1);
    } else {
      if (outcome.kind === 'result') throw new Error(`expected ${c.expect.code}, but the call succeeded`);
      const { error } = outcome;
      if (!isMtlsError(error)) throw new Error(`expected a typed error ${c.expect.code}, got ${describeError(error)}`);
      if (error.code !== c.expect.code) throw new Error(`expected ${c.expect.code}, got ${describeError(error)}`);
      if (c.expect.mentions !== undefined) expect(error.message).toMatch(c.expect.mentions);
      if (c.expect.fields !== undefined) expect(error).toMatchObject(c.expect.fields);
      // Nothing from the bad response may be cached.
      expect(subject.tokenCache.size).toBe(0);
    }
    if (typeof c.waits === 'function') c.waits(clock.waits);
    else expect(clock.waits).toEqual(c.waits);
    // Bounded: never more waiting than IMDS's worst case (a first 410: 7 × 10 s), within the 120 s budget.
    expect(clock.waits.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(70_000);
    c.after?.(emu, outcome.kind === 'result' ? { result: outcome.result } : { error: outcome.error });
    if (escaped.length !== escapedBefore) throw new Error(`unhandled: ${escaped.slice(escapedBefore).map(describeError).join('; ')}`);
    if (c.expect.kind === 'error' && c.recovers !== false) {
      emu.clearFaults();
      emu.imds.clearFaults();
      const again = await settle(subject.acquire());
      if (again.kind !== 'result') throw new Error(`did not recover once the fault was cleared: ${again.kind === 'error' ? describeError(again.error) : 'hang'}`);
      expect(readCnfThumbprint(again.result.accessToken)).toBe(x5tS256(again.result.bindingCertificate));
    }
    tally.handled++;
  } catch (error) {
    tally.unhandled++;
    failures.push(`${c.name}: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  } finally {
    subject?.close();
  }
}

/** The tally line the suite ends with. */
export function tallyLine(): string {
  const unhandled = tally.unhandled + escaped.length;
  return `faults: ${tally.injected} injected, ${tally.handled} handled, ${unhandled} unhandled`;
}
