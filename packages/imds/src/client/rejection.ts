import { isMtlsError } from '@msal-mtls/core';

/**
 * Whether the token endpoint refused our binding certificate, so a new one is worth an IMDS
 * issuance (spec §6.3): `invalid_client`, or a TLS alert from the server about our certificate.
 * A handshake that failed on our side (we could not verify the server) is not: a new certificate
 * would not help, and IMDS issuances are rate limited.
 */
export function isBindingRejected(error: unknown): boolean {
  if (!isMtlsError(error)) return false;
  if (error.code === 'ERR_MTLS_CLIENT_REJECTED') return true;
  if (error.code !== 'ERR_MTLS_TLS_HANDSHAKE') return false;
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const text = `${typeof cause?.code === 'string' ? cause.code : ''} ${typeof cause?.message === 'string' ? cause.message : ''}`;
  return /ALERT|alert (bad certificate|certificate (required|unknown|revoked|expired|unsupported)|unknown ca|access denied|handshake failure)/i.test(text) || /ECONNRESET/.test(text);
}
