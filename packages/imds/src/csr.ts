/**
 * The PKCS#10 CSR for IMDS issuecredential (spec §3). The encoder (asn1js + pkijs) loads on the
 * first CSR only: a process that starts with a persisted binding certificate never pays for it,
 * and importing @msal-mtls/imds stays light.
 */
import type { Csr, CsrInput } from './csr_encoder.js';

export type { Csr, CsrInput, CsrSigner } from './csr_encoder.js';
export { serializeCuId, type CuId } from './cuid.js';

/**
 * Builds the CSR, signed through `input.signer` (so a non-exportable key works).
 * @example const { base64 } = await buildCsr({ clientId, tenantId, cuId: { vmId }, signer: key });
 */
export async function buildCsr(input: CsrInput): Promise<Csr> {
  return (await loadEncoder()).buildCsr(input);
}

let encoder: Promise<typeof import('./csr_encoder.js')> | undefined;

function loadEncoder(): Promise<typeof import('./csr_encoder.js')> {
  encoder ??= import('./csr_encoder.js').catch((error: unknown) => {
    encoder = undefined;
    throw error;
  });
  return encoder;
}

/**
 * Starts loading the encoder (~100 ms of module evaluation) without waiting, so that a cold
 * issuance overlaps it with the key generation and the metadata request instead of paying it
 * after them. Failures surface later, in buildCsr.
 */
export function preloadCsrEncoder(): void {
  loadEncoder().catch(() => undefined);
}
