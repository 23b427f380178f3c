import type { X509Certificate } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { AcquireTokenResult } from '../client/result.js';
import { invalidArgument } from '../errors/argument.js';
import { MtlsError } from '../errors/mtls_error.js';
import { x5tS256 } from '../pop/thumbprint.js';
import type { HttpMethod, HttpResponse, MtlsTransport } from '../transport/http_types.js';
import { fromTransportFailure } from '../transport/transport_errors.js';
import { raceAbort, throwIfAborted } from './abort.js';

/**
 * A `fetch` that sends every request with `Authorization: mtls_pop <token>` over TLS presenting
 * the token's binding certificate. `close()` lets go of its connections (requests in flight
 * finish first); a later call opens new ones.
 */
export interface MtlsFetch {
  (input: string | URL | Request, init?: RequestInit): Promise<Response>;
  close(): void;
}

/** Where a bound fetch gets its token and, per binding certificate, its transport. */
export interface BoundFetchSource {
  /** The token (from the client's cache while valid) and the certificate it is bound to. */
  acquire(): Promise<AcquireTokenResult>;
  /** A transport presenting `certificate` (the client's: Node TLS, or e.g. Schannel for a CNG key). */
  transportFor(certificate: X509Certificate): MtlsTransport | Promise<MtlsTransport>;
}

export interface BoundFetchOptions {
  /** Per-request timeout, milliseconds. Default: the transport's (30 s). */
  timeoutMs?: number;
}

const methods: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/**
 * Caller headers we do not forward: the transport sets host and content-length itself; hop-by-hop
 * headers belong to one connection; accept-encoding is dropped because the transport hands bodies
 * over as received, so a compressed answer would reach the caller undecoded.
 */
const dropped: ReadonlySet<string> = new Set(['host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-connection', 'accept-encoding']);
const nullBodyStatuses: ReadonlySet<number> = new Set([101, 204, 205, 304]);

interface Entry {
  readonly transport: Promise<MtlsTransport>;
  /** Set once made, so close() closes at once rather than a tick later. */
  made: MtlsTransport | undefined;
  inFlight: number;
}

/**
 * The machinery behind both paths' `createMtlsFetch`: a token per request (a cache hit while
 * valid), and one transport per binding certificate. When the token comes back bound to a new
 * certificate (Path 2 renewal), requests move to a new transport and the old one is closed as soon
 * as its last in-flight request settles. Redirects are returned, not followed: following one
 * would send the token to wherever the resource points.
 */
export function createBoundFetch(source: BoundFetchSource, options: BoundFetchOptions = {}): MtlsFetch {
  const timeoutMs = options.timeoutMs;
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) throw invalidArgument('timeoutMs', 'a positive integer (milliseconds)', timeoutMs);
  const entries = new Map<string, Entry>();
  let latest: string | undefined;

  /** Closes every transport but the latest certificate's once nothing runs on it. */
  const sweep = (): void => {
    for (const [x5t, entry] of entries) {
      if (x5t === latest || entry.inFlight > 0) continue;
      entries.delete(x5t);
      if (entry.made !== undefined) entry.made.close();
      else entry.transport.then((t) => t.close(), () => undefined);
    }
  };

  const entryFor = (certificate: X509Certificate): Entry => {
    const x5t = x5tS256(certificate);
    let entry = entries.get(x5t);
    if (entry === undefined) {
      const transport = Promise.resolve().then(() => source.transportFor(certificate));
      const created: Entry = { transport, made: undefined, inFlight: 0 };
      transport.then(
        (made) => {
          created.made = made;
        },
        () => {
          // A transport that could not be made is forgotten, so the next request tries again.
          if (entries.get(x5t) === created) entries.delete(x5t);
        },
      );
      entries.set(x5t, created);
      entry = created;
    }
    if (latest !== x5t) {
      latest = x5t;
      sweep();
    }
    return entry;
  };

  const send = async (input: string | URL | Request, init: RequestInit | undefined): Promise<Response> => {
    const request = toRequest(input, init);
    const signal = request.signal;
    throwIfAborted(signal, 'The request');
    const method = request.method.toUpperCase();
    if (!methods.has(method)) throw invalidArgument('init.method', [...methods].join(', '), request.method);
    const url = new URL(request.url);
    if (url.protocol !== 'https:') throw invalidArgument('input', 'an https URL (the token is bound to a TLS client certificate)', request.url);
    const body = method === 'GET' || method === 'HEAD' || request.body === null ? undefined : new Uint8Array(await raceAbort(request.arrayBuffer(), signal, 'The request'));
    const result = await raceAbort(source.acquire(), signal, 'The request');
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      if (!dropped.has(name)) headers[name] = value;
    });
    headers.authorization = `mtls_pop ${result.accessToken}`;
    const entry = entryFor(result.bindingCertificate);
    entry.inFlight++;
    const pending = entry.transport.then((transport) =>
      transport.request({ method: method as HttpMethod, url: request.url, headers, ...(body === undefined ? {} : { body }), ...(timeoutMs === undefined ? {} : { timeoutMs }) }),
    );
    // The count drops when the exchange settles, not when an abort stops our waiting: the
    // transport is closed only once nothing runs on it.
    pending.then(done, done);
    function done(): void {
      entry.inFlight--;
      sweep();
    }
    let response: HttpResponse;
    try {
      response = await raceAbort(pending, signal, 'The request');
    } catch (error) {
      throw fromTransportFailure(error, url.host);
    }
    return toResponse(response, request, method);
  };

  const fetch = ((input: string | URL | Request, init?: RequestInit) => send(input, init)) as MtlsFetch;
  fetch.close = () => {
    latest = undefined;
    sweep();
  };
  return fetch;
}

/** fetch's own normalisation of (input, init); its TypeErrors get our misuse code. */
function toRequest(input: string | URL | Request, init: RequestInit | undefined): Request {
  try {
    return new Request(input, init);
  } catch (error) {
    const misuse = new TypeError(`fetch input or init is not valid: ${(error as Error).message}`, { cause: error });
    Object.defineProperty(misuse, 'code', { value: 'ERR_MTLS_INVALID_ARGUMENT', enumerable: true });
    throw misuse;
  }
}

function toResponse(response: HttpResponse, request: Request, method: string): Response {
  const { status } = response;
  if (!(status >= 200 && status <= 599)) {
    throw new MtlsError('ERR_MTLS_RESOURCE_INVALID_RESPONSE', { message: `${new URL(request.url).host} answered HTTP ${status}.` });
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    try {
      headers.append(name, value);
    } catch {
      // A header fetch's Headers refuses (e.g. a value with bytes it rejects) is left out.
    }
  }
  const noBody = method === 'HEAD' || nullBodyStatuses.has(status);
  const out = new Response(noBody ? null : response.body, { status, statusText: STATUS_CODES[status] ?? '', headers });
  // A constructed Response has url ''; fetch's has the request URL (no redirects are followed).
  Object.defineProperty(out, 'url', { value: request.url, enumerable: true });
  return out;
}
