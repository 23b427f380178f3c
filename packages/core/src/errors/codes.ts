/**
 * The error catalogue: every code core and imds can produce, what it means, and what the
 * caller should do about it. This file is the single source: the docs table
 * (`docs/errors.md`, made by `pnpm errors:table`) and the CLI's `{ "error": CODE }` output come from
 * it, and a test keeps them in step. Codes are stable: add new ones, never rename or reuse one.
 *
 * Spelling: `ERR_MTLS_*` for the confidential-client path, the token endpoint and TLS;
 * `ERR_IMDS_*` for the managed-identity path. `ERR_CNG_*` (the Windows key backend) live in
 * @msal-mtls/cng, which does not depend on core; docs/errors.md lists both catalogues.
 */
export interface ErrorCatalogueEntry {
  /** What went wrong, in one sentence. Becomes the default message. */
  readonly meaning: string;
  /** What the caller should do. Appended to the message. */
  readonly fix: string;
}

/** Every error code msal-mtls can produce. Switch on this, not on messages. */
export type ErrorCode =
  | 'ERR_MTLS_INVALID_ARGUMENT'
  | 'ERR_MTLS_INVALID_AUTHORITY'
  | 'ERR_MTLS_TENANTLESS_AUTHORITY'
  | 'ERR_MTLS_UNSUPPORTED_HOST'
  | 'ERR_MTLS_INVALID_REGION'
  | 'ERR_MTLS_CERTIFICATE_REQUIRED'
  | 'ERR_MTLS_INVALID_CERTIFICATE'
  | 'ERR_MTLS_PFX_BAD_PASSPHRASE'
  | 'ERR_MTLS_PFX_UNSUPPORTED'
  | 'ERR_MTLS_KEY_MISMATCH'
  | 'ERR_MTLS_CERTIFICATE_EXPIRED'
  | 'ERR_MTLS_CERTIFICATE_NOT_YET_VALID'
  | 'ERR_MTLS_NETWORK'
  | 'ERR_MTLS_TLS_HANDSHAKE'
  | 'ERR_MTLS_TIMEOUT'
  | 'ERR_MTLS_RESPONSE_TOO_LARGE'
  | 'ERR_MTLS_SERVER_ERROR'
  | 'ERR_MTLS_CLIENT_REJECTED'
  | 'ERR_MTLS_RESOURCE_NOT_ENROLLED'
  | 'ERR_MTLS_SERVICE_UNAVAILABLE'
  | 'ERR_MTLS_INVALID_RESPONSE'
  | 'ERR_MTLS_TOKEN_TYPE_MISSING'
  | 'ERR_MTLS_TOKEN_TYPE_MISMATCH'
  | 'ERR_MTLS_BINDING_MISMATCH'
  | 'ERR_MTLS_CACHE_FORMAT'
  | 'ERR_MTLS_INTERNAL'
  | 'ERR_IMDS_UNREACHABLE'
  | 'ERR_IMDS_V2_NOT_SUPPORTED'
  | 'ERR_IMDS_REQUEST_FAILED'
  | 'ERR_IMDS_SERVICE_UNAVAILABLE'
  | 'ERR_IMDS_TIMEOUT'
  | 'ERR_IMDS_INVALID_SERVER_HEADER'
  | 'ERR_IMDS_REDIRECT_REFUSED'
  | 'ERR_IMDS_RESPONSE_TOO_LARGE'
  | 'ERR_IMDS_INVALID_METADATA'
  | 'ERR_IMDS_INVALID_ISSUANCE_RESPONSE'
  | 'ERR_IMDS_INSECURE_TOKEN_ENDPOINT'
  | 'ERR_IMDS_INVALID_CERTIFICATE'
  | 'ERR_IMDS_KEY_PROTECTION_NOT_MET'
  | 'ERR_IMDS_KEY_STORE'
  | 'ERR_IMDS_ATTESTATION_UNAVAILABLE'
  | 'ERR_IMDS_ATTESTATION_FAILED'
  | 'ERR_MTLS_UNSUPPORTED_TOKEN_OPTION'
  | 'ERR_MTLS_ABORTED'
  | 'ERR_MTLS_KEY_NOT_IN_NODE'
  | 'ERR_MTLS_RESOURCE_INVALID_RESPONSE'
  | 'ERR_IMDS_NO_BINDING_CERTIFICATE';

