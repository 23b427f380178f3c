import type { X509Certificate } from 'node:crypto';
import { ConfidentialClient } from '../client/confidential_client.js';
import { invalidArgument } from '../errors/argument.js';
import { raceAbort } from './abort.js';
import { readGetTokenOptions, readScopes, toAccessToken, type MtlsGetTokenOptions, type MtlsPopAccessToken, type TokenCredentialAccessToken } from './get_token_options.js';

/**
 * Path 1 as an Azure SDK `TokenCredential` (@azure/core-auth): `getToken(scopes)` returns the
 * ConfidentialClient's mTLS PoP token (from its cache while valid) as
 * `{ token, expiresOnTimestamp, refreshAfterTimestamp?, tokenType: 'mtls_pop' }`.
 * The token is only accepted over TLS presenting `bindingCertificate`: send requests with
 * `createMtlsFetch` or `createMtlsAgent`. @azure/core-auth is an optional peer dependency; this
 * class matches its interface by structure and imports nothing from it.
 *
 * @example
 * const credential = new MtlsPopTokenCredential(new ConfidentialClient({ ... }));
 * const { token } = await credential.getToken('https://graph.microsoft.com/.default');
 */
export class MtlsPopTokenCredential {
  readonly #client: ConfidentialClient;
  #bindingCertificate: X509Certificate | undefined;

  constructor(client: ConfidentialClient) {
    if (!(client instanceof ConfidentialClient)) throw invalidArgument('client', 'a ConfidentialClient', client);
    this.#client = client;
  }

  /** The wrapped client (createMtlsTransport, tokenCache, close). */
  get client(): ConfidentialClient {
    return this.#client;
  }

  /**
   * The certificate the last token is bound to; before the first token, the client's configured
   * certificate (on Path 1 they are the same).
   */
  get bindingCertificate(): X509Certificate {
    return this.#bindingCertificate ?? this.#client.bindingCertificate;
  }

  getToken(scopes: string | readonly string[], options?: MtlsGetTokenOptions): Promise<MtlsPopAccessToken>;
  /** The signature @azure/core-auth 1.11's TokenCredential sees (see TokenCredentialAccessToken). */
  getToken(scopes: string | string[], options?: MtlsGetTokenOptions): Promise<TokenCredentialAccessToken>;
  async getToken(scopes: string | readonly string[], options?: MtlsGetTokenOptions): Promise<MtlsPopAccessToken> {
    const signal = readGetTokenOptions(options, this.#client.authority.tenant);
    const result = await raceAbort(this.#client.acquireToken({ scopes: readScopes(scopes), mtlsProofOfPossession: true }), signal, 'getToken()');
    this.#bindingCertificate = result.bindingCertificate;
    return toAccessToken(result);
  }
}
