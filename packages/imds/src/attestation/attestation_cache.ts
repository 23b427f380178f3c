import { MtlsError, SingleFlight, isMtlsError } from '@msal-mtls/core';
import type { AttestationInput, AttestationProvider } from './attestation_provider.js';

/** Reuse an MAA token while it has more than this left (spec §4.3). */
const bufferMs = 5 * 60 * 1000;

/**
 * MAA tokens cached per endpoint and key, single-flight per entry, failures never cached. Any
 * failure is `ERR_IMDS_ATTESTATION_FAILED`: asked for attestation, we never send an unattested
 * request instead (fail closed, as MSAL.NET since 4.86).
 * @see ../../../../../shared/spec/protocol.md §4.1, §4.3
 */
export class AttestationCache {
  readonly #provider: AttestationProvider;
  readonly #now: () => number;
  readonly #tokens = new Map<string, { token: string; expiresMs: number }>();
  readonly #flights = new SingleFlight<string>();

  constructor(provider: AttestationProvider, now: () => number) {
    this.#provider = provider;
    this.#now = now;
  }

  get(input: AttestationInput): Promise<string> {
    // clientId is deliberately not part of the key: the token attests the key, not the identity.
    const key = `${input.endpoint.replace(/\/+$/, '').toLowerCase()}|${input.key.name}`;
    const cached = this.#tokens.get(key);
    if (cached !== undefined && cached.expiresMs > this.#now() + bufferMs) return Promise.resolve(cached.token);
    return this.#flights.run(key, async () => {
      let token: unknown;
      try {
        token = await this.#provider.attest(input);
      } catch (cause) {
        if (isMtlsError(cause) && cause.code === 'ERR_IMDS_ATTESTATION_FAILED') throw cause;
        throw new MtlsError('ERR_IMDS_ATTESTATION_FAILED', { message: `The attestation provider failed: ${cause instanceof Error ? cause.message : String(cause)}.`, cause });
      }
      if (typeof token !== 'string' || token.trim().length === 0) {
        throw new MtlsError('ERR_IMDS_ATTESTATION_FAILED', {
          message: 'Attestation was required but the attestation provider returned no token; refusing to send a non-attested certificate request.',
        });
      }
      this.#tokens.set(key, { token, expiresMs: jwtExpiryMs(token) ?? this.#now() });
      return token;
    });
  }
}

/** `exp` of a JWT, in ms; undefined when absent (then the token is used once and not reused). */
function jwtExpiryMs(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
