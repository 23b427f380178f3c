import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { aadstsErrorBody, type AadstsCase } from './aadsts_error.js';
import { accessTokenClaims, signAccessToken } from './access_token.js';
import type { ConnectionInfo } from './connections.js';
import type { EndpointContext } from './endpoint_context.js';
import { applyResponseFaults, beginTokenExchange } from './token_exchange.js';
import { validateTokenRequest } from './token_validation.js';

/** Where a token request arrived. */
export interface TokenRoute {
  host: string;
  path: string;
  tenant: string;
  issuerHost: string;
  connection: ConnectionInfo;
  newConnection: boolean;
  /** Resets the TCP connection under this request (RST); the `resetMidBody` fault uses it. */
  resetConnection?: () => void;
}

const statusErrors: Record<number, string> = { 429: 'too_many_requests', 503: 'temporarily_unavailable' };

/** `POST /{tenant}/oauth2/v2.0/token` on an mTLS host: record, apply faults, validate, issue. */
export async function handleTokenRequest(ctx: EndpointContext, req: IncomingMessage, res: ServerResponse, route: TokenRoute): Promise<void> {
  const exchange = await beginTokenExchange(ctx, req, res, route);
  const { form, ids, reply } = exchange;
  const error = (status: number, code: string, aadstsCase: AadstsCase, message: string): void =>
    reply(status, aadstsErrorBody(code, aadstsCase, message, { ...ids, now: new Date(ctx.now()) }));

  const statusFault = await applyResponseFaults(ctx, req, res, route, exchange);
  if (statusFault === 'done') return;
  if (statusFault) {
    const code = statusErrors[statusFault.status] ?? (statusFault.status >= 500 ? 'server_error' : 'invalid_request');
    const json = statusFault.body ?? aadstsErrorBody(code, 'serviceError', `Injected fault: HTTP ${statusFault.status}.`, { ...ids, now: new Date(ctx.now()) });
    return reply(statusFault.status, json, statusFault.headers);
  }

  // The registry view carries the presented certificate's DER so managed identities can check its issuer (IMDS path).
  const registry = ctx.registry.presenting(peerCertificateDer(req));
  const outcome = validateTokenRequest({ tenant: route.tenant, form, clientCertX5t: route.connection.clientCertX5t }, registry, ctx.policy.enrolledResources);
  if (!outcome.ok) return error(outcome.status, outcome.error, outcome.aadstsCase, outcome.message);

  const tokenFaults = ctx.faults.takeTokenFaults(route.host);
  const lifetime = ctx.policy.tokenLifetimeSeconds;
  const claims = accessTokenClaims({
    issuerHost: route.issuerHost, tenantId: outcome.tenantId, clientId: outcome.clientId, audience: outcome.resource,
    x5tS256: outcome.clientCertX5t, nowSeconds: Math.floor(ctx.now() / 1000), lifetimeSeconds: lifetime,
  });
  for (const fault of tokenFaults) if (fault.kind === 'cnf') claims['cnf'] = { 'x5t#S256': fault.x5tS256 };
  const response: Record<string, unknown> = {
    token_type: 'mtls_pop',
    expires_in: lifetime,
    ext_expires_in: lifetime,
    ...(ctx.policy.refreshInSeconds !== undefined ? { refresh_in: ctx.policy.refreshInSeconds } : {}),
    access_token: signAccessToken(claims, ctx.signingKey),
  };
  for (const fault of tokenFaults) {
    if (fault.kind === 'tokenType') response['token_type'] = fault.tokenType;
    if (fault.kind === 'omitField') delete response[fault.field];
    if (fault.kind === 'setField') response[fault.field] = fault.value;
  }
  reply(200, response);
}

/** DER of the TLS client certificate on this request's connection (restored from the session on resumption). */
function peerCertificateDer(req: IncomingMessage): Buffer | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  const peer = socket.getPeerCertificate?.();
  return peer && 'raw' in peer && Buffer.isBuffer(peer.raw) ? peer.raw : undefined;
}
