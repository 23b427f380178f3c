import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { ConnectionTracker } from './connections.js';
import type { EndpointContext } from './endpoint_context.js';
import { handleBearerTokenRequest, instanceDiscovery, openIdConfiguration } from './bearer_token_endpoint.js';
import { classifyHost, normalizeHost } from './hosts.js';
import { sendJson } from './http_util.js';
import { handleResourceRequest } from './resource_endpoint.js';
import { handleTokenRequest } from './token_endpoint.js';

const tokenPath = /^\/([^/]+)\/oauth2\/v2\.0\/token\/?$/;
const keysPath = /^\/([^/]+)\/discovery\/v2\.0\/keys\/?$/;
const openIdPath = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/;
const instanceDiscoveryPath = /^\/common\/discovery\/instance\/?$/;

/**
 * Dispatches by `Host`, as one IP would serve many names: resource hosts → the protected
 * resource; `mtlsauth.` hosts → token endpoint and keys; `login.` hosts → keys only, plus, with
 * `bearerTokenEndpoint`, the non-mTLS token endpoint, OpenID configuration and instance discovery.
 */
export function createRouter(
  ctx: EndpointContext,
  connections: ConnectionTracker,
  resourceHosts: ReadonlyMap<string, string>,
  options: { bearerTokenEndpoint: boolean } = { bearerTokenEndpoint: false },
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const socket = req.socket as TLSSocket;
    const connection = connections.info(socket);
    const newConnection = connection.requests++ === 0;
    const host = normalizeHost(req.headers.host ?? (typeof socket.servername === 'string' ? socket.servername : ''));
    const path = new URL(req.url ?? '/', 'https://emulator.invalid').pathname;
    const role = classifyHost(host, resourceHosts);
    const fail = (error: unknown): void => {
      sendJson(res, 500, { error: 'server_error', error_description: `Emulator failure: ${error instanceof Error ? error.message : String(error)}` });
    };
    try {
      if (role.kind === 'resource') return handleResourceRequest(ctx, req, res, { host, audience: role.audience, connection, newConnection });
      const token = tokenPath.exec(path);
      if (token && role.kind === 'mtlsauth') {
        if (req.method !== 'POST') return sendJson(res, 405, { error: 'invalid_request', error_description: 'Use POST.' }, { allow: 'POST' });
        const tenant = decodeURIComponent(token[1] ?? '');
        handleTokenRequest(ctx, req, res, { host, path, tenant, issuerHost: role.issuerHost, connection, newConnection, resetConnection: () => connections.reset(socket) }).catch(fail);
        return;
      }
      if (options.bearerTokenEndpoint && role.kind === 'login') {
        const hostHeader = String(req.headers.host ?? host);
        if (token) {
          if (req.method !== 'POST') return sendJson(res, 405, { error: 'invalid_request', error_description: 'Use POST.' }, { allow: 'POST' });
          const tenant = decodeURIComponent(token[1] ?? '');
          handleBearerTokenRequest(ctx, req, res, { host, path, tenant, issuerHost: host, connection, newConnection, resetConnection: () => connections.reset(socket) }).catch(fail);
          return;
        }
        const openId = openIdPath.exec(path);
        if (openId && req.method === 'GET') return sendJson(res, 200, openIdConfiguration(hostHeader, decodeURIComponent(openId[1] ?? '')));
        if (instanceDiscoveryPath.test(path) && req.method === 'GET') return sendJson(res, 200, instanceDiscovery(hostHeader));
      }
      if (keysPath.test(path) && (role.kind === 'mtlsauth' || role.kind === 'login') && req.method === 'GET') {
        return sendJson(res, 200, ctx.signingKey.jwks, { 'cache-control': 'public, max-age=3600' });
      }
      req.resume();
      sendJson(res, 404, {
        error: 'not_found',
        error_description: role.kind === 'unknown'
          ? `The emulator does not serve host '${host}'.`
          : `No ${req.method ?? ''} ${path} on '${host}'. Token requests go to https://<region>.mtlsauth.microsoft.com/<tenant>/oauth2/v2.0/token.`,
      });
    } catch (error) {
      fail(error);
    }
  };
}
