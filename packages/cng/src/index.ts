/**
 * @msal-mtls/cng: the Windows key backend. Non-exportable NCrypt keys (KeyGuard first),
 * AttestationClientLib.dll attestation, Schannel mTLS over WinHTTP, and the certificate-store
 * persistence MSAL.NET and msal-go share. Loads on every platform; works on Windows x64.
 */
export { isSupported, unsupportedReason, nativeBinding } from './support.js';
export { CngKeyProvider } from './cng_key_provider.js';
export type { CngKeyProviderOptions } from './cng_key_provider.js';
export { CngKey } from './cng_key.js';
export type { KeyProtection, KeyDowngrade, KeySignOptions, KeyTransportOptions } from './cng_key.js';
export { openBindingKey } from './key_ladder.js';
export type { KeyLadderOptions } from './key_ladder.js';
export { CngAttestationProvider } from './attestation_provider.js';
export type { CngAttestationInput, CngAttestationProviderOptions } from './attestation_provider.js';
export { SchannelTransport, parseRawHeaders, transportFailureKind } from './schannel_transport.js';
export type { SchannelTransportOptions } from './schannel_transport.js';
export type { HttpRequest, HttpResponse, MtlsTransport, DialFunction } from './http_types.js';
export { windowsStoreCertificate } from './store_certificate.js';
export type { WindowsStoreCertificate, WindowsStoreCertificateOptions } from './store_certificate.js';
export { WindowsBindingStore, purgeImdsIssuedCertificates } from './windows_binding_store.js';
export type { StoredBinding, WindowsBindingStoreOptions } from './windows_binding_store.js';
export { encodeFriendlyName, decodeFriendlyName, bindingMutexName } from './friendly_name.js';
export { CngError, describeStatus } from './errors/cng_error.js';
export type { CngErrorOptions, TransportFailureKind } from './errors/cng_error.js';
export { cngErrorCatalogue, cngErrorCodes } from './errors/codes.js';
export type { CngErrorCode, CngErrorCatalogueEntry } from './errors/codes.js';
export * as keyNames from './key_names.js';
export type * from './native_binding.js';
