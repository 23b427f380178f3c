import type { X509Certificate } from 'node:crypto';
import {
  invalidArgument, raceAbort, readGetTokenOptions, readScopes, toAccessToken,
  type MtlsGetTokenOptions, type MtlsPopAccessToken, type TokenCredentialAccessToken,
} from '@msal-mtls/core';
import { ManagedIdentityClient } from '../client/managed_identity_client.js';
import type { ManagedIdentityId } from '../imds/imds_endpoint.js';

/** Which identity and attestation mode the credential's tokens are for. */
export interface ManagedIdentityMtlsPopCredentialOptions {
  /** A user-assigned identity; system-assigned when absent. */
  identity?: ManagedIdentityId;
  /** Attest the key (KeyGuard) when a certificate is issued. Fails closed. */
  attestation?: boolean;
}

/**
 * Path 2 as an Azure SDK `TokenCredential` (@azure/core-auth): `getToken(scope)` returns the
 * ManagedIdentityClient's mTLS PoP token as `{ token, expiresOnTimestamp, refreshAfterTimestamp?,
 * tokenType: 'mtls_pop' }`. Managed identity tokens are for one resource: give one scope.
 * `options.tenantId` is ignored (IMDS decides the tenant); `claims` and
 * `proofOfPossessionOptions` are ERR_MTLS_UNSUPPORTED_TOKEN_OPTION. The binding certificate
 * renews under the credential: read `bindingCertificate` after each token, or use
 * `createMtlsFetch`, which follows renewals by itself.
 */
export class ManagedIdentityMtlsPopCredential {
  readonly #client: ManagedIdentityClient;
  readonly #identity: ManagedIdentityId | undefined;
  readonly #attestation: boolean;
  #bindingCertificate: X509Certificate | undefined;

  constructor(client: ManagedIdentityClient, options: ManagedIdentityMtlsPopCredentialOptions = {}) {
    if (!(client instanceof ManagedIdentityClient)) throw invalidArgument('client', 'a ManagedIdentityClient', client);
    if (typeof options !== 'object' || options === null) throw invalidArgument('options', 'an object', options);
    if (options.attestation !== undefined && typeof options.attestation !== 'boolean') throw invalidArgument('options.attestation', 'a boolean', options.attestation);
    this.#client = client;
    this.#identity = options.identity;
    this.#attestation = options.attestation === true;
  }

  get client(): ManagedIdentityClient {
    return this.#client;
  }

  /** The certificate the last token is bound to; undefined before the first token. */
  get bindingCertificate(): X509Certificate | undefined {
    return this.#bindingCertificate;
  }

  getToken(scopes: string | readonly string[], options?: MtlsGetTokenOptions): Promise<MtlsPopAccessToken>;
  /** The signature @azure/core-auth 1.11's TokenCredential sees (see TokenCredentialAccessToken in core). */
  getToken(scopes: string | string[], options?: MtlsGetTokenOptions): Promise<TokenCredentialAccessToken>;
  async getToken(scopes: string | readonly string[], options?: MtlsGetTokenOptions): Promise<MtlsPopAccessToken> {
    const signal = readGetTokenOptions(options, undefined);
    const acquired = this.#client.acquireToken({
      scopes: readScopes(scopes),
      ...(this.#identity === undefined ? {} : { identity: this.#identity }),
      attestation: this.#attestation,
    });
    const result = await raceAbort(acquired, signal, 'getToken()');
    this.#bindingCertificate = result.bindingCertificate;
    return toAccessToken(result);
  }
}
