/**
 * One HTTP exchange with IMDS (one attempt; retries live in retry_policy.ts).
 *
 * Outcomes the retry policy may retry (a response, a timeout, a connection failure) are returned as
 * values; outcomes that must never be retried are thrown: a redirect (following one would replay the
 * CSR and attestation token to another host) and an oversized body.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { ServerError } from '@msal-mtls/core';

/** Per-attempt timeout: IMDS is link-local and answers in milliseconds when healthy; issuance calls
 *  Entra behind the scenes, so allow it seconds. A hung attempt is retried (spec "differs" point 5). */
export const defaultImdsTimeoutMs = 10_000;

/** Body cap: a real IMDS answer is a few KiB. */
export const maxImdsResponseBytes: number = 1024 * 1024;

// Keep-alive so getplatformmetadata and issuecredential share one connection. Node unrefs idle
// sockets, so these agents never keep the process alive.
const sharedHttpAgent = new HttpAgent({ keepAlive: true });
const sharedHttpsAgent = new HttpsAgent({ keepAlive: true });

export interface ImdsHttpRequest {
  method: 'GET' | 'POST';
  url: string;
  /** Sent as given, in this order; Node adds `Host` and `Connection`. */
  headers: Readonly<Record<string, string>>;
  body?: Uint8Array | undefined;
  /** Our correlation id, copied onto thrown errors. */
  correlationId?: string | undefined;
}

export interface ImdsHttpOptions {
  /** Per-attempt timeout covering connect, headers and body. Default {@link defaultImdsTimeoutMs}. */
  timeoutMs?: number | undefined;
  /** Agent override (tests, custom pools); must match the URL's scheme. Default: a shared keep-alive agent. */
  agent?: HttpAgent | undefined;
  signal?: AbortSignal | undefined;
}

export interface ImdsHttpResponse {
  status: number;
  /** Node's parsed headers: names lower-cased. */
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** What one attempt produced. `timeout` and `network` are failures the retry policy may retry. */
export type ImdsAttempt =
  | { kind: 'response'; response: ImdsHttpResponse }
  | { kind: 'timeout'; timeoutMs: number; cause: Error }
  | { kind: 'network'; cause: Error };

/**
 * Sends one request. Resolves with a response of any status except 3xx, or a timeout/network
 * outcome. Rejects with ServerError `ERR_IMDS_REDIRECT_REFUSED` (3xx) or `ERR_IMDS_RESPONSE_TOO_LARGE`,
 * or with the signal's reason when aborted.
 */
export function sendImdsRequest(request: ImdsHttpRequest, options: ImdsHttpOptions = {}): Promise<ImdsAttempt> {
  const url = new URL(request.url);
  const secure = url.protocol === 'https:';
  const timeoutMs = options.timeoutMs ?? defaultImdsTimeoutMs;
  const send = secure ? httpsRequest : httpRequest;
  const agent = options.agent ?? (secure ? sharedHttpsAgent : sharedHttpAgent);
  const correlationId = request.correlationId;

  return new Promise<ImdsAttempt>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: ImdsAttempt | Error, thrown = false): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (thrown) reject(outcome as Error);
      else resolve(outcome as ImdsAttempt);
    };
    const onAbort = (): void => {
      finish(options.signal!.reason instanceof Error ? options.signal!.reason : new Error('aborted'), true);
      req.destroy();
    };

    const req = send(url, { method: request.method, headers: { ...request.headers }, agent });
    // One timer for the whole attempt (connect, headers and a slowly dribbled body alike).
    const timer = setTimeout(() => {
      finish({ kind: 'timeout', timeoutMs, cause: new Error(`no complete answer within ${timeoutMs} ms`) });
      req.destroy();
    }, timeoutMs);

    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });

    req.on('error', (error) => finish({ kind: 'network', cause: error }));
    req.on('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400) {
        const where = typeof res.headers.location === 'string' ? ` to ${res.headers.location.slice(0, 200)}` : '';
        finish(
          new ServerError(
            'ERR_IMDS_REDIRECT_REFUSED',
            { status, correlationId },
            { message: `IMDS answered HTTP ${status}${where}; redirects are never followed.` },
          ),
          true,
        );
        req.destroy();
        return;
      }
      const tooLarge = (): void => {
        finish(
          new ServerError(
            'ERR_IMDS_RESPONSE_TOO_LARGE',
            { status, correlationId },
            { message: `IMDS answered HTTP ${status} with a body over ${maxImdsResponseBytes} bytes.` },
          ),
          true,
        );
        req.destroy();
      };
      // Fail before reading when the server announces an oversized body.
      if (Number(res.headers['content-length'] ?? 0) > maxImdsResponseBytes) {
        tooLarge();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxImdsResponseBytes) tooLarge();
        else chunks.push(chunk);
      });
      // Node reports a body cut short (closed or reset) as 'aborted' / ECONNRESET: say what happened.
      res.on('error', (error: NodeJS.ErrnoException) =>
        finish({ kind: 'network', cause: Object.assign(new Error(`connection closed before the response body was complete (${error.code ?? error.message})`, { cause: error }), { code: error.code }) }),
      );
      // A connection cut mid-body closes the response without 'end'.
      res.on('close', () => {
        if (!res.complete) finish({ kind: 'network', cause: new Error('connection closed before the response body was complete') });
      });
      res.on('end', () => finish({ kind: 'response', response: { status, headers: res.headers, body: Buffer.concat(chunks) } }));
    });
    req.end(request.body === undefined ? undefined : Buffer.from(request.body));
  });
}
