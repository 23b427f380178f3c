import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
}

/** A plain-HTTP request to the IMDS listener (`base` = emu.imdsUrl), like a client on the VM. */
export function httpRequest(
  base: string,
  options: { path: string; method?: string; headers?: Record<string, string>; body?: string },
): Promise<HttpResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: options.method ?? 'GET', path: options.path, headers: options.headers ?? {}, agent: false },
      (res) => {
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
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export const METADATA_PATH = '/metadata/identity/getplatformmetadata?cred-api-version=2.0';
export const ISSUE_PATH = '/metadata/identity/issuecredential?cred-api-version=2.0';

/** GET getplatformmetadata with `Metadata: true` and an optional selector (`client_id=…` etc.). */
export function getMetadata(base: string, selector = ''): Promise<HttpResponse> {
  return httpRequest(base, { path: METADATA_PATH + (selector ? `&${selector}` : ''), headers: { metadata: 'true', 'x-ms-client-request-id': 'corr-1' } });
}

/** POST issuecredential as MSAL does (§5.1). */
export function postIssue(base: string, body: Record<string, unknown> | string, selector = ''): Promise<HttpResponse> {
  return httpRequest(base, {
    path: ISSUE_PATH + (selector ? `&${selector}` : ''),
    method: 'POST',
    headers: { metadata: 'true', 'content-type': 'application/json; charset=utf-8', 'x-ms-client-request-id': 'corr-1' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
