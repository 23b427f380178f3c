import { isMtlsError, MtlsError } from '../errors/mtls_error.js';

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

const codeByTransportFailure = {
  timeout: 'ERR_MTLS_TIMEOUT',
  network: 'ERR_MTLS_NETWORK',
  tls: 'ERR_MTLS_TLS_HANDSHAKE',
  untrusted: 'ERR_MTLS_TLS_HANDSHAKE',
  'too-large': 'ERR_MTLS_RESPONSE_TOO_LARGE',
} as const;

/**
 * Errors of transports other than Node's (e.g. @msal-mtls/cng's Schannel transport) say what
 * kind of failure they are in `transportFailure`; this gives them the token path's codes, so the
 * retry rules and callers see one vocabulary. The original error (with its Windows status) is
 * the `cause`. Our own errors pass through unchanged.
 */
export function fromTransportFailure(error: unknown, host: string, correlationId?: string): unknown {
  const kind = (error as { transportFailure?: unknown } | null)?.transportFailure;
  if (typeof kind !== 'string' || !(kind in codeByTransportFailure)) return error;
  if (isMtlsError(error) && (error as { code?: unknown }).code?.toString().startsWith('ERR_MTLS_')) return error;
  const code = codeByTransportFailure[kind as keyof typeof codeByTransportFailure];
  const detail = error instanceof Error ? error.message : String(error);
  return new MtlsError(code, { cause: error, message: `The request to ${host} failed: ${detail}`, ...(correlationId === undefined ? {} : { correlationId }) });
}
