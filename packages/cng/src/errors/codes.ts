/**
 * The error codes of @msal-mtls/cng. This package stands alone (other SDKs use it as their
 * Windows key backend without @msal-mtls/core), so its catalogue lives here; `docs/errors.md`
 * lists it beside core's in one table (`pnpm errors:table`). Codes are stable: add, never rename.
 */
export type CngErrorCode =
  | 'ERR_CNG_NOT_SUPPORTED'
  | 'ERR_CNG_INVALID_ARGUMENT'
  | 'ERR_CNG_CLOSED'
  | 'ERR_CNG_KEY_UNAVAILABLE'
  | 'ERR_CNG_KEY_OPERATION_FAILED'
  | 'ERR_CNG_ATTESTATION_UNAVAILABLE'
  | 'ERR_CNG_ATTESTATION_FAILED'
  | 'ERR_CNG_STORE_FAILED'
  | 'ERR_CNG_CERTIFICATE_NOT_FOUND'
  | 'ERR_CNG_TIMEOUT'
  | 'ERR_CNG_NETWORK'
  | 'ERR_CNG_TLS_HANDSHAKE'
  | 'ERR_CNG_SERVER_UNTRUSTED'
  | 'ERR_CNG_RESPONSE_TOO_LARGE';

export interface CngErrorCatalogueEntry {
  readonly meaning: string;
  readonly fix: string;
}

export const cngErrorCatalogue: Readonly<Record<CngErrorCode, CngErrorCatalogueEntry>> = {
  ERR_CNG_NOT_SUPPORTED: {
    meaning: '@msal-mtls/cng works on Windows x64 only, or its prebuilt addon could not be loaded.',
    fix: 'On other platforms use the software key provider of @msal-mtls/imds; on Windows reinstall @msal-mtls/cng so that prebuilds/win32-x64 is present.',
  },
  ERR_CNG_INVALID_ARGUMENT: {
    meaning: 'An argument has the wrong type or value.',
    fix: 'Fix the call; the message names the argument and what it must be.',
  },
  ERR_CNG_CLOSED: {
    meaning: 'The key or transport was closed.',
    fix: 'Open a new one; do not use an object after close().',
  },
  ERR_CNG_KEY_UNAVAILABLE: {
    meaning: 'No binding key could be created or opened at the protection levels tried.',
    fix: 'Check the Windows status in the message (each level reports why it failed); KeyGuard needs a Trusted Launch VM with Credential Guard (VBS) running.',
  },
  ERR_CNG_KEY_OPERATION_FAILED: {
    meaning: 'A CNG key operation (export of the public key, signing, deletion) failed.',
    fix: 'Check the Windows status in the message; a per-boot KeyGuard key is lost at reboot and is recreated on the next getKey().',
  },
  ERR_CNG_ATTESTATION_UNAVAILABLE: {
    meaning: 'AttestationClientLib.dll could not be loaded from the package folder or System32.',
    fix: 'Place AttestationClientLib.dll (NuGet Microsoft.Azure.Security.KeyGuardAttestation, win-x64) and its dependencies next to the addon or in the package root, or request the token without attestation.',
  },
  ERR_CNG_ATTESTATION_FAILED: {
    meaning: 'Key attestation failed; no attestation token was produced.',
    fix: 'Check the status and the attestation library result in the message; the VM must be a Trusted Launch VM with a KeyGuard key.',
  },
  ERR_CNG_STORE_FAILED: {
    meaning: 'A Windows certificate store operation failed.',
    fix: 'Check the Windows status in the message and the permissions on the store.',
  },
  ERR_CNG_CERTIFICATE_NOT_FOUND: {
    meaning: 'No certificate with that thumbprint and a private key is in the store.',
    fix: 'Check the SHA-1 thumbprint and the store location (CurrentUser or LocalMachine, My).',
  },
  ERR_CNG_TIMEOUT: {
    meaning: 'The HTTPS request through Schannel timed out.',
    fix: 'Retry later; raise the timeout if the network is slow.',
  },
  ERR_CNG_NETWORK: {
    meaning: 'The HTTPS request through Schannel could not reach the server or lost the connection.',
    fix: 'Check the host name, the network and any proxy configuration.',
  },
  ERR_CNG_TLS_HANDSHAKE: {
    meaning: 'The TLS handshake through Schannel failed.',
    fix: 'Check that the client certificate and its CNG key are usable by Schannel (the key must be persisted) and that the server accepts the certificate.',
  },
  ERR_CNG_SERVER_UNTRUSTED: {
    meaning: 'The server certificate was not trusted; nothing was sent.',
    fix: 'Check the host name and the server certificate chain; for a local emulator pass its CA as a trusted root.',
  },
  ERR_CNG_RESPONSE_TOO_LARGE: {
    meaning: 'The response body was larger than the limit.',
    fix: 'The server answered something unexpected; check the URL.',
  },
};

/** Every code, in catalogue order. */
export const cngErrorCodes: readonly CngErrorCode[] = Object.keys(cngErrorCatalogue) as CngErrorCode[];
