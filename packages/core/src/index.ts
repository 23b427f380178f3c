// Path 1: confidential client
export { ConfidentialClient } from './client/confidential_client.js';
export type { ConfidentialClientOptions, AcquireTokenParameters } from './client/confidential_client.js';
export type { AcquireTokenResult } from './client/result.js';
export type { CertificateInput, PemCertificateInput, PfxCertificateInput, KeyObjectCertificateInput, BindingCredential } from './credential/binding_credential.js';

// Azure SDK TokenCredential adapter and downstream calls with the bound certificate (Path 1)
export { MtlsPopTokenCredential } from './downstream/mtls_pop_token_credential.js';
export type { MtlsGetTokenOptions, MtlsPopAccessToken, TokenCredentialAccessToken } from './downstream/get_token_options.js';
export { createMtlsFetch } from './downstream/mtls_fetch.js';
export type { MtlsFetchOptions } from './downstream/mtls_fetch.js';
export type { MtlsFetch } from './downstream/bound_fetch.js';
export { createMtlsAgent } from './downstream/mtls_agent.js';
export type { MtlsAgentOptions } from './downstream/mtls_agent.js';
export { MtlsAbortError } from './downstream/abort.js';
export type { AbortSignalLike } from './downstream/abort.js';

// Errors
export { MtlsError, ServerError, isMtlsError } from './errors/mtls_error.js';
export type { MtlsErrorOptions, ServerErrorFields } from './errors/mtls_error.js';
export { errorCatalogue, errorCodes } from './errors/codes.js';
export type { ErrorCode, ErrorCatalogueEntry } from './errors/codes.js';

// Token cache
export { TokenCache } from './cache/token_cache.js';
export type { CachedToken, PartitionKeyParts } from './cache/token_cache.js';
export type { CachePlugin, TokenCacheContext } from './client/token_acquisition.js';

// Logging
export { LogLevel, Logger } from './logging/logger.js';
export type { LoggerOptions } from './logging/logger.js';

// mTLS PoP helpers
export { x5tS256 } from './pop/thumbprint.js';
export { readCnfThumbprint, decodeJwtClaims } from './pop/jwt_cnf.js';

// Endpoints
export { parseAuthority } from './authority/authority.js';
export type { Authority } from './authority/authority.js';
export { globalMtlsHost, mtlsHost, mtlsTokenUrl } from './authority/mtls_endpoint.js';
export { parseRegion } from './authority/region.js';

// Building blocks for @msal-mtls/imds and @msal-mtls/cng (advanced use)
export { loadBindingCredential } from './credential/binding_credential.js';
export type { ExternalKeyCertificateInput, ExternalTransportOptions } from './credential/external_key_certificate.js';
export { createNodeTransport } from './transport/node_transport.js';
export type { NodeTransportOptions } from './transport/node_transport.js';
export { leaseNodeTransport } from './transport/shared_transport.js';
export type { TransportLease } from './transport/shared_transport.js';
export type { HttpMethod, HttpRequest, HttpResponse, MtlsTransport } from './transport/http_types.js';
export { parseConnectTo, resolveDialTarget } from './transport/connect_to.js';
export type { ConnectToRule, DialTarget } from './transport/connect_to.js';
export { requestMtlsPopToken } from './request/token_request.js';
export type { MtlsPopTokenRequest } from './request/token_request.js';
export type { TokenResponse } from './request/token_response.js';
export { TokenAcquisition } from './client/token_acquisition.js';
export type { TokenSource, AcquireOptions, TokenAcquisitionOptions } from './client/token_acquisition.js';
export { scopesKey } from './cache/scopes.js';
export { SingleFlight } from './cache/single_flight.js';
export { SKU, VERSION } from './version.js';
// Misuse errors in one voice across the msal-mtls packages (TypeError/RangeError with code ERR_MTLS_INVALID_ARGUMENT)
export { invalidArgument, invalidValue, requireCorrelationId } from './errors/argument.js';
// The `ca` option as both clients read it
export { readCaOption } from './client/ca_option.js';
// The adapters' machinery, for @msal-mtls/imds's Path 2 versions
export { createBoundFetch } from './downstream/bound_fetch.js';
export type { BoundFetchSource, BoundFetchOptions } from './downstream/bound_fetch.js';
export { fetchScopes } from './downstream/mtls_fetch.js';
export { readGetTokenOptions, readScopes, toAccessToken } from './downstream/get_token_options.js';
export { raceAbort, throwIfAborted } from './downstream/abort.js';
