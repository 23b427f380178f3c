// Path 2: managed identity over IMDSv2
export { ManagedIdentityClient } from './client/managed_identity_client.js';
export type { ManagedIdentityClientOptions, ManagedIdentityAcquireTokenParameters, ManagedIdentityCapabilities } from './client/managed_identity_client.js';
export type { ManagedIdentityId } from './imds/imds_endpoint.js';
export type { BindingStep } from './binding/binding_manager.js';

// Azure SDK TokenCredential adapter and downstream calls with the binding certificate (Path 2)
export { ManagedIdentityMtlsPopCredential } from './downstream/managed_identity_credential.js';
export type { ManagedIdentityMtlsPopCredentialOptions } from './downstream/managed_identity_credential.js';
export { createMtlsFetch } from './downstream/mtls_fetch.js';
export type { ManagedIdentityMtlsFetchOptions } from './downstream/mtls_fetch.js';

// Key backends (implemented here in software; @msal-mtls/cng implements them over Windows CNG)
export { SoftwareKeyProvider } from './key/software_key_provider.js';
export type { SoftwareKeyProviderOptions } from './key/software_key_provider.js';
export { keyProtectionLevels } from './key/key_provider.js';
export type { KeyProtection, KeyProvider, BindingKey, KeyDowngrade, KeyTlsUse, KeyTransportOptions, SignOptions, GetKeyOptions } from './key/key_provider.js';
export { PlatformKeyProvider } from './key/platform_key_provider.js';
export type { PlatformKeyProviderOptions, CngModule } from './key/platform_key_provider.js';
export { PlatformAttestationProvider } from './attestation/platform_attestation_provider.js';
export type { CngAttestationModule } from './attestation/platform_attestation_provider.js';
export type { BindingStore, StoredBinding } from './binding/binding_store.js';
export { BindingFileStore } from './binding/binding_file_store.js';
export type { AttestationProvider, AttestationInput } from './attestation/attestation_provider.js';

// The CSR (spec §3)
export { buildCsr, serializeCuId } from './csr.js';
export type { Csr, CsrInput, CsrSigner, CuId } from './csr.js';
