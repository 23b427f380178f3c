import { MtlsError } from '@msal-mtls/core';
import type { AttestationInput, AttestationProvider } from './attestation_provider.js';

/** The parts of @msal-mtls/cng the default attestation provider uses (a test seam). */
export interface CngAttestationModule {
  isSupported(): boolean;
  unsupportedReason(): string | undefined;
  CngAttestationProvider: new () => AttestationProvider;
}

const importCng = (): Promise<CngAttestationModule> => import('@msal-mtls/cng') as unknown as Promise<CngAttestationModule>;

/**
 * The default attestation backend on Windows: @msal-mtls/cng over AttestationClientLib.dll,
 * loaded when first needed. Without it, attestation fails closed with a typed error.
 */
export class PlatformAttestationProvider implements AttestationProvider {
  readonly #load: () => Promise<CngAttestationModule>;
  #provider: Promise<AttestationProvider> | undefined;

  constructor(load: () => Promise<CngAttestationModule> = importCng) {
    this.#load = load;
  }

  async attest(input: AttestationInput): Promise<string> {
    this.#provider ??= this.#choose();
    return (await this.#provider).attest(input);
  }

  async #choose(): Promise<AttestationProvider> {
    let cng: CngAttestationModule;
    try {
      cng = await this.#load();
    } catch (cause) {
      this.#provider = undefined;
      throw new MtlsError('ERR_IMDS_ATTESTATION_UNAVAILABLE', { cause, message: 'Key attestation needs @msal-mtls/cng, which is not installed.' });
    }
    if (!cng.isSupported()) {
      throw new MtlsError('ERR_IMDS_ATTESTATION_UNAVAILABLE', { message: `Key attestation needs @msal-mtls/cng, which cannot be used here: ${cng.unsupportedReason() ?? 'unknown reason'}.` });
    }
    return new cng.CngAttestationProvider();
  }
}
