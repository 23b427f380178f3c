import { MtlsError } from '../errors/mtls_error.js';
import { invalidArgument } from '../errors/argument.js';
import type { AcquireTokenResult } from '../client/result.js';
import { isAbortSignalLike, throwIfAborted, type AbortSignalLike } from './abort.js';

/**
 * The options of `TokenCredential.getToken` (@azure/core-auth 1.11), restated structurally so core
 * has no run-time dependency on the Azure SDK: core-auth's `GetTokenOptions` is assignable to it.
 */
export interface MtlsGetTokenOptions {
  /** Honoured: the call rejects with ERR_MTLS_ABORTED (name `AbortError`) when it fires. */
  abortSignal?: AbortSignalLike;
  /** A CAE claims challenge: not supported for mTLS PoP, ERR_MTLS_UNSUPPORTED_TOKEN_OPTION. */
  claims?: string;
  /** Path 1: must be the client's tenant (or absent). Path 2: ignored (IMDS decides the tenant). */
  tenantId?: string;
  /** Ignored: the token request does not announce CAE capability. */
  enableCae?: boolean;
  /** Ignored. */
  tracingOptions?: unknown;
  /** Ignored: the client's own per-attempt timeout applies. */
  requestOptions?: { timeout?: number };
  /** Signed-request (SHR) PoP: not what mTLS PoP is, ERR_MTLS_UNSUPPORTED_TOKEN_OPTION. */
  proofOfPossessionOptions?: unknown;
}

/**
 * What `getToken` resolves to. `tokenType` is `'mtls_pop'`: Azure SDK pipelines that build the
 * header as `${tokenType ?? 'Bearer'} ${token}` then send `mtls_pop <token>`; the connection must
 * still present `bindingCertificate` (see createMtlsFetch / createMtlsAgent).
 */
export interface MtlsPopAccessToken {
  readonly token: string;
  /** Epoch milliseconds. */
  readonly expiresOnTimestamp: number;
  /** Epoch milliseconds; absent when the token has no refresh time. */
  readonly refreshAfterTimestamp?: number;
  readonly tokenType: 'mtls_pop';
}

/**
 * The same token as core-auth 1.11's `TokenCredential` sees it. That version types
 * `AccessToken.tokenType` as `'Bearer' | 'pop'`, which has no room for `'mtls_pop'`; this view
 * leaves the field out of the type (the value is still there) so the adapters are assignable to
 * `TokenCredential` without a cast. Direct callers get {@link MtlsPopAccessToken}.
 */
export interface TokenCredentialAccessToken {
  readonly token: string;
  readonly expiresOnTimestamp: number;
  readonly refreshAfterTimestamp?: number;
}

/** `getToken`'s scopes (a string or an array of strings) as an array. */
export function readScopes(scopes: unknown): string[] {
  if (typeof scopes === 'string') return [scopes];
  if (Array.isArray(scopes) && scopes.every((s) => typeof s === 'string')) return [...(scopes as string[])];
  throw invalidArgument('scopes', 'a scope string or an array of scope strings', scopes);
}

/**
 * Checks getToken's options and returns the abort signal. Options we cannot honour fail loudly
 * (a silently ignored claims challenge would loop: the resource asks again, we answer the same).
 */
export function readGetTokenOptions(options: unknown, clientTenant: string | undefined): AbortSignalLike | undefined {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object') throw invalidArgument('options', 'an object (GetTokenOptions)', options);
  const o = options as MtlsGetTokenOptions;
  if (o.abortSignal !== undefined && !isAbortSignalLike(o.abortSignal)) throw invalidArgument('options.abortSignal', 'an AbortSignal', o.abortSignal);
  if (o.claims !== undefined && typeof o.claims !== 'string') throw invalidArgument('options.claims', 'a string', o.claims);
  if (o.tenantId !== undefined && typeof o.tenantId !== 'string') throw invalidArgument('options.tenantId', 'a string', o.tenantId);
  throwIfAborted(o.abortSignal, 'getToken()');
  if (o.claims !== undefined && o.claims !== '') {
    throw new MtlsError('ERR_MTLS_UNSUPPORTED_TOKEN_OPTION', {
      message: 'getToken() was given a claims challenge (options.claims); Continuous Access Evaluation claims are not supported for mTLS PoP tokens.',
    });
  }
  if (o.proofOfPossessionOptions !== undefined) {
    throw new MtlsError('ERR_MTLS_UNSUPPORTED_TOKEN_OPTION', {
      message: 'getToken() was given proofOfPossessionOptions (signed-request PoP); this credential issues mTLS PoP tokens, bound to a TLS client certificate instead.',
    });
  }
  if (clientTenant !== undefined && o.tenantId !== undefined && o.tenantId.toLowerCase() !== clientTenant.toLowerCase()) {
    throw new MtlsError('ERR_MTLS_UNSUPPORTED_TOKEN_OPTION', {
      message: `getToken() asked for tenant ${o.tenantId}, but the client's authority is for tenant ${clientTenant}.`,
    });
  }
  return o.abortSignal;
}

export function toAccessToken(result: AcquireTokenResult): MtlsPopAccessToken {
  const refresh = result.refreshOn?.getTime();
  return {
    token: result.accessToken,
    expiresOnTimestamp: result.expiresOn.getTime(),
    ...(refresh === undefined ? {} : { refreshAfterTimestamp: refresh }),
    tokenType: 'mtls_pop',
  };
}
