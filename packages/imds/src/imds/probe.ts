/**
 * IMDSv2 detection (spec §1.4): GET getplatformmetadata deliberately WITHOUT `Metadata: true`.
 * An IMDS that speaks v2 refuses that with HTTP 400; anything else (200 and 404 included) or a
 * network failure means "not available". Uses the probe retry policy: 404 is not retried (§1.5).
 */
import { isMtlsError } from '@msal-mtls/core';
import { callImds, checkCallOptions, imdsHeaders, type ImdsCallOptions } from './imds_call.js';
import type { ImdsRetryResult } from './retry_policy.js';

export interface ImdsV2ProbeResult {
  available: boolean;
  /** What was seen, for diagnostics ("HTTP 400", "HTTP 404 after 1 attempt", "connection failed: …"). */
  reason: string;
}

/**
 * Probes for IMDSv2. Never throws for what IMDS did (answers, timeouts, redirects, oversized bodies
 * all yield `available: false`); throws only for misuse (TypeError) and cancellation (the signal's reason).
 */
export async function probeImdsV2(options: ImdsCallOptions): Promise<ImdsV2ProbeResult> {
  checkCallOptions(options);
  const headers = imdsHeaders(options.correlationId, { metadata: false, json: false });
  let result: ImdsRetryResult;
  try {
    result = await callImds('getplatformmetadata', { method: 'GET', headers }, options, true);
  } catch (error) {
    // Redirect or oversized body: whatever answered is not an IMDSv2 we will talk to.
    if (isMtlsError(error) && !options.signal?.aborted) return { available: false, reason: error.message };
    throw error;
  }
  const { outcome, attempts } = result;
  const tries = `after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
  switch (outcome.kind) {
    case 'response': {
      const status = outcome.response.status;
      return status === 400
        ? { available: true, reason: 'HTTP 400 (IMDSv2 refused a request without Metadata: true)' }
        : { available: false, reason: `HTTP ${status} ${tries}` };
    }
    case 'timeout':
      return { available: false, reason: `no answer within ${outcome.timeoutMs} ms ${tries}` };
    case 'network':
      return { available: false, reason: `connection failed ${tries}: ${outcome.cause.message}` };
  }
}
