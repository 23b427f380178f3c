import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConnectionInfo } from './connections.js';
import type { EndpointContext } from './endpoint_context.js';
import { sendJson } from './http_util.js';
import { decodeJwt, verifyJwtSignature } from './jwt.js';
import type { ResourceRejectReason, ResourceRequestRecord } from './records.js';
import { normalizeResource } from './token_validation.js';

const descriptions: Record<ResourceRejectReason, string> = {
  no_client_certificate: 'No TLS client certificate was presented.',
  missing_authorization: 'No Authorization header.',
  wrong_scheme: 'The Authorization scheme must be mtls_pop.',
  malformed_token: 'The access token is not a JWT.',
  bad_signature: 'The access token signature is invalid.',
  expired: 'The access token has expired.',
  not_yet_valid: 'The access token is not valid yet.',
  wrong_audience: 'The access token is for another audience.',
  missing_cnf: 'The access token has no cnf["x5t#S256"] claim.',
  cnf_mismatch: 'The TLS client certificate does not match the token cnf["x5t#S256"] (RFC 8705 section 3).',
};

/** Why a request fails, or the token's claims when it passes. */
function check(ctx: EndpointContext, req: IncomingMessage, audience: string, clientCertX5t: string | undefined): ResourceRejectReason | Record<string, unknown> {
  if (clientCertX5t === undefined) return 'no_client_certificate';
  const authorization = req.headers.authorization;
  if (!authorization) return 'missing_authorization';
  const match = /^(\S+)\s+(\S+)$/.exec(authorization.trim());
  if (match === null || match[1]?.toLowerCase() !== 'mtls_pop') return 'wrong_scheme';
  const jwt = decodeJwt(match[2] ?? '');
  if (jwt === undefined) return 'malformed_token';
  if (jwt.header['kid'] !== ctx.signingKey.kid || !verifyJwtSignature(jwt, ctx.signingKey.publicKey)) return 'bad_signature';
  const { exp, nbf, aud, cnf } = jwt.payload;
  const nowSeconds = ctx.now() / 1000;
  if (typeof exp !== 'number' || exp <= nowSeconds) return 'expired';
  if (typeof nbf === 'number' && nbf > nowSeconds + 300) return 'not_yet_valid'; // 5 min skew, as resource SDKs allow
  if (typeof aud !== 'string' || normalizeResource(aud) !== normalizeResource(audience)) return 'wrong_audience';
  const bound = typeof cnf === 'object' && cnf !== null ? (cnf as Record<string, unknown>)['x5t#S256'] : undefined;
  if (typeof bound !== 'string') return 'missing_cnf';
  // RFC 8705 §3: the token is only good on a connection authenticated with the certificate it is bound to.
  if (bound !== clientCertX5t) return 'cnf_mismatch';
  return jwt.payload;
}

/** Any request to a resource host: an RFC 8705 protected resource that echoes who called it. */
export function handleResourceRequest(ctx: EndpointContext, req: IncomingMessage, res: ServerResponse, route: { host: string; audience: string; connection: ConnectionInfo; newConnection: boolean }): void {
  req.resume(); // the body is irrelevant; drain it so keep-alive works
  const record: ResourceRequestRecord = {
    host: route.host, method: req.method ?? 'GET', path: req.url ?? '/', clientCertX5t: route.connection.clientCertX5t,
    newConnection: route.newConnection, status: 0, reason: undefined,
  };
  ctx.resourceRequests.push(record);
  ctx.stats.resourceRequests++;
  const outcome = check(ctx, req, route.audience, route.connection.clientCertX5t);
  if (typeof outcome === 'string') {
    record.status = 401;
    record.reason = outcome;
    const description = descriptions[outcome];
    sendJson(res, 401, { error: 'invalid_token', reason: outcome, error_description: description }, {
      'www-authenticate': `mtls_pop error="invalid_token", error_description="${description.replace(/"/g, "'")}"`,
    });
    return;
  }
  record.status = 200;
  sendJson(res, 200, { ok: true, appid: outcome['appid'], aud: outcome['aud'], tid: outcome['tid'], cnf: outcome['cnf'] });
}
