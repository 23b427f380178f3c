import type { BindingKey } from '../key/key_provider.js';

/** What an attestation backend is given (spec §4.1). */
export interface AttestationInput {
  /** The MAA endpoint from platform metadata, as an absolute URI (a bare origin gains a '/'). */
  endpoint: string;
  key: BindingKey;
  /** The client id from platform metadata. */
  clientId: string;
}

/**
 * Proves to Microsoft Azure Attestation that the binding key is KeyGuard-protected and returns
 * the MAA token (a JWT) that issuecredential takes as `attestation_token`. On Windows,
 * @msal-mtls/cng implements it over AttestationClientLib.dll; there is none on other platforms.
 */
export interface AttestationProvider {
  attest(input: AttestationInput): Promise<string>;
}