const catalogue: Record<ErrorCode, ErrorCatalogueEntry> = {
  // ---- misuse (thrown as TypeError / RangeError carrying this code) ----
  ERR_MTLS_INVALID_ARGUMENT: {
    meaning: 'An argument or option has the wrong type or an invalid value.',
    fix: 'Correct the named parameter; the message says what was expected and what was received.',
  },

  // ---- pre-flight validation (no network call is made) ----
  ERR_MTLS_INVALID_AUTHORITY: {
    meaning: 'The authority is not an absolute https URL of the form https://<host>/<tenant>.',
    fix: 'Pass an authority such as https://login.microsoftonline.com/<tenant-id>.',
  },
  ERR_MTLS_TENANTLESS_AUTHORITY: {
    meaning:
      "mTLS PoP requires a tenanted authority; 'common', 'organizations' and 'consumers' are not allowed.",
    fix: 'Use an authority with a specific tenant id or domain, e.g. https://login.microsoftonline.com/<tenant-id>.',
  },
  ERR_MTLS_UNSUPPORTED_HOST: {
    meaning: 'The authority host is not an Entra login host that supports mTLS PoP.',
    fix: "Use the cloud's 'login.' host (the message names the replacement for a legacy sovereign host).",
  },
  ERR_MTLS_INVALID_REGION: {
    meaning: 'The Azure region name is not valid (letters and digits only, e.g. eastus2).',
    fix: 'Pass a region such as "eastus", or omit azureRegion to use the global mTLS endpoint.',
  },
  ERR_MTLS_CERTIFICATE_REQUIRED: {
    meaning:
      'mTLS PoP requires a certificate credential; a client secret or an assertion without a binding certificate cannot be used.',
    fix: 'Configure certificate: { certPem, keyPem } | { pfx, passphrase } | { key, chain }.',
  },
  ERR_MTLS_INVALID_CERTIFICATE: {
    meaning: 'The certificate or private key could not be read.',
    fix: 'Pass a PEM certificate (-----BEGIN CERTIFICATE-----) and a PEM private key, or a valid PFX.',
  },
  ERR_MTLS_PFX_BAD_PASSPHRASE: {
    meaning: 'The PFX passphrase is wrong (the PFX integrity check failed).',
    fix: 'Pass the passphrase the PFX was exported with.',
  },
  ERR_MTLS_PFX_UNSUPPORTED: {
    meaning: 'The PFX uses an encryption or integrity algorithm that is not supported.',
    fix: 'Re-export the PFX with AES-256 (openssl pkcs12 -export defaults, or Windows "AES256-SHA256").',
  },
  ERR_MTLS_KEY_MISMATCH: {
    meaning: "The private key does not belong to the certificate (their public keys differ).",
    fix: 'Pass the private key that was generated with this certificate.',
  },
  ERR_MTLS_CERTIFICATE_EXPIRED: {
    meaning: 'The certificate has expired.',
    fix: 'Renew the certificate and register the new one with the app.',
  },
  ERR_MTLS_CERTIFICATE_NOT_YET_VALID: {
    meaning: 'The certificate is not valid yet (its NotBefore is in the future).',
    fix: "Check the machine's clock, or wait until the certificate becomes valid.",
  },

  // ---- transport ----
  ERR_MTLS_NETWORK: {
    meaning: 'The connection to the endpoint failed (refused, reset, or DNS failure).',
    fix: 'Check that the host is reachable from this machine; the message names the host and the cause.',
  },
  ERR_MTLS_TLS_HANDSHAKE: {
    meaning: "The TLS handshake failed: the server's certificate could not be verified, or the server refused ours.",
    fix: "Check the system's trusted roots (or the ca option for a test CA) and that the client certificate is usable for TLS client authentication.",
  },
  ERR_MTLS_TIMEOUT: {
    meaning: 'The endpoint did not answer within the time allowed.',
    fix: 'Retry later; raise requestTimeoutMs if the network is slow.',
  },
  ERR_MTLS_RESPONSE_TOO_LARGE: {
    meaning: 'The response body exceeded the size limit.',
    fix: 'The endpoint is not behaving as Entra does; check connectTo and proxies.',
  },

  // ---- token endpoint ----
  ERR_MTLS_SERVER_ERROR: {
    meaning: 'The token endpoint returned an error.',
    fix: 'Read error, errorDescription and the AADSTS codes on the error; the correlation id helps Microsoft support.',
  },
  ERR_MTLS_CLIENT_REJECTED: {
    meaning: 'The token endpoint rejected the client (invalid_client): the certificate is not registered for the app, or the app is unknown.',
    fix: "Register this certificate on the app registration (Certificates & secrets), and check the client id and tenant.",
  },
  ERR_MTLS_RESOURCE_NOT_ENROLLED: {
    meaning: 'The resource is not enrolled for mTLS PoP tokens (AADSTS392196).',
    fix: 'Request a resource that accepts mTLS PoP (e.g. https://graph.microsoft.com/.default), or ask the resource owner to enable token binding.',
  },
  ERR_MTLS_SERVICE_UNAVAILABLE: {
    meaning: 'The token endpoint is unavailable (HTTP 5xx after the allowed retry).',
    fix: 'Retry later.',
  },
  ERR_MTLS_INVALID_RESPONSE: {
    meaning: 'The token endpoint returned a response that is not a valid token response.',
    fix: 'The endpoint is not behaving as Entra does; check connectTo and proxies.',
  },
  ERR_MTLS_TOKEN_TYPE_MISSING: {
    meaning: 'The token response has no token_type.',
    fix: 'The endpoint is not an mTLS PoP token endpoint; check the authority and connectTo.',
  },
  ERR_MTLS_TOKEN_TYPE_MISMATCH: {
    meaning: 'mtls_pop was requested but the token endpoint returned another token type.',
    fix: 'Check that the request went to the mTLS endpoint and that the app and resource support mTLS PoP.',
  },
  ERR_MTLS_BINDING_MISMATCH: {
    meaning:
      "The access token is not bound to our certificate: its cnf['x5t#S256'] differs from the certificate's thumbprint.",
    fix: 'Do not use this token. Check that the TLS connection presents the configured certificate (proxies that terminate TLS break binding).',
  },
  ERR_MTLS_CACHE_FORMAT: {
    meaning: 'The serialized token cache could not be read.',
    fix: 'Discard the persisted cache; it will be rebuilt from the network.',
  },

  ERR_MTLS_INTERNAL: {
    meaning: 'An unexpected error inside msal-mtls (a bug).',
    fix: 'Please report it with the message and the correlation id; never include tokens or keys.',
  },

  // ---- managed identity (IMDSv2) ----
  ERR_IMDS_UNREACHABLE: {
    meaning: 'IMDS could not be reached (connection refused, reset or timed out after the retries).',
    fix: 'Run on an Azure VM with a managed identity, or point imdsEndpoint / AZURE_POD_IDENTITY_AUTHORITY_HOST at a reachable IMDS.',
  },
  ERR_IMDS_V2_NOT_SUPPORTED: {
    meaning: 'This VM\'s IMDS does not offer IMDSv2 credential issuance (getplatformmetadata answered 404 after the retries).',
    fix: 'Use a VM image that supports mTLS PoP for managed identity; msal-mtls does not fall back to IMDSv1 bearer tokens.',
  },
  ERR_IMDS_REQUEST_FAILED: {
    meaning: 'IMDS answered an error.',
    fix: 'Read status and the body excerpt on the error; for a user-assigned identity check that it is assigned to this VM.',
  },
  ERR_IMDS_SERVICE_UNAVAILABLE: {
    meaning: 'IMDS stayed unavailable or throttled (HTTP 410, 429 or 5xx) through the retries.',
    fix: 'Retry later; IMDS allows about 5 requests a second per VM.',
  },
  ERR_IMDS_TIMEOUT: {
    meaning: 'IMDS did not answer within the time allowed, through the retries.',
    fix: 'Retry later; raise the IMDS timeout if the VM is under heavy load.',
  },
  ERR_IMDS_INVALID_SERVER_HEADER: {
    meaning: "The platform-metadata response lacks a Server header naming IMDS: it did not come from IMDS.",
    fix: 'Check imdsEndpoint / AZURE_POD_IDENTITY_AUTHORITY_HOST and any proxy between the app and 169.254.169.254.',
  },
  ERR_IMDS_REDIRECT_REFUSED: {
    meaning: 'IMDS answered with a redirect; msal-mtls never follows one (it would replay the CSR and attestation token elsewhere).',
    fix: 'Check imdsEndpoint / AZURE_POD_IDENTITY_AUTHORITY_HOST and any proxy between the app and IMDS.',
  },
  ERR_IMDS_RESPONSE_TOO_LARGE: {
    meaning: 'An IMDS response body exceeded 1 MiB.',
    fix: 'Check imdsEndpoint: a real IMDS never answers this much.',
  },
  ERR_IMDS_INVALID_METADATA: {
    meaning: 'The platform-metadata response is not valid (clientId, tenantId, cuId or attestationEndpoint missing or malformed).',
    fix: 'Retry; if it persists, report the VM image and region.',
  },
  ERR_IMDS_INVALID_ISSUANCE_RESPONSE: {
    meaning: 'The credential-issuance response is malformed (a required field is missing or empty).',
    fix: 'Retry; if it persists, report the VM image and region.',
  },
  ERR_IMDS_INSECURE_TOKEN_ENDPOINT: {
    meaning: 'IMDS named a token endpoint that is not an absolute https URL.',
    fix: 'Refusing to send a token request there; check imdsEndpoint and proxies.',
  },
  ERR_IMDS_INVALID_CERTIFICATE: {
    meaning: 'The certificate IMDS issued cannot be used: not valid base64 DER, not ours, for another identity, or outside its validity.',
    fix: 'Retry to get a new certificate; the message names the check that failed.',
  },
  ERR_IMDS_KEY_PROTECTION_NOT_MET: {
    meaning: 'The binding key available here is below the minimumKeyProtection floor.',
    fix: "Run where KeyGuard is available (Trusted Launch VM with Credential Guard), or lower minimumKeyProtection (e.g. 'software') if a software key is acceptable.",
  },
  ERR_IMDS_KEY_STORE: {
    meaning: 'The persisted binding key could not be read or written.',
    fix: 'Check the permissions of the key store folder (it must be private to this user), or turn persistence off.',
  },
  ERR_IMDS_ATTESTATION_UNAVAILABLE: {
    meaning: 'Key attestation was requested but no attestation provider is available for this key.',
    fix: 'Install @msal-mtls/cng on Windows with AttestationClientLib.dll, or request without attestation.',
  },
  ERR_IMDS_ATTESTATION_FAILED: {
    meaning: 'Key attestation failed; no unattested request was sent instead.',
    fix: 'Read the provider status on the error; check that the VM is Trusted Launch with Credential Guard running.',
  },

  // ---- TokenCredential adapters and downstream calls ----
  ERR_MTLS_UNSUPPORTED_TOKEN_OPTION: {
    meaning: 'getToken() was given an option mTLS PoP tokens cannot honour (claims, proofOfPossessionOptions, or a tenantId other than the client\'s).',
    fix: 'Call getToken() without it: claims challenges (CAE) and signed-request PoP are not supported for mTLS PoP; use a client configured for the other tenant.',
  },
  ERR_MTLS_ABORTED: {
    meaning: 'The operation was aborted through its AbortSignal (the error\'s name is AbortError).',
    fix: 'Nothing to fix if the abort was intended; otherwise check who aborts the signal and its timeout.',
  },
  ERR_MTLS_KEY_NOT_IN_NODE: {
    meaning: 'The binding certificate\'s private key lives outside Node (e.g. a Windows CNG key), so Node TLS (an https.Agent) cannot present it.',
    fix: 'Use createMtlsFetch() (it sends requests through the client\'s own transport, e.g. Schannel) or the client\'s createMtlsTransport().',
  },
  ERR_MTLS_RESOURCE_INVALID_RESPONSE: {
    meaning: 'The resource answered with an HTTP status a fetch Response cannot carry (outside 200-599).',
    fix: 'The resource or a proxy in between is not speaking HTTP as expected; check the URL and connectTo.',
  },
  ERR_IMDS_NO_BINDING_CERTIFICATE: {
    meaning: 'No binding certificate is cached or persisted for this managed identity (and nothing was requested from IMDS).',
    fix: 'Get a token first with persistence on (msal-mtls mi-token --persist, or persistence: true), with the same identity, attestation mode and key protection.',
  },
};

/** The catalogue, read-only: code → meaning and fix. */
export const errorCatalogue: Readonly<Record<ErrorCode, ErrorCatalogueEntry>> = catalogue;

/** All codes, in catalogue order. */
export const errorCodes: readonly ErrorCode[] = Object.keys(catalogue) as ErrorCode[];
