/**
 * MSAL.NET's ImdsRetryPolicy / ImdsProbeRetryPolicy (spec §1.5), plus two things it lacks:
 * timeouts and connection failures are retried as its retry conditions intend (spec "differs"
 * point 5), `Retry-After` is honoured on 429/503, and the whole run is bounded in time.
 *
 * - retry on 404, 408, 410, 429, 500–599, timeout, connection failure (probe: not 404);
 * - at most 3 retries, delays 1000, 2000, 4000 ms; if the FIRST attempt answered 410, at most 7,
 *   and every 410 answer waits 10 000 ms (MSAL.NET picks the count from the first status and the
 *   delay from the current one; so do we).
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { ImdsAttempt } from './imds_http.js';
import { parseRetryAfterMs } from './retry_after.js';

export interface ImdsRetryOptions {
  /** Probe variant (ImdsProbeRetryPolicy): 404 is an answer, not retried. */
  probe?: boolean | undefined;
  /** Waits between attempts. Default: a timer that rejects when `signal` aborts. */
  sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
  /** Wall clock in epoch ms: measures the total bound and resolves Retry-After dates. Default Date.now. */
  now?: (() => number) | undefined;
  /** Upper bound on the whole run (attempts and waits). Default {@link defaultMaxTotalMs}. */
  maxTotalMs?: number | undefined;
  /** Largest Retry-After we wait for. Default {@link defaultMaxRetryAfterMs}. */
  maxRetryAfterMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

export interface ImdsRetryResult {
  /** The last attempt's outcome (a success, or the failure that ended the retries). */
  outcome: ImdsAttempt;
  attempts: number;
  /** True when retrying stopped because the next wait would pass `maxTotalMs`. */
  budgetExhausted: boolean;
}

/** 410 worst case is 7 × 10 s of waiting; this leaves room for the attempts without hanging for minutes. */
export const defaultMaxTotalMs = 120_000;
export const defaultMaxRetryAfterMs = 60_000;

const goneStatus = 410;
const exponentialRetries = 3;
const goneRetries = 7;
const goneDelayMs = 10_000;
const exponentialBaseMs = 1000;
const exponentialCapMs = 4000;

// Rejects with the signal's own reason (timers/promises would wrap it in an AbortError).
async function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, signal === undefined ? {} : { signal });
  } catch (error) {
    signal?.throwIfAborted();
    throw error;
  }
}

/** Whether the policy retries this outcome (HttpRetryConditions.Imds / ImdsProbe, spec §1.5). */
export function isRetryableOutcome(outcome: ImdsAttempt, probe = false): boolean {
  if (outcome.kind !== 'response') return true;
  const status = outcome.response.status;
  if (status === 404) return !probe;
  return status === 408 || status === goneStatus || status === 429 || (status >= 500 && status <= 599);
}

/** The retry budget, fixed by the first outcome: 7 if it was a 410, else 3. */
export function maxRetriesFor(first: ImdsAttempt): number {
  return first.kind === 'response' && first.response.status === goneStatus ? goneRetries : exponentialRetries;
}

/**
 * The wait before retry number `retryCount + 1` (`retryCount` = retries done so far): 10 s after a
 * 410, else 1000·2^retryCount capped at 4000 ms; on 429/503 at least the Retry-After (capped).
 */
export function retryDelayMs(outcome: ImdsAttempt, retryCount: number, nowMs: number, maxRetryAfterMs: number = defaultMaxRetryAfterMs): number {
  const status = outcome.kind === 'response' ? outcome.response.status : undefined;
  const policy = status === goneStatus ? goneDelayMs : Math.min(exponentialBaseMs * 2 ** retryCount, exponentialCapMs);
  if (outcome.kind !== 'response' || (status !== 429 && status !== 503)) return policy;
  const asked = parseRetryAfterMs(outcome.response.headers['retry-after'], nowMs);
  return asked === undefined ? policy : Math.max(policy, Math.min(asked, maxRetryAfterMs));
}

/**
 * Runs `attempt` under the policy. `attempt` receives the time left in the total budget so it can
 * shorten its own timeout. Resolves with the last outcome; rejects only with what `attempt` throws
 * (non-retryable failures) or the signal's reason.
 */
export async function runWithImdsRetry(attempt: (budgetMs: number) => Promise<ImdsAttempt>, options: ImdsRetryOptions = {}): Promise<ImdsRetryResult> {
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const maxTotalMs = options.maxTotalMs ?? defaultMaxTotalMs;
  const start = now();
  let maxRetries = exponentialRetries;
  for (let retries = 0; ; retries++) {
    options.signal?.throwIfAborted();
    const outcome = await attempt(Math.max(1, maxTotalMs - (now() - start)));
    if (retries === 0) maxRetries = maxRetriesFor(outcome);
    if (retries >= maxRetries || !isRetryableOutcome(outcome, options.probe ?? false)) {
      return { outcome, attempts: retries + 1, budgetExhausted: false };
    }
    const wait = retryDelayMs(outcome, retries, now(), options.maxRetryAfterMs ?? defaultMaxRetryAfterMs);
    if (now() - start + wait >= maxTotalMs) return { outcome, attempts: retries + 1, budgetExhausted: true };
    await sleep(wait, options.signal);
  }
}
