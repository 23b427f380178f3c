import type { Failure } from '../native_binding.js';
import { cngErrorCatalogue, type CngErrorCode } from './codes.js';

/**
 * The brand every msal-mtls error carries (`Symbol.for`, so it is the same symbol in every
 * package): `isMtlsError()` from @msal-mtls/core is true for CngError too, without this package
 * depending on core.
 */
const mtlsErrorBrand: unique symbol = Symbol.for('msal-mtls.error') as never;

/** How a transport failure should be treated by the token request that made it (see core's MtlsTransport). */
export type TransportFailureKind = 'timeout' | 'network' | 'tls' | 'untrusted' | 'too-large';

export interface CngErrorOptions {
  message?: string;
  cause?: unknown;
  /** The Windows status behind the error, as the native layer returned it. */
  status?: Failure;
  transportFailure?: TransportFailureKind;
}

/** A failure in @msal-mtls/cng. Switch on `code`; `status` holds the Windows API and code. */
export class CngError extends Error {
  readonly code: CngErrorCode;
  /** The Windows status (API, code, hex, system message), when one caused this. */
  readonly status: Failure | undefined;
  /** Set on transport failures, so a token client knows whether a retry can help. */
  readonly transportFailure: TransportFailureKind | undefined;

  constructor(code: CngErrorCode, options: CngErrorOptions = {}) {
    const entry = cngErrorCatalogue[code];
    super(`${options.message ?? entry.meaning} ${entry.fix}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.transportFailure = options.transportFailure;
    Object.defineProperty(this, mtlsErrorBrand, { value: true });
  }

  override get name(): string {
    return 'CngError';
  }
}

/** "NCryptFinalizeKey returned 0x80090029 (The requested operation is not supported)". */
export function describeStatus(status: Failure): string {
  const text = status.message === '' ? '' : ` (${status.message})`;
  const detail = status.detail === undefined ? '' : `: ${status.detail}`;
  return `${status.api} returned ${status.hex}${text}${detail}`;
}

/** A TypeError with code ERR_CNG_INVALID_ARGUMENT, for misuse. */
export function invalidArgument(name: string, expected: string, value: unknown): TypeError {
  const shown = value === null ? 'null' : typeof value === 'string' ? `a string of length ${value.length}` : typeof value;
  const error = new TypeError(`${name} must be ${expected}; got ${shown}. ${cngErrorCatalogue.ERR_CNG_INVALID_ARGUMENT.fix}`);
  Object.defineProperty(error, 'code', { value: 'ERR_CNG_INVALID_ARGUMENT', enumerable: true });
  Object.defineProperty(error, mtlsErrorBrand, { value: true });
  return error;
}
