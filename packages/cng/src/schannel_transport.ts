import { CngError, describeStatus, invalidArgument, type TransportFailureKind } from './errors/cng_error.js';
import type { Failure, NativeSession } from './native_binding.js';
import type { DialFunction, HttpRequest, HttpResponse, MtlsTransport } from './http_types.js';

/** ERROR_WINHTTP_TIMEOUT; Wine's WinHTTP returns the socket's WSAETIMEDOUT (10060) instead. */
const winHttpTimeouts = new Set([12002, 10060]);
/** WinHTTP errors (winhttp.h) and socket errors that mean the connection failed. */
const winHttpNetwork = new Set([12007, 12017, 12029, 12030, 12031, 12152, 10053, 10054, 10061]);
/** WinHTTP errors about TLS: SECURE_FAILURE, SECURE_CHANNEL_ERROR, CLIENT_AUTH_CERT_NEEDED, secure-* certificate errors. */
const winHttpTls = new Set([12175, 12157, 12044, 12037, 12038, 12045, 12169, 12178, 12179, 12180, 12181]);
/** ERROR_BUFFER_OVERFLOW: the native layer's "response body over the cap". */
const bodyOverflow = 111;

export interface SchannelTransportOptions {
  /** Used when a request gives no timeout. */
  timeoutMs?: number;
  /** Largest response body accepted (default 1 MiB, as core's Node transport). */
  maxBodyBytes?: number;
  /** curl --connect-to semantics: connect elsewhere, verify the server certificate against the URL's host. */
  dial?: DialFunction;
}

/**
 * An MtlsTransport over WinHTTP/Schannel: the TLS client certificate's key stays in CNG (Schannel
 * signs the handshake). One WinHTTP session and its connections per instance, reused across
 * requests; close() releases them.
 */
export class SchannelTransport implements MtlsTransport {
  readonly #session: NativeSession;
  readonly #timeoutMs: number;
  readonly #maxBodyBytes: number;
  readonly #dial: DialFunction | undefined;
  #closed = false;

  constructor(session: NativeSession, options: SchannelTransportOptions = {}) {
    this.#session = session;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
    this.#dial = options.dial;
  }

  async request(request: HttpRequest): Promise<HttpResponse> {
    if (this.#closed) throw new CngError('ERR_CNG_CLOSED', { message: 'This Schannel transport was closed.' });
    const url = parseHttpsUrl(request.url);
    const port = url.port === '' ? 443 : Number(url.port);
    const target = this.#dial?.(url.hostname, port) ?? { host: url.hostname, port };
    const headers: Array<[string, string]> = Object.entries(request.headers).map(([name, value]) => [name, value]);
    const redirected = target.host !== url.hostname || target.port !== port;
    if (redirected && !('host' in request.headers)) headers.push(['host', url.host]);
    const connectUrl = redirected ? `https://${bracket(target.host)}:${target.port}${url.pathname}${url.search}` : request.url;
    const body = request.body === undefined ? null : typeof request.body === 'string' ? Buffer.from(request.body) : Buffer.from(request.body);
    const result = await this.#session.request({
      method: request.method,
      url: connectUrl,
      headers,
      body,
      timeoutMs: request.timeoutMs ?? this.#timeoutMs,
      serverName: url.hostname,
      maxBodyBytes: this.#maxBodyBytes,
    });
    if (!result.ok) throw transportError(result, url.host);
    return { status: result.status, headers: parseRawHeaders(result.rawHeaders), body: result.body };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#session.close();
  }
}

function parseHttpsUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidArgument('request.url', 'an absolute https URL', value);
  }
  if (url.protocol !== 'https:') throw invalidArgument('request.url', 'an https URL', value);
  return url;
}

function bracket(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** WINHTTP_QUERY_RAW_HEADERS_CRLF text → lower-case names, repeats joined with ", ". */
export function parseRawHeaders(raw: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of raw.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return headers;
}

/** Classifies a WinHTTP/Schannel status so a token client knows what a retry can do. */
export function transportFailureKind(status: Failure): TransportFailureKind {
  if (status.api === 'CertVerifyCertificateChainPolicy' || status.api === 'CertGetCertificateChain') return 'untrusted';
  if (status.code === bodyOverflow) return 'too-large';
  if (winHttpTimeouts.has(status.code)) return 'timeout';
  if (winHttpTls.has(status.code) || (status.code >= 0x80090300 && status.code <= 0x800903ff) || (status.code >= 0x800b0100 && status.code <= 0x800b01ff)) return 'tls';
  if (winHttpNetwork.has(status.code)) return 'network';
  return 'network';
}

const codeByKind = {
  timeout: 'ERR_CNG_TIMEOUT',
  network: 'ERR_CNG_NETWORK',
  tls: 'ERR_CNG_TLS_HANDSHAKE',
  untrusted: 'ERR_CNG_SERVER_UNTRUSTED',
  'too-large': 'ERR_CNG_RESPONSE_TOO_LARGE',
} as const;

function transportError(status: Failure, host: string): CngError {
  const kind = transportFailureKind(status);
  return new CngError(codeByKind[kind], { message: `The request to ${host} through Schannel failed: ${describeStatus(status)}.`, status, transportFailure: kind });
}
