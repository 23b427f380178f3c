import type { X509Certificate } from 'node:crypto';

/** What `acquireToken` returns, on both paths. */
export interface AcquireTokenResult {
  /** The access token. Send it as `Authorization: mtls_pop <accessToken>` over a TLS connection that presents `bindingCertificate`. */
  readonly accessToken: string;
  /** `mtls_pop`. */
  readonly tokenType: string;
  readonly expiresOn: Date;
  /** When a background refresh starts (from `refresh_in`, or half the lifetime for tokens of 2 h or more). */
  readonly refreshOn: Date | undefined;
  /** The scopes as requested. */
  readonly scopes: readonly string[];
  /** The certificate the token is bound to (`cnf["x5t#S256"]`). */
  readonly bindingCertificate: X509Certificate;
  /** `cache` when no request was made. */
  readonly tokenSource: 'cache' | 'network';
  /**
   * The correlation id of the request that obtained the token: the caller's when it gave one and
   * a request was made; on a cache hit without one, the id of the request that cached the token.
   */
  readonly correlationId: string;
}
