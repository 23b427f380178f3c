// Public API of @msal-mtls/emulator. Explicit names only; importing does no work.
export { startEmulator, type Emulator } from './emulator.js';
export { DEFAULT_ENROLLED_RESOURCES, type EmulatorOptions } from './emulator_options.js';
export type { ApplicationRegistration } from './applications.js';
export { createClientCertificate, type ClientCertificate, type ClientCertificateOptions } from './client_certificate.js';
export {
  createCertificateAuthority, loadCertificateAuthority,
  type CertificateAuthority, type IssueCertificateOptions, type IssuedCertificate,
} from './ca.js';
export { loadOrCreateCaDir, CA_CERT_FILE, CA_KEY_FILE } from './ca_store.js';
export type { DistinguishedName } from './x509_name.js';
export type { ExtendedKeyUsage, SubjectAltNames } from './x509_extensions.js';
export { EMULATOR_HOSTNAMES } from './server_certificate.js';
export { DEFAULT_RESOURCE_HOSTS } from './hosts.js';
export { x5tS256 } from './thumbprint.js';
export type { TokenFault, InjectOptions, InjectedFault } from './faults.js';
export type { TokenRequestRecord, ResourceRequestRecord, ResourceRejectReason } from './records.js';
export type { EmulatorStats } from './connections.js';
export type { Jwk, Jwks } from './signing_key.js';
export { AADSTS_CODES, type AadstsCase } from './aadsts_error.js';
export type { ImdsEmulator } from './imds_emulator.js';
export {
  DEFAULT_IMDS_TENANT_ID, DEFAULT_IMDS_CLIENT_ID, DEFAULT_IMDS_OBJECT_ID, DEFAULT_IMDS_VM_ID,
  type ImdsOptions, type ImdsConfig, type ImdsCuId, type ImdsSystemAssignedIdentity, type ImdsUserAssignedIdentity,
} from './imds_options.js';
export type { ImdsFault, ImdsFaultPath, ImdsInjectOptions, InjectedImdsFault } from './imds_faults.js';
export type { ImdsRequestRecord, ImdsStats, ImdsIssuedCertificate } from './imds_records.js';
export { IMDS_SERVER_HEADER } from './imds_server.js';
export { ATTESTATION_MISSING_DESCRIPTION } from './imds_issuance.js';
