/**
 * `Retry-After` (RFC 9110 §10.2.3): either delay-seconds or an HTTP-date. MSAL.NET's ImdsRetryPolicy
 * ignores it (spec §1.5); we honour it on 429 and 503 because IMDS throttles (about 5 requests a
 * second per VM) and asking again sooner than told only prolongs the throttling.
 */

/**
 * The delay the header asks for, in milliseconds, or undefined when absent or unreadable.
 * A date in the past means 0. `nowMs` is the wall clock (epoch ms) the date is measured against.
 */
export function parseRetryAfterMs(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    return Number.isSafeInteger(seconds) ? seconds * 1000 : undefined;
  }
  // HTTP-date: IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") or the obsolete forms, which Date.parse
  // reads. Anything without a letter is not a date (Date.parse would take "12" as a year).
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Whole seconds for `ServerError.retryAfterSeconds` (rounded up so waiting that long is enough). */
export function retryAfterSeconds(value: string | string[] | undefined, nowMs: number): number | undefined {
  const ms = parseRetryAfterMs(value, nowMs);
  return ms === undefined ? undefined : Math.ceil(ms / 1000);
}
