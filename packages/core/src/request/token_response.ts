import { MtlsError, ServerError } from '../errors/mtls_error.js';
import type { ErrorCode } from '../errors/codes.js';
import type { HttpResponse } from '../transport/http_types.js';
import { readCnfThumbprint } from '../pop/jwt_cnf.js';

/** A successful token response, checked and with times made absolute. */
export interface TokenResponse {
  accessToken: string;
  tokenType: string;
  /** Epoch milliseconds. */
  expiresOnMs: number;
  /** Epoch milliseconds, from `refresh_in`, else half the lifetime for tokens of 2 h or more. */
  refreshOnMs: number | undefined;
  /** The correlation id the server echoed, if any. */
  correlationId: string | undefined;
}

/** AADSTS392196: the resource does not accept mTLS PoP tokens (msal-go docs; spec §11). */
const resourceNotEnrolled = 392196;

/**
 * Reads a token endpoint response. Success must carry `token_type=mtls_pop` (case-insensitive)
 * and, when the access token is a JWT, a `cnf["x5t#S256"]` equal to the certificate we presented
 * (RFC 8705 §3.1); anything else is a typed error and nothing is cached.
 * @see ../../../../../shared/spec/protocol.md §6.2
 */
export function parseTokenResponse(
  response: HttpResponse,
  expected: { tokenType: string; x5tS256: string; nowMs: number; correlationId: string },
): TokenResponse {
  const correlationId = response.headers['client-request-id'] ?? expected.correlationId;
  const json = parseJsonObject(response, correlationId, expected.nowMs);
  if (response.status !== 200) throw toServerError(response, json, correlationId, expected.nowMs);

  const tokenType = json.token_type;
  if (tokenType === undefined || tokenType === null || tokenType === '') {
    throw new MtlsError('ERR_MTLS_TOKEN_TYPE_MISSING', { correlationId });
  }
  if (typeof tokenType !== 'string' || tokenType.toLowerCase() !== expected.tokenType) {
    throw new MtlsError('ERR_MTLS_TOKEN_TYPE_MISMATCH', {
      correlationId,
      message: `You asked for token type ${expected.tokenType}, but received ${String(tokenType).slice(0, 40)}.`,
    });
  }
  const accessToken = json.access_token;
  if (typeof accessToken !== 'string' || accessToken.length === 0) {
    throw invalidResponse('access_token is missing or not a string.', correlationId);
  }
  const expiresIn = seconds(json.expires_in);
  // At least a second: a token that expires as it arrives (expires_in 1e-300) is no token.
  if (expiresIn === undefined || expiresIn < 1) {
    throw invalidResponse('expires_in is missing or not a number of seconds (at least 1).', correlationId);
  }
  const cnf = readCnfThumbprint(accessToken);
  if (cnf !== undefined && cnf !== expected.x5tS256) {
    throw new MtlsError('ERR_MTLS_BINDING_MISMATCH', {
      correlationId,
      message:
        cnf === null
          ? "The access token has no cnf['x5t#S256'] claim: it is not bound to our certificate."
          : `The access token is bound to certificate ${cnf}, not to ours (${expected.x5tS256}).`,
    });
  }
  const refreshIn = seconds(json.refresh_in);
  const expiresOnMs = expected.nowMs + expiresIn * 1000;
  let refreshOnMs: number | undefined;
  if (refreshIn !== undefined && refreshIn >= 1 && refreshIn < expiresIn) refreshOnMs = expected.nowMs + refreshIn * 1000;
  else if (expiresIn >= 7200) refreshOnMs = expected.nowMs + (expiresIn * 1000) / 2;
  return { accessToken, tokenType: expected.tokenType, expiresOnMs, refreshOnMs, correlationId };
}

/** `expires_in` and friends come as numbers or numeric strings (spec §6.2); a value too large to be a date is no value. */
function seconds(value: unknown): number | undefined {
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : undefined;
  return number !== undefined && Number.isFinite(number) && Math.abs(number) <= maxSeconds ? number : undefined;
}

/** About 31 years: more than any token lifetime, and far inside what a Date can hold. */
const maxSeconds = 1e9;

function parseJsonObject(response: HttpResponse, correlationId: string, nowMs: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(response.body.toString('utf8'));
  } catch {
    if (response.status !== 200) throw toServerError(response, {}, correlationId, nowMs);
    throw invalidResponse('The body is not JSON.', correlationId);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    if (response.status !== 200) throw toServerError(response, {}, correlationId, nowMs);
    throw invalidResponse('The body is not a JSON object.', correlationId);
  }
  return value as Record<string, unknown>;
}

function invalidResponse(detail: string, correlationId: string): MtlsError {
  return new MtlsError('ERR_MTLS_INVALID_RESPONSE', { correlationId, message: `The token endpoint returned an invalid response: ${detail}` });
}

/** Keeps the OAuth fields of an error response; picks the code a caller can act on. `nowMs` (the client's clock) dates a Retry-After. */
export function toServerError(response: HttpResponse, json: Record<string, unknown>, correlationId: string, nowMs: number = Date.now()): ServerError {
  const error = typeof json.error === 'string' ? json.error : undefined;
  const errorDescription = typeof json.error_description === 'string' ? json.error_description : undefined;
  const errorCodes = Array.isArray(json.error_codes) ? json.error_codes.filter((c): c is number => typeof c === 'number') : [];
  const fromBody = typeof json.correlation_id === 'string' ? json.correlation_id : undefined;
  const retryAfterSeconds = parseRetryAfter(response.headers['retry-after'], nowMs);
  let code: ErrorCode = 'ERR_MTLS_SERVER_ERROR';
  if (errorCodes.includes(resourceNotEnrolled) || errorDescription?.includes(`AADSTS${resourceNotEnrolled}`)) code = 'ERR_MTLS_RESOURCE_NOT_ENROLLED';
  else if (error === 'invalid_client') code = 'ERR_MTLS_CLIENT_REJECTED';
  else if (response.status >= 500) code = 'ERR_MTLS_SERVICE_UNAVAILABLE';
  const summary = error === undefined ? `HTTP ${response.status}` : `${error} (HTTP ${response.status})`;
  const firstLine = errorDescription?.split(/\r?\n/, 1)[0];
  return new ServerError(
    code,
    {
      status: response.status,
      error,
      errorDescription,
      errorCodes,
      correlationId: fromBody ?? correlationId,
      traceId: typeof json.trace_id === 'string' ? json.trace_id : undefined,
      retryAfterSeconds,
    },
    { message: `The token endpoint answered ${summary}${firstLine ? `: ${firstLine}` : ''}.` },
  );
}

/** Retry-After as seconds: delta-seconds or an HTTP-date (RFC 9110 §10.2.3); a number too large to be exact is no value. */
export function parseRetryAfter(value: string | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    const seconds = Number(trimmed);
    return Number.isSafeInteger(seconds) ? seconds : undefined;
  }
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - nowMs) / 1000));
}
