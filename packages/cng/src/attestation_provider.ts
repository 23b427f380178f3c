import { CngKey } from './cng_key.js';
import { CngError, describeStatus, invalidArgument } from './errors/cng_error.js';
import type { AttestationLogLine, NativeBinding } from './native_binding.js';
import { nativeBinding } from './support.js';

/** What an attestation is asked for (the AttestationInput of @msal-mtls/imds, by structure). */
export interface CngAttestationInput {
  /** The MAA endpoint from platform metadata, absolute. */
  endpoint: string;
  /** The KeyGuard key: a CngKey from CngKeyProvider. */
  key: unknown;
  /** The client id from platform metadata ('' when none). */
  clientId: string;
}

export interface CngAttestationProviderOptions {
  binding?: NativeBinding;
  /** Receives the library's log lines after each call (debug lines may carry identifiers: treat as PII). */
  onLog?: (line: AttestationLogLine) => void;
}

/**
 * Attests a KeyGuard key with AttestationClientLib.dll (loaded at run time from the package folder
 * or System32 only) and returns the MAA token: an AttestationProvider of @msal-mtls/imds.
 */
export class CngAttestationProvider {
  readonly #options: CngAttestationProviderOptions;

  constructor(options: CngAttestationProviderOptions = {}) {
    this.#options = options;
  }

  async attest(input: CngAttestationInput): Promise<string> {
    if (!(input?.key instanceof CngKey)) throw invalidArgument('input.key', 'a CngKey from CngKeyProvider (attestation needs a CNG key handle)', input?.key);
    if (typeof input.endpoint !== 'string' || input.endpoint === '') throw invalidArgument('input.endpoint', 'a non-empty URL string', input.endpoint);
    const binding = this.#options.binding ?? nativeBinding();
    const result = await binding.attestKey(input.key.native, new URL(input.endpoint).href, input.clientId ?? '');
    for (const line of result.logs) this.#options.onLog?.(line);
    if (result.ok) {
      // Fail closed (spec §4.1): a blank token must never let a non-attested request through.
      if (result.token.trim() === '') throw new CngError('ERR_CNG_ATTESTATION_FAILED', { message: 'AttestKeyGuardImportKey succeeded but returned no token.' });
      return result.token;
    }
    if (result.stage === 'load') {
      throw new CngError('ERR_CNG_ATTESTATION_UNAVAILABLE', { message: `AttestationClientLib.dll could not be loaded (${describeStatus(result)}; looked in: ${result.searched.join(', ')}).`, status: result });
    }
    const stage = result.stage === 'init' ? 'InitAttestationLib' : 'AttestKeyGuardImportKey';
    throw new CngError('ERR_CNG_ATTESTATION_FAILED', { message: `Key attestation failed: ${stage} returned ${String(result.result)} (${describeStatus(result)}).`, status: result });
  }
}
