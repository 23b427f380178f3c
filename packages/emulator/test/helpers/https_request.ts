import { request, type Agent } from 'node:https';
import { isIP } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** What a test needs from an emulator: where it listens and which CA to trust. */
export interface Target {
  port: number;
  caPem: string;
}

export interface RequestOptions {
  /** The real hostname: used for SNI, the Host header and the certificate check. */
  host: string;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** TLS client certificate. */
  cert?: { certPem: string; keyPem: string };
  /** Default: a fresh connection per request. */
  agent?: Agent | false;
  /** Default: the emulator's CA. */
  ca?: string | undefined;
}

export interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
  sessionReused: boolean;
}

/** An HTTPS request dialled to 127.0.0.1 but verified as `host`, exactly like a connect-to override. */
export function httpsRequest(target: Target, options: RequestOptions): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: target.port,
        // SNI carries names only (RFC 6066); for an IP the certificate is checked against the IP SAN.
        servername: isIP(options.host) ? '' : options.host, // '' = no SNI; the check then uses the dialled IP
        method: options.method ?? 'GET',
        path: options.path,
        headers: { host: options.host, ...options.headers },
        ca: 'ca' in options ? options.ca : target.caPem,
        ...(options.cert ? { cert: options.cert.certPem, key: options.cert.keyPem } : {}),
        agent: options.agent ?? false,
      },
      (res) => {
        // Read now: a keep-alive socket is handed back to the agent (and detached) at 'end'.
        const sessionReused = (res.socket as TLSSocket).isSessionReused();
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(body);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json, sessionReused });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export const REGIONAL_HOST = 'eastus.mtlsauth.microsoft.com';
export const GRAPH = 'https://graph.microsoft.com';

/** A valid mTLS PoP client-credentials form, with overrides (`undefined` removes a field). */
export function tokenForm(overrides: Record<string, string | undefined> = {}, clientId = 'client-1'): string {
  const fields: Record<string, string | undefined> = {
    client_id: clientId, scope: `${GRAPH}/.default`, grant_type: 'client_credentials', token_type: 'mtls_pop', ...overrides,
  };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) params.set(key, value);
  return params.toString();
}

/** POST a token request to `/{tenant}/oauth2/v2.0/token` on `host`. */
export function postToken(
  target: Target,
  options: { tenant: string; form: string; cert?: { certPem: string; keyPem: string }; host?: string; headers?: Record<string, string>; agent?: Agent },
): Promise<Response> {
  return httpsRequest(target, {
    host: options.host ?? REGIONAL_HOST,
    path: `/${options.tenant}/oauth2/v2.0/token`,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
    body: options.form,
    ...(options.cert ? { cert: options.cert } : {}),
    ...(options.agent ? { agent: options.agent } : {}),
  });
}

/** The claims of a JWT, unverified. */
export function jwtClaims(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
}
