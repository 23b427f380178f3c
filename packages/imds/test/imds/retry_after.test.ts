import { parseRetryAfterMs, retryAfterSeconds } from '../../src/imds/retry_after.js';

const now = Date.UTC(2026, 0, 15, 12, 0, 0);

describe('parseRetryAfterMs', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfterMs('7', now)).toBe(7000);
    expect(parseRetryAfterMs(' 0 ', now)).toBe(0);
    expect(parseRetryAfterMs(['3', '9'], now)).toBe(3000);
  });

  it('reads an HTTP-date relative to now, a past date as 0', () => {
    expect(parseRetryAfterMs(new Date(now + 30_000).toUTCString(), now)).toBe(30_000);
    expect(parseRetryAfterMs('Thu, 15 Jan 2026 12:00:45 GMT', now)).toBe(45_000);
    expect(parseRetryAfterMs('Thu, 15 Jan 2026 11:00:00 GMT', now)).toBe(0);
  });

  it.each([[undefined], [''], ['-5'], ['1.5'], ['soon'], ['12:30']])('ignores %j', (value) => {
    expect(parseRetryAfterMs(value, now)).toBeUndefined();
  });

  it('rounds up to whole seconds for the error field', () => {
    expect(retryAfterSeconds('Thu, 15 Jan 2026 12:00:01 GMT', now - 500)).toBe(2);
    expect(retryAfterSeconds(undefined, now)).toBeUndefined();
  });
});
