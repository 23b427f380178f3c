import type { ImdsAttempt } from '../../src/imds/imds_http.js';
import { isRetryableOutcome, maxRetriesFor, retryDelayMs, runWithImdsRetry } from '../../src/imds/retry_policy.js';

const answer = (status: number, headers: Record<string, string> = {}): ImdsAttempt => ({ kind: 'response', response: { status, headers, body: Buffer.alloc(0) } });
const timeout: ImdsAttempt = { kind: 'timeout', timeoutMs: 10, cause: new Error('t') };
const network: ImdsAttempt = { kind: 'network', cause: new Error('n') };

/** Runs the policy over a scripted list of outcomes with a fake clock that advances on sleep. */
async function run(script: ImdsAttempt[], options: { probe?: boolean; maxTotalMs?: number } = {}) {
  const delays: number[] = [];
  const budgets: number[] = [];
  let clock = Date.UTC(2026, 0, 1);
  let i = 0;
  const result = await runWithImdsRetry(
    async (budget) => {
      budgets.push(budget);
      return script[Math.min(i++, script.length - 1)]!;
    },
    { ...options, now: () => clock, sleep: async (ms) => void (delays.push(ms), (clock += ms)) },
  );
  return { ...result, delays, budgets };
}

describe('retry conditions (spec §1.5)', () => {
  it.each([404, 408, 410, 429, 500, 503, 599])('retries HTTP %i', (status) => expect(isRetryableOutcome(answer(status))).toBe(true));
  it.each([200, 201, 301, 400, 401, 403, 409, 499, 600])('does not retry HTTP %i', (status) => expect(isRetryableOutcome(answer(status))).toBe(false));
  it('retries timeouts and connection failures', () => {
    expect(isRetryableOutcome(timeout)).toBe(true);
    expect(isRetryableOutcome(network)).toBe(true);
  });
  it('probe variant: 404 is not retried, the rest as usual', () => {
    expect(isRetryableOutcome(answer(404), true)).toBe(false);
    expect(isRetryableOutcome(answer(500), true)).toBe(true);
    expect(isRetryableOutcome(timeout, true)).toBe(true);
  });
  it('the retry count is 7 only when the first answer is 410', () => {
    expect(maxRetriesFor(answer(410))).toBe(7);
    expect(maxRetriesFor(answer(500))).toBe(3);
    expect(maxRetriesFor(timeout)).toBe(3);
  });
});

describe('retryDelayMs', () => {
  const now = Date.UTC(2026, 0, 1);
  it('is exponential 1000, 2000, 4000, capped at 4000', () => {
    expect([0, 1, 2, 3, 6].map((n) => retryDelayMs(answer(500), n, now))).toEqual([1000, 2000, 4000, 4000, 4000]);
  });
  it('is 10 000 after any 410', () => {
    expect(retryDelayMs(answer(410), 0, now)).toBe(10_000);
    expect(retryDelayMs(answer(410), 5, now)).toBe(10_000);
  });
  it('honours Retry-After on 429/503 as a floor, capped at 60 s', () => {
    expect(retryDelayMs(answer(429, { 'retry-after': '7' }), 0, now)).toBe(7000);
    expect(retryDelayMs(answer(503, { 'retry-after': '7' }), 0, now)).toBe(7000);
    expect(retryDelayMs(answer(429, { 'retry-after': '0' }), 1, now)).toBe(2000);
    expect(retryDelayMs(answer(429, { 'retry-after': '3600' }), 0, now)).toBe(60_000);
    expect(retryDelayMs(answer(429, { 'retry-after': '3600' }), 0, now, 5000)).toBe(5000);
  });
  it('ignores Retry-After on other statuses', () => {
    expect(retryDelayMs(answer(500, { 'retry-after': '30' }), 0, now)).toBe(1000);
  });
});

describe('runWithImdsRetry', () => {
  it('stops at the first success', async () => {
    const r = await run([answer(500), answer(200)]);
    expect(r).toMatchObject({ attempts: 2, delays: [1000], budgetExhausted: false });
    expect(r.outcome).toEqual(answer(200));
  });

  it('gives up after 3 retries and returns the last outcome', async () => {
    const r = await run([answer(503), answer(500), timeout, network]);
    expect(r.attempts).toBe(4);
    expect(r.delays).toEqual([1000, 2000, 4000]);
    expect(r.outcome).toBe(network);
  });

  it('first 410: 7 retries; 410 waits 10 s, other statuses the exponential delay', async () => {
    const r = await run([answer(410), answer(500), answer(410)]);
    expect(r.attempts).toBe(8);
    expect(r.delays).toEqual([10_000, 2000, 10_000, 10_000, 10_000, 10_000, 10_000]);
  });

  it('a 410 after a different first answer keeps the budget of 3', async () => {
    const r = await run([answer(500), answer(410)]);
    expect(r.attempts).toBe(4);
    expect(r.delays).toEqual([1000, 10_000, 10_000]);
  });

  it('does not retry a non-retryable answer', async () => {
    const r = await run([answer(400)]);
    expect(r).toMatchObject({ attempts: 1, delays: [] });
  });

  it('stops when the next wait would pass the total bound, and shrinks attempt budgets', async () => {
    const r = await run([answer(410)], { maxTotalMs: 25_000 });
    expect(r).toMatchObject({ attempts: 3, delays: [10_000, 10_000], budgetExhausted: true });
    expect(r.budgets).toEqual([25_000, 15_000, 5000]);
  });

  it('the default sleep waits for real and ends early with the abort reason', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('cancelled mid-wait')), 30);
    await expect(runWithImdsRetry(async () => answer(500), { signal: controller.signal })).rejects.toThrow('cancelled mid-wait');
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(20);
    expect(waited).toBeLessThan(900); // the policy asked for 1000 ms
  });

  it('stops between attempts when the signal is aborted', async () => {
    const controller = new AbortController();
    let calls = 0;
    const pending = runWithImdsRetry(
      async () => {
        calls++;
        return answer(500);
      },
      { signal: controller.signal, sleep: async () => controller.abort(new Error('cancelled')) },
    );
    await expect(pending).rejects.toThrow('cancelled');
    expect(calls).toBe(1);
  });
});
