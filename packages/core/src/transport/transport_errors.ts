import { MtlsError } from '../errors/mtls_error.js';

/** Node socket errors that mean "could not reach or lost the peer". */
const networkCodes = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH',
  'ENETUNREACH', 'ETIMEDOUT', 'EADDRNOTAVAIL', 'UND_ERR_SOCKET',
]);

/**
 * Turns a Node transport failure into a coded error that names the host and the cause, never
 * the request body. TLS failures (verification, alerts from the server) are told apart from
 * plain network failures because their fix differs.
 */
export function toTransportError(error: unknown, host: string, correlationId?: string): MtlsError {
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : '';
  const detail = error instanceof Error ? error.message : String(error);
  const options = correlationId === undefined ? { cause: error } : { cause: error, correlationId };
  if (isTlsFailure(code, detail)) {
    return new MtlsError('ERR_MTLS_TLS_HANDSHAKE', { ...options, message: `The TLS handshake with ${host} failed (${code || detail}).` });
  }
  if (networkCodes.has(code)) {
    return new MtlsError('ERR_MTLS_NETWORK', { ...options, message: `The connection to ${host} failed (${code}).` });
  }
  return new MtlsError('ERR_MTLS_NETWORK', { ...options, message: `The request to ${host} failed: ${detail}.` });
}

function isTlsFailure(code: string, message: string): boolean {
  return (
    code.startsWith('ERR_TLS_') ||
    code.startsWith('ERR_SSL_') ||
    code.startsWith('CERT_') ||
    code.includes('CERT') ||
    code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ||
    code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' ||
    /certificate|ssl alert|handshake/i.test(message)
  );
}
