import type { X509Certificate } from 'node:crypto';
import type { BindingKey } from '../key/key_provider.js';

/** A binding certificate from IMDS joined to its key and where to use it (spec §5.3). */
export interface Binding {
  /** Cache alias: identity + attestation mode (`…#att=1` / `#att=0`), as MSAL.NET's. */
  readonly alias: string;
  readonly certificate: X509Certificate;
  readonly x5tS256: string;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  /** `{mtls_authentication_endpoint}/{tenant_id}/oauth2/v2.0/token`. */
  readonly tokenUrl: string;
  /** Canonical client id from issuecredential: the token request's `client_id`. */
  readonly clientId: string;
  readonly tenantId: string;
  readonly key: BindingKey;
}
