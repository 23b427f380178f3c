import type { IncomingHttpHeaders } from 'node:http';

/** One request to a token endpoint, as the emulator saw it. */
export interface TokenRequestRecord {
  /** Host the client asked for (from `Host`), e.g. `eastus.mtlsauth.microsoft.com`. */
  host: string;
  path: string;
  /** The `{tenant}` path segment. */
  tenant: string;
  headers: IncomingHttpHeaders;
  /** The form parameters (empty when the body was not form-encoded). */
  form: Record<string, string>;
  /** `x5t#S256` of the TLS client certificate of the connection, if one was presented. */
  clientCertX5t: string | undefined;
  /** The first request on its TLS connection (a new handshake rather than keep-alive reuse). */
  newConnection: boolean;
  /** Which TLS connection carried it: 1, 2, … in the order of the handshakes. */
  connectionId: number;
  /** The HTTP status answered; 0 while pending or when the socket was destroyed by a fault. */
  status: number;
}

/** Why the resource rejected a request (`reason` in its 401 body). */
export type ResourceRejectReason =
  | 'no_client_certificate'
  | 'missing_authorization'
  | 'wrong_scheme'
  | 'malformed_token'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_audience'
  | 'missing_cnf'
  | 'cnf_mismatch';

/** One request to a resource host. */
export interface ResourceRequestRecord {
  host: string;
  method: string;
  path: string;
  clientCertX5t: string | undefined;
  newConnection: boolean;
  status: number;
  /** Set when rejected. */
  reason: ResourceRejectReason | undefined;
}
