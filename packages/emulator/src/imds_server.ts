import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { readBody, sendOversized, writeResponse, type Delivery } from './http_util.js';
import type { ImdsFault, ImdsFaultPath } from './imds_faults.js';
import { selectIdentity } from './imds_identities.js';
import { issueCredential, type IssuanceContext } from './imds_issuance.js';
import { platformMetadata } from './imds_metadata.js';
import type { ImdsRequestRecord } from './imds_records.js';
import { issueV1Token, V1_TOKEN_PATHS } from './imds_v1_token.js';
import type { TokenSigningKey } from './signing_key.js';

/** Spec §1.3: clients require a `Server` header containing `IMDS`; this is the value MSAL's mocks use. */
export const IMDS_SERVER_HEADER = 'IMDS/150.870.65.1854';

const v2Paths: Record<string, ImdsFaultPath> = {
  '/metadata/identity/getplatformmetadata': 'getplatformmetadata',
  '/metadata/identity/issuecredential': 'issuecredential',
};
const methods: Record<ImdsFaultPath, string> = { getplatformmetadata: 'GET', issuecredential: 'POST' };

/** What the IMDS request handler shares with the control object. */
export interface ImdsHandlerContext extends IssuanceContext {
  requests: ImdsRequestRecord[];
  sleep(ms: number): Promise<void>;
  /** Signs IMDSv1 tokens (`GET /metadata/identity/oauth2/token`); without it that path is 404. */
  signingKey?: TokenSigningKey | undefined;
}

type Reply = (status: number, body: unknown, headers?: Record<string, string>) => void;

/**
 * The IMDS listener's request handler. Order: record, response faults, then IMDS's own rules —
 * v2 paths 404 on a v1-only VM (checked before `Metadata`, so the v2 probe sees 404 there too, §1.4),
 * `Metadata: true` or 400 on every other request (the probe's success signal), path and method,
 * `cred-api-version=2.0`, identity selector, then the endpoint.
 */
export function createImdsHandler(ctx: ImdsHandlerContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(ctx, req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        send(res, [], 500, { error: 'server_error', error_description: `Emulator failure: ${error instanceof Error ? error.message : String(error)}` });
      } else res.destroy();
    });
  };
}

