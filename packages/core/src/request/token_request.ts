import { platform } from 'node:os';
import { isMtlsError } from '../errors/mtls_error.js';
import type { MtlsTransport } from '../transport/http_types.js';
import { fromTransportFailure } from '../transport/transport_errors.js';
import { encodeForm } from './form.js';
import { parseTokenResponse, type TokenResponse } from './token_response.js';
import { SKU, VERSION } from '../version.js';

export interface MtlsPopTokenRequest {
  /** `https://{mtls host}/{tenant}/oauth2/v2.0/token`. */
  tokenUrl: string;
  clientId: string;
  /** Sent verbatim, space-separated (spec §10.3). */
  scopes: readonly string[];
  correlationId: string;
  /** The TLS transport that presents the binding certificate. */
  transport: MtlsTransport;
  /** `x5t#S256` of that certificate: the token's `cnf` must name it. */
  x5tS256: string;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  timeoutMs?: number;
}

/** The one retry ESTS allows (MSAL.NET `DefaultRetryPolicy`): after 1 s (spec §1.5). */
const retryDelayMs = 1000;

/**
 * POSTs a client-credentials request for an mTLS PoP token over the given TLS transport. The
 * certificate in the handshake is the credential: no `client_assertion` is sent.
 * Retried once after 1 s on a timeout, a lost connection, or a 5xx without Retry-After; a 5xx
 * or 429 with Retry-After surfaces at once with `retryAfterSeconds` so the caller decides.
 * @see ../../../../../shared/spec/protocol.md §6.1, §10.3
 */
export async function requestMtlsPopToken(request: MtlsPopTokenRequest): Promise<TokenResponse> {
  const body = encodeForm([
    ['client_id', request.clientId],
    ['scope', request.scopes.join(' ')],
    ['grant_type', 'client_credentials'],
    ['token_type', 'mtls_pop'],
  ]);
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
    'x-client-sku': SKU,
    'x-client-ver': VERSION,
    'x-client-os': platform(),
    'client-request-id': request.correlationId,
    'return-client-request-id': 'true',
  };
  const send = async (): Promise<TokenResponse> => {
    const response = await request.transport
      .request({
        method: 'POST',
        url: request.tokenUrl,
        headers,
        body,
        ...(request.timeoutMs === undefined ? {} : { timeoutMs: request.timeoutMs }),
      })
      .catch((error: unknown) => {
        throw fromTransportFailure(error, new URL(request.tokenUrl).host, request.correlationId);
      });
    return parseTokenResponse(response, {
      tokenType: 'mtls_pop',
      x5tS256: request.x5tS256,
      nowMs: request.now(),
      correlationId: request.correlationId,
    });
  };
  try {
    return await send();
  } catch (error) {
    if (!isRetryable(error)) throw error;
    await request.sleep(retryDelayMs);
    return await send();
  }
}

function isRetryable(error: unknown): boolean {
  if (!isMtlsError(error)) return false;
  if (error.code === 'ERR_MTLS_TIMEOUT' || error.code === 'ERR_MTLS_NETWORK') return true;
  const status = (error as { status?: unknown }).status;
  const retryAfter = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  return typeof status === 'number' && status >= 500 && status <= 599 && retryAfter === undefined;
}
