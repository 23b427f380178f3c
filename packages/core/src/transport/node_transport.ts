import { Agent, request as httpsRequest, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import type { KeyObject, X509Certificate } from 'node:crypto';
import { invalidArgument } from '../errors/argument.js';
import { MtlsError } from '../errors/mtls_error.js';
import { resolveDialTarget, type ConnectToRule } from './connect_to.js';
import type { HttpMethod, HttpRequest, HttpResponse, MtlsTransport } from './http_types.js';
import { toTransportError } from './transport_errors.js';

export interface NodeTransportOptions {
  /** The client certificate chain (leaf first) and its private key, presented in every handshake. */
  credential: { chain: readonly X509Certificate[]; privateKey: KeyObject };
  /** Extra trusted roots (PEM), added to Node's bundled roots; never a switch that turns checks off. */
  ca?: readonly string[];
  /** curl-style connect-to rules (see `parseConnectTo`). */
  connectTo?: readonly ConnectToRule[];
  /** Response bodies larger than this fail with ERR_MTLS_RESPONSE_TOO_LARGE. Default 1 MiB. */
  maxResponseBytes?: number;
  /** Per-attempt timeout when the request names none. Default 30 s. */
  timeoutMs?: number;
}

const defaultMaxResponseBytes = 1024 * 1024;
const defaultTimeoutMs = 30_000;

/**
 * The default transport: Node's TLS with the caller's certificate and key, verification always
 * on, and one keep-alive agent per certificate so repeat requests (refreshes) reuse the TLS
 * connection instead of paying a new handshake.
 */
export function createNodeTransport(options: NodeTransportOptions): MtlsTransport {
  const secureContext = buildSecureContext(options);
  // LIFO keeps the most recently used (warmest) socket in play and lets the others idle out.
  const agent = new Agent({ keepAlive: true, scheduling: 'lifo' });
  const rules = options.connectTo ?? [];
  const maxBytes = options.maxResponseBytes ?? defaultMaxResponseBytes;
  const defaultTimeout = options.timeoutMs ?? defaultTimeoutMs;

  async function send(req: HttpRequest, url: URL): Promise<HttpResponse> {
    if (url.protocol !== 'https:') {
      throw new MtlsError('ERR_MTLS_INVALID_AUTHORITY', { message: `mTLS requests must use https; refusing ${url.protocol}//${url.host}.` });
    }
    const port = url.port === '' ? 443 : Number(url.port);
    const target = resolveDialTarget(rules, url.hostname.toLowerCase(), port);
    const attempt = (): Promise<HttpResponse> =>
      exchange(req, {
        agent,
        secureContext,
        host: target.host,
        port: target.port,
        servername: url.hostname,
        path: `${url.pathname}${url.search}`,
        hostHeader: url.host,
        maxBytes,
        timeoutMs: req.timeoutMs ?? defaultTimeout,
      });
    try {
      return await attempt();
    } catch (error) {
      // A pooled socket the server closed while idle fails before any byte of the response:
      // the request never reached the server, so sending it once more on a new socket is safe.
      if (error instanceof StaleSocketError) return await attempt();
      throw error;
    }
  }

  return {
    request: (req) => {
      let url: URL;
      try {
        url = checkRequest(req);
      } catch (error) {
        return Promise.reject(error);
      }
      return send(req, url).catch((error: unknown) => {
        throw error instanceof MtlsError ? error : toTransportError(error instanceof StaleSocketError ? error.cause : error, url.host);
      });
    },
    close: () => agent.destroy(),
  };
}

/** The TLS context of a credential plus the extra roots: also what createMtlsAgent's agent uses. */
export function buildSecureContext(options: Pick<NodeTransportOptions, 'credential' | 'ca'>): SecureContext {
  const { chain, privateKey } = options.credential;
  const base = {
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    cert: chain.map((c) => c.toString()).join('\n'),
  };
  const extra = options.ca ?? [];
  if (extra.length === 0) return createSecureContext(base);
  // Extra roots join Node's default store. Passing `ca: [...rootCertificates, ...extra]` would
  // re-parse ~140 bundled roots for every client (18 ms measured); instead add the extra ones to
  // the context that already holds the defaults, as Node itself does for each `ca` entry
  // (SecureContext#addCACert). Fall back to the merged list where that method is missing.
  const context = createSecureContext(base) as SecureContext & { context?: { addCACert?: (pem: string) => void } };
  const addCACert = context.context?.addCACert;
  if (typeof addCACert !== 'function') return createSecureContext({ ...base, ca: [...rootCertificates, ...extra] });
  for (const pem of extra) addCACert.call(context.context, pem);
  return context;
}

const methods: ReadonlySet<string> = new Set<HttpMethod>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/** Misuse of `request()` is a coded TypeError before any connection: the URL must parse, the method be an HttpMethod, headers be valid. */
function checkRequest(req: HttpRequest): URL {
  if (typeof req !== 'object' || req === null) throw invalidArgument('request', 'an object', req);
  if (!methods.has(req.method)) throw invalidArgument('request.method', [...methods].join(', '), req.method);
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    throw invalidArgument('request.url', 'an absolute https URL', req.url);
  }
  if (req.headers !== undefined && (typeof req.headers !== 'object' || req.headers === null)) throw invalidArgument('request.headers', 'an object', req.headers);
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    // Node's own rules (RFC 9110 token names, no control characters in values), checked here so misuse is a coded TypeError.
    if (!/^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/.test(name)) throw invalidArgument('request.headers', 'header names that are HTTP tokens', name);
    if (typeof value !== 'string' || /[^\t\x20-\x7e\x80-\xff]/.test(value)) throw invalidArgument(`request.headers['${name}']`, 'a string without control characters', value);
  }
  if (req.body !== undefined && typeof req.body !== 'string' && !(req.body instanceof Uint8Array)) throw invalidArgument('request.body', 'a string or bytes', req.body);
  if (req.timeoutMs !== undefined && !(typeof req.timeoutMs === 'number' && req.timeoutMs > 0 && Number.isFinite(req.timeoutMs))) {
    throw invalidArgument('request.timeoutMs', 'a positive number of milliseconds', req.timeoutMs);
  }
  return url;
}

