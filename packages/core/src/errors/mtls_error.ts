import { errorCatalogue, type ErrorCode } from './codes.js';

/**
 * The brand every msal-mtls error carries. `Symbol.for` makes it the same symbol in every copy of
 * every package (core, imds, cng — cng does not depend on core and brands its errors with the same
 * key), so `isMtlsError()` and `instanceof MtlsError` hold across duplicate installs.
 */
export const mtlsErrorBrand: unique symbol = Symbol.for('msal-mtls.error') as never;

export interface MtlsErrorOptions {
  /** Message text; defaults to the catalogue's meaning. The catalogue's fix is always appended. */
  message?: string;
  cause?: unknown;
  correlationId?: string;
}

/**
 * Base of every runtime failure in msal-mtls. Switch on `code`; the message is for humans.
 * Errors never carry tokens, key material or passphrases.
 *
 * @example
 * try { await client.acquireToken({ scopes, mtlsProofOfPossession: true }); }
 * catch (e) { if (isMtlsError(e) && e.code === 'ERR_MTLS_TENANTLESS_AUTHORITY') { ... } }
 */
export class MtlsError extends Error {
  readonly code: ErrorCode;
  readonly correlationId: string | undefined;

  constructor(code: ErrorCode, options: MtlsErrorOptions = {}) {
    const entry = errorCatalogue[code];
    super(`${options.message ?? entry.meaning} ${entry.fix}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.correlationId = options.correlationId;
    Object.defineProperty(this, mtlsErrorBrand, { value: true });
  }

  override get name(): string {
    return 'MtlsError';
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return isMtlsError(value);
  }
}

/** True for any error made by any copy of any msal-mtls package. */
export function isMtlsError(value: unknown): value is MtlsError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[mtlsErrorBrand] === true;
}

export interface ServerErrorFields {
  /** HTTP status of the response. */
  status: number;
  /** OAuth `error`, e.g. `invalid_client`. */
  error?: string | undefined;
  /** OAuth `error_description` as the server sent it (it may contain AADSTS text, never a secret). */
  errorDescription?: string | undefined;
  /** `error_codes` of the response (AADSTS numbers). */
  errorCodes?: readonly number[] | undefined;
  /** Correlation id the server returned, else the one we sent. */
  correlationId?: string | undefined;
  /** Server trace id, if any. */
  traceId?: string | undefined;
  /** Seconds from a Retry-After header, if the server sent one. */
  retryAfterSeconds?: number | undefined;
}

/**
 * An error answered by a server (the token endpoint, IMDS). Keeps the OAuth fields.
 * @see https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 */
export class ServerError extends MtlsError {
  readonly status: number;
  readonly error: string | undefined;
  readonly errorDescription: string | undefined;
  readonly errorCodes: readonly number[];
  readonly traceId: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, fields: ServerErrorFields, options: Omit<MtlsErrorOptions, 'correlationId'> = {}) {
    super(code, { ...options, correlationId: fields.correlationId });
    this.status = fields.status;
    this.error = fields.error;
    this.errorDescription = fields.errorDescription;
    this.errorCodes = fields.errorCodes ?? [];
    this.traceId = fields.traceId;
    this.retryAfterSeconds = fields.retryAfterSeconds;
  }

  override get name(): string {
    return 'ServerError';
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return isMtlsError(value) && typeof (value as { status?: unknown }).status === 'number';
  }
}
