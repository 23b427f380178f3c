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
  const encoder = await import('./csr_encoder.js');
  return encoder.buildCsr(input);
}
