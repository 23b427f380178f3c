/**
 * The HTTP shapes of @msal-mtls/core's `MtlsTransport` seam, restated here so this package does
 * not depend on core: a SchannelTransport is an MtlsTransport by structure.
 */
export interface HttpRequest {
  /** GET and POST for tokens; the others for downstream calls (core's createMtlsFetch). WinHTTP sends any method token. */
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
  url: string;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string>>;
  body?: string | Uint8Array;
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Readonly<Record<string, string>>;
  body: Buffer;
}

export interface MtlsTransport {
  request(request: HttpRequest): Promise<HttpResponse>;
  close(): void;
}

/** Where to connect for a URL's host and port (curl's --connect-to); identity by default. */
export type DialFunction = (host: string, port: number) => { host: string; port: number };