class StaleSocketError extends Error {}

interface ExchangeTarget {
  agent: Agent;
  secureContext: SecureContext;
  host: string;
  port: number;
  servername: string;
  path: string;
  hostHeader: string;
  maxBytes: number;
  timeoutMs: number;
}

function exchange(req: HttpRequest, t: ExchangeTarget): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    const body = req.body === undefined ? undefined : typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : req.body;
    const headers: Record<string, string> = { ...req.headers, host: t.hostHeader };
    if (body !== undefined) headers['content-length'] = String(body.byteLength);
    const isIp = /^[\d.]+$|:/.test(t.servername);
    // `secureContext` is passed through to tls.connect (one parsed context per certificate, not
    // a PEM parse per handshake); @types/node does not list it on RequestOptions.
    const options: RequestOptions & { secureContext: SecureContext } = {
      agent: t.agent,
      method: req.method,
      host: t.host,
      port: t.port,
      path: t.path,
      headers,
      secureContext: t.secureContext,
      // Keep the URL's host for SNI and for the certificate check, whatever address we dial.
      ...(isIp ? {} : { servername: t.servername }),
    };
    const request = httpsRequest(options);
    let settled = false;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(error);
    };
    const timer = setTimeout(() => {
      const error = new MtlsError('ERR_MTLS_TIMEOUT', { message: `${t.servername} did not answer within ${t.timeoutMs} ms.` });
      fail(error);
      request.destroy(error);
    }, t.timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => {
      const stale = request.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
      fail(stale ? new StaleSocketError('stale pooled socket', { cause: error }) : error);
    });
    request.on('response', (response: IncomingMessage) => {
      // A HEAD answer has no body whatever its content-length says (that is the GET body's size).
      const body = req.method === 'HEAD' ? drain(response) : readBody(response, t.maxBytes, t.servername);
      body.then(
        (buffer) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ status: response.statusCode ?? 0, headers: flattenHeaders(response), body: buffer });
        },
        (error: unknown) => {
          fail(error);
          request.destroy();
        },
      );
    });
    request.end(body);
  });
}

function drain(response: IncomingMessage): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    response.on('end', () => resolve(Buffer.alloc(0)));
    response.on('error', reject);
    response.resume();
  });
}

function readBody(response: IncomingMessage, maxBytes: number, host: string): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const tooLarge = (): MtlsError =>
      new MtlsError('ERR_MTLS_RESPONSE_TOO_LARGE', { message: `The response from ${host} is larger than ${maxBytes} bytes.` });
    // Reject before destroying: destroy() emits 'aborted' at once, which would report a lost connection instead.
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      reject(tooLarge());
      response.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    response.on('data', (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > maxBytes) {
        reject(tooLarge());
        response.destroy();
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total)));
    response.on('error', reject);
    response.on('aborted', () => reject(new MtlsError('ERR_MTLS_NETWORK', { message: `The connection to ${host} closed before the response was complete.` })));
  });
}

function flattenHeaders(response: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