async function handle(ctx: ImdsHandlerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const target = req.url ?? '/';
  const queryStart = target.indexOf('?');
  const path = queryStart < 0 ? target : target.slice(0, queryStart);
  const rawQuery = queryStart < 0 ? '' : target.slice(queryStart + 1);
  const body = (await readBody(req)).toString('utf8');
  const record: ImdsRequestRecord = { method: req.method ?? '', path, query: rawQuery, headers: req.headers, body, status: 0 };
  ctx.requests.push(record);

  const v2Path = v2Paths[path];
  const hasMetadata = String(req.headers['metadata'] ?? '').toLowerCase() === 'true';
  if (v2Path === 'getplatformmetadata') {
    if (hasMetadata) ctx.stats.metadataRequests++;
    else ctx.stats.probeRequests++;
  } else if (v2Path === 'issuecredential') ctx.stats.issuanceRequests++;

  const faults = ctx.faults.takeResponseFaults(v2Path);
  const reply: Reply = (status, json, headers = {}) => {
    record.status = status;
    // Body faults change only successful answers of the v2 endpoints, and only those use them up.
    const body = status === 200 && v2Path !== undefined ? withBodyFaults(json, ctx.faults.takeBodyFaults(v2Path)) : json;
    send(res, faults, status, body, headers);
  };
  for (const fault of faults) if (fault.kind === 'delay') await ctx.sleep(fault.ms);
  // A client that gave up during the delay gets nothing, and uses up no fault meant for a later request.
  if (res.destroyed || req.socket.destroyed) return;
  if (faults.some((f) => f.kind === 'destroySocket')) {
    req.socket.destroy();
    return;
  }
  const oversized = faults.find((f): f is Extract<ImdsFault, { kind: 'oversizedBody' }> => f.kind === 'oversizedBody');
  if (oversized) {
    record.status = 200;
    return sendOversized(res, oversized.bytes, oversized.chunked === true, { server: IMDS_SERVER_HEADER });
  }
  const redirect = faults.find((f): f is Extract<ImdsFault, { kind: 'redirect' }> => f.kind === 'redirect');
  if (redirect) return reply(redirect.status ?? 307, '', { location: redirect.location });
  const status = faults.find((f): f is Extract<ImdsFault, { kind: 'status' }> => f.kind === 'status');
  if (status) return reply(status.status, status.body ?? injectedErrorBody(status.status), status.headers);

  const error = (code: number, description: string, headers?: Record<string, string>): void =>
    reply(code, { error: code === 404 ? 'not_found' : code === 405 ? 'method_not_allowed' : 'invalid_request', error_description: description }, headers);
  if (v2Path !== undefined && !ctx.config.v2) return error(404, 'Not found: this VM has IMDSv1 only (cred-api-version 2.0 endpoints are not available)');
  // Real IMDS refuses any request without the header; the v2 probe relies on exactly this 400 (§1.4).
  if (!hasMetadata) return error(400, 'Required metadata header not specified');
  if (v2Path === undefined && V1_TOKEN_PATHS.has(path) && ctx.signingKey !== undefined) {
    if (req.method !== 'GET') return error(405, `Use GET for ${path}`, { allow: 'GET' });
    const outcome = issueV1Token(new URLSearchParams(rawQuery), ctx.config, ctx.signingKey, ctx.now());
    return reply(outcome.status, outcome.body);
  }
  if (v2Path === undefined) return error(404, `Not found: the emulator serves only the IMDSv2 paths ${Object.keys(v2Paths).join(' and ')}`);
  if (req.method !== methods[v2Path]) return error(405, `Use ${methods[v2Path]} for ${path}`, { allow: methods[v2Path] });
  const query = new URLSearchParams(rawQuery);
  const apiVersion = query.get('cred-api-version');
  if (apiVersion !== '2.0') {
    return error(400, apiVersion === null ? 'Required query parameter cred-api-version is missing' : `cred-api-version '${apiVersion}' is not supported; use 2.0`);
  }
  const selection = selectIdentity(query, ctx.config);
  if (!selection.ok) return error(400, selection.description);
  if (v2Path === 'getplatformmetadata') return reply(200, platformMetadata(ctx.config, selection.identity));
  const outcome = issueCredential(ctx, selection.identity, body);
  reply(outcome.status, outcome.body);
}

function injectedErrorBody(status: number): Record<string, string> {
  const error = status === 429 ? 'too_many_requests' : status >= 500 ? 'server_error' : status === 404 ? 'not_found' : 'invalid_request';
  return { error, error_description: `Injected fault: HTTP ${status}` };
}

/** A JSON object answer with the `omitField` / `setField` faults applied (other answers unchanged). */
function withBodyFaults(json: unknown, faults: readonly ImdsFault[]): unknown {
  if (faults.length === 0 || typeof json !== 'object' || json === null) return json;
  const body: Record<string, unknown> = { ...(json as Record<string, unknown>) };
  for (const fault of faults) {
    if (fault.kind === 'omitField') delete body[fault.field];
    if (fault.kind === 'setField') body[fault.field] = fault.value;
  }
  return body;
}

/** Writes a JSON (or empty, for a redirect) response, applying the `missingServerHeader`, `truncate` and `resetMidBody` faults. */
function send(res: ServerResponse, faults: readonly ImdsFault[], status: number, json: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = json === '' ? '' : typeof json === 'string' ? json : JSON.stringify(json);
  const payload = Buffer.from(text, 'utf8');
  const all: Record<string, string> = {
    server: IMDS_SERVER_HEADER,
    ...(payload.length > 0 ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    'content-length': String(payload.length),
    ...headers,
  };
  if (faults.some((f) => f.kind === 'missingServerHeader')) delete all['server'];
  const delivery: Delivery = faults.some((f) => f.kind === 'resetMidBody') ? 'reset' : faults.some((f) => f.kind === 'truncate') ? 'truncate' : 'whole';
  // IMDS is plain HTTP: the request's socket is the TCP one, so it can be reset directly.
  writeResponse(res, status, payload, all, delivery, () => (res.socket as Socket | null)?.resetAndDestroy());
}
