const dayMs = 24 * 60 * 60 * 1000;

/**
 * Whether a binding certificate may still be reused: while its remaining lifetime is at least
 * min(24 h, half its total lifetime). MSAL.NET and msal-go stop 24 h before NotAfter, which for
 * certificates of a day or less means a new IMDS issuance on every token miss; the seeds' 5
 * minutes leaves tokens that outlive nothing. Lifetimes seen range from 8 h to 90 days.
 * @see ../../../../../shared/spec/protocol.md 'Where msal-mtls deliberately differs' §2
 */
export function isReusable(notBeforeMs: number, notAfterMs: number, nowMs: number): boolean {
  return notAfterMs - nowMs >= renewalMarginMs(notBeforeMs, notAfterMs) && nowMs >= notBeforeMs;
}

/** How long before NotAfter renewal starts. */
export function renewalMarginMs(notBeforeMs: number, notAfterMs: number): number {
  return Math.min(dayMs, (notAfterMs - notBeforeMs) / 2);
}
