/**
 * The methods a transport sends. The token and IMDS clients use GET and POST; the others are for
 * downstream resource calls (createMtlsFetch).
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

/** One HTTP request, as the token and IMDS clients make it. Header names are lower case. */
export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers: Readonly<Record<string, string>>;
  body?: string | Uint8Array;
  /** Per-attempt limit for the whole exchange, in milliseconds. */
  timeoutMs?: number;
}

/** A response with its body read in full (bounded by the transport's size cap). */
export interface HttpResponse {
  status: number;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Readonly<Record<string, string>>;
  body: Buffer;
}

/**
 * The seam between the token logic and the wire: request in, response out, over a TLS connection
 * that presents one binding certificate. The default is Node's own TLS (`createNodeTransport`);
 * `@msal-mtls/cng` provides a Schannel one for keys that never leave Windows CNG.
 *
 * A transport rejects with an error whose `transportFailure` says what happened: `'timeout'`,
 * `'network'` (could not connect, or lost the connection before a response), `'tls'`,
 * `'untrusted'` (the server certificate failed verification; nothing was sent) or
 * `'too-large'`. The token request maps these onto its ERR_MTLS_* codes and retry rules.
 */
export interface MtlsTransport {
  request(request: HttpRequest): Promise<HttpResponse>;
  /** Closes pooled connections. Requests after close() open new ones. */
  close(): void;
}
