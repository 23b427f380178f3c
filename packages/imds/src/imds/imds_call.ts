/**
 * What getplatformmetadata, issuecredential and the probe share: the options, the headers (spec
 * §1.2), sending under the retry policy, and turning the final failure into a typed error.
 */
import type { Agent } from 'node:http';
import { MtlsError, ServerError } from '@msal-mtls/core';
import { invalidArgument } from '@msal-mtls/core';
import { imdsUrl, type ImdsV2Endpoint, type ManagedIdentityId } from './imds_endpoint.js';
import { defaultImdsTimeoutMs, sendImdsRequest, type ImdsHttpResponse } from './imds_http.js';
import { runWithImdsRetry, type ImdsRetryOptions, type ImdsRetryResult } from './retry_policy.js';
import { retryAfterSeconds } from './retry_after.js';

export interface ImdsCallOptions extends Omit<ImdsRetryOptions, 'probe'> {
  /** The IMDS base address, from `resolveImdsBase()`. */
  base: string;
  /** The user-assigned identity; undefined = system-assigned. */
  identity?: ManagedIdentityId | undefined;
  /** Sent as `x-ms-client-request-id`; the same GUID for every call of one acquisition (spec §1.2). */
  correlationId: string;
  /** Per-attempt timeout. Default 10 s ({@link defaultImdsTimeoutMs}). */
  timeoutMs?: number | undefined;
  /** HTTP agent override; default a shared keep-alive agent. */
  agent?: Agent | undefined;
}

const bodyExcerptChars = 300;

/** Checks the options every call needs; misuse is a TypeError naming the parameter. */
export function checkCallOptions(options: ImdsCallOptions): void {
  if (typeof options !== 'object' || options === null) throw invalidArgument('options', 'an object', options);
  if (typeof options.base !== 'string' || options.base.length === 0) throw invalidArgument('options.base', 'a non-empty string', options.base);
  // A header value: visible ASCII only, so a CR/LF can never split the request.
  if (typeof options.correlationId !== 'string' || !/^[\x21-\x7e]+$/.test(options.correlationId)) {
    throw invalidArgument('options.correlationId', 'a non-empty string of visible ASCII (a GUID)', options.correlationId);
  }
  const timeout = options.timeoutMs;
  if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout > 0) || !Number.isFinite(timeout))) {
    throw invalidArgument('options.timeoutMs', 'a positive finite number', timeout);
  }
}

/**
 * IMDSv2 request headers in MSAL.NET's order (spec §1.2): `Metadata: true` unless probing, the
 * correlation id, HttpClient's default `Accept`, and `Content-Type` for the issuecredential body.
 * No x-client-SKU / x-client-Ver on IMDSv2.
 */
export function imdsHeaders(correlationId: string, shape: { metadata: boolean; json: boolean }): Record<string, string> {
  const headers: Record<string, string> = {};
  if (shape.metadata) headers['Metadata'] = 'true';
  headers['x-ms-client-request-id'] = correlationId;
  headers['Accept'] = 'application/json';
  if (shape.json) headers['Content-Type'] = 'application/json; charset=utf-8';
  return headers;
}

/** Sends one logical IMDSv2 call under the (probe) retry policy; each attempt's timeout is cut to the time left. */
export function callImds(
  endpoint: ImdsV2Endpoint,
  request: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: Uint8Array },
  options: ImdsCallOptions,
  probe = false,
): Promise<ImdsRetryResult> {
  const url = imdsUrl(options.base, endpoint, options.identity);
  const timeoutMs = options.timeoutMs ?? defaultImdsTimeoutMs;
  return runWithImdsRetry(
    (budgetMs) =>
      sendImdsRequest(
        { ...request, url, correlationId: options.correlationId },
        { timeoutMs: Math.min(timeoutMs, budgetMs), agent: options.agent, signal: options.signal },
      ),
    { ...options, probe },
  );
}

/** The error for a final timeout or connection failure (spec §1.5: `request_timeout` after retries). */
export function transportFailure(what: string, result: ImdsRetryResult, options: ImdsCallOptions): MtlsError | undefined {
  const { outcome, attempts } = result;
  const tries = `${attempts} attempt${attempts === 1 ? '' : 's'}`;
  if (outcome.kind === 'timeout') {
    return new MtlsError('ERR_IMDS_TIMEOUT', {
      message: `[ImdsV2] ${what} at ${safeOrigin(options.base)} did not answer within ${outcome.timeoutMs} ms (${tries}).`,
      cause: outcome.cause,
      correlationId: options.correlationId,
    });
  }
  if (outcome.kind === 'network') {
    return new MtlsError('ERR_IMDS_UNREACHABLE', {
      message: `[ImdsV2] ${what} could not reach IMDS at ${safeOrigin(options.base)} (${tries}): ${outcome.cause.message}`,
      cause: outcome.cause,
      correlationId: options.correlationId,
    });
  }
  return undefined;
}

/**
 * The error for a non-200 answer after the retries: 410/429/5xx → ERR_IMDS_SERVICE_UNAVAILABLE
 * (spec §1.5 `service_not_available`), else ERR_IMDS_REQUEST_FAILED; callers map getplatformmetadata's
 * 404 themselves. Carries the status, the OAuth `error` if the body has one, and a body excerpt.
 */
export function httpFailure(what: string, response: ImdsHttpResponse, options: ImdsCallOptions): ServerError {
  const { status } = response;
  const unavailable = status === 410 || status === 429 || (status >= 500 && status <= 599);
  const excerpt = bodyExcerpt(response.body);
  const json = parseJsonObject(response.body);
  return new ServerError(
    unavailable ? 'ERR_IMDS_SERVICE_UNAVAILABLE' : 'ERR_IMDS_REQUEST_FAILED',
    {
      status,
      error: typeof json?.['error'] === 'string' ? json['error'] : undefined,
      errorDescription: excerpt,
      correlationId: options.correlationId,
      retryAfterSeconds: retryAfterSeconds(response.headers['retry-after'], (options.now ?? Date.now)()),
    },
    { message: `[ImdsV2] ${what} failed due to HTTP error. Status code: ${status} Body: ${excerpt}` },
  );
}

/** At most 300 characters of the body, control characters flattened so logs stay one line. */
export function bodyExcerpt(body: Buffer): string {
  const text = body.toString('utf8');
  const cut = text.length > bodyExcerptChars ? `${text.slice(0, bodyExcerptChars - 1)}…` : text;
  return cut.replace(/[\x00-\x1f\x7f]+/g, ' ');
}

/** The body as a JSON object (a UTF-8 BOM tolerated), or undefined when it is not one. */
export function parseJsonObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8').replace(/^\uFEFF/, ''));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function safeOrigin(base: string): string {
  try {
    return new URL(base).origin;
  } catch {
    return 'the configured base';
  }
}
