import { constants, verify, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { aadstsErrorBody, type AadstsCase } from './aadsts_error.js';
import { accessTokenClaims, signAccessToken } from './access_token.js';
import type { EndpointContext } from './endpoint_context.js';
import { applyResponseFaults, beginTokenExchange } from './token_exchange.js';
import { decodeJwt, type DecodedJwt } from './jwt.js';
import type { TokenRoute } from './token_endpoint.js';

const assertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const nonTenants: ReadonlySet<string> = new Set(['common', 'organizations', 'consumers']);
/** Clock skew Entra allows on an assertion's `exp` / `nbf`. */
const skewSeconds = 5 * 60;

type Rejection = { status: number; error: string; aadstsCase: AadstsCase; message: string };
const reject = (status: number, error: string, aadstsCase: AadstsCase, message: string): Rejection => ({ status, error, aadstsCase, message });
const missing = (name: string): Rejection =>
  reject(400, 'invalid_request', 'missingParameter', `The request body must contain the following parameter: '${name}'.`);

/**
 * `POST /{tenant}/oauth2/v2.0/token` on a `login.` host, when `bearerTokenEndpoint` is on: the
 * ordinary (non-mTLS) client-credentials endpoint with a certificate client assertion, as
 * msal-node calls it. The assertion's signature is verified with the public key of the registered
 * certificate its header names; the answer is a Bearer token (no `cnf`).
 */
export async function handleBearerTokenRequest(ctx: EndpointContext, req: IncomingMessage, res: ServerResponse, route: TokenRoute): Promise<void> {
  const exchange = await beginTokenExchange(ctx, req, res, route);
  const { form, ids, reply } = exchange;

  const statusFault = await applyResponseFaults(ctx, req, res, route, exchange);
  if (statusFault === 'done') return;
  if (statusFault) {
    const json = statusFault.body ?? aadstsErrorBody(statusFault.status >= 500 ? 'server_error' : 'invalid_request', 'serviceError',
      `Injected fault: HTTP ${statusFault.status}.`, { ...ids, now: new Date(ctx.now()) });
    return reply(statusFault.status, json, statusFault.headers);
  }

  const requestHost = String(req.headers.host ?? route.host).toLowerCase();
  const outcome = validateBearerRequest(ctx, route.tenant, form, `https://${requestHost}${route.path}`);
  if ('status' in outcome) {
    return reply(outcome.status, aadstsErrorBody(outcome.error, outcome.aadstsCase, outcome.message, { ...ids, now: new Date(ctx.now()) }));
  }
  const lifetime = ctx.policy.tokenLifetimeSeconds;
  const claims = accessTokenClaims({
    issuerHost: route.issuerHost, tenantId: outcome.tenantId, clientId: outcome.clientId, audience: outcome.resource,
    x5tS256: '', nowSeconds: Math.floor(ctx.now() / 1000), lifetimeSeconds: lifetime,
  });
  delete claims['cnf'];
  reply(200, {
    token_type: 'Bearer',
    expires_in: lifetime,
    ext_expires_in: lifetime,
    ...(ctx.policy.refreshInSeconds !== undefined ? { refresh_in: ctx.policy.refreshInSeconds } : {}),
    access_token: signAccessToken(claims, ctx.signingKey),
  });
}

/** Shape, then client, then assertion (header names a registered certificate, signature, claims). */
function validateBearerRequest(
  ctx: EndpointContext, tenant: string, form: Record<string, string>, endpointUrl: string,
): Rejection | { clientId: string; tenantId: string; resource: string } {
  if (nonTenants.has(tenant.toLowerCase())) {
    return reject(400, 'invalid_request', 'tenantedAuthorityRequired', `A client credentials request needs a tenanted authority, not '${tenant}'.`);
  }
  const grantType = form['grant_type'];
  if (!grantType) return missing('grant_type');
  if (grantType !== 'client_credentials') {
    return reject(400, 'unsupported_grant_type', 'unsupportedGrantType', `The provided value for the input parameter 'grant_type' is not valid: '${grantType}'. Expected 'client_credentials'.`);
  }
  const clientId = form['client_id'];
  if (!clientId) return missing('client_id');
  const tokenType = form['token_type'];
  if (tokenType !== undefined && tokenType.toLowerCase() !== 'bearer') {
    return reject(400, 'invalid_request', 'tokenTypeNotMtlsPop', `token_type '${tokenType}' is not served by this endpoint: mTLS PoP tokens come from the mtlsauth hosts.`);
  }
  const scope = form['scope'];
  if (!scope) return missing('scope');
  const scopes = scope.trim().split(/\s+/);
  const [only = ''] = scopes;
  const resource = only.endsWith('/.default') ? only.slice(0, -'/.default'.length) : '';
  if (scopes.length !== 1 || resource === '') {
    return reject(400, 'invalid_scope', 'invalidScope', `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
  }
  const app = ctx.registry.find(tenant, clientId);
  if (app === undefined) {
    return reject(400, 'unauthorized_client', 'applicationNotFound', `Application with identifier '${clientId}' was not found in the directory '${tenant}'.`);
  }
  const assertion = form['client_assertion'];
  if (!assertion) {
    return reject(401, 'invalid_client', 'noClientCertificate', "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
  }
  if (form['client_assertion_type'] !== assertionType) {
    return reject(400, 'invalid_request', 'missingParameter', `client_assertion_type must be '${assertionType}'.`);
  }
  const jwt = decodeJwt(assertion);
  if (jwt === undefined) return reject(401, 'invalid_client', 'invalidClientAssertion', 'The client assertion is not a compact JWS.');
  const key = ctx.registry.assertionKey(tenant, clientId, { x5tS256: jwt.header['x5t#S256'], x5t: jwt.header['x5t'] });
  if (key === undefined) {
    return reject(401, 'invalid_client', 'invalidClientAssertion',
      `The client assertion's header names no certificate registered on application '${clientId}' (x5t#S256 or x5t).`);
  }
  if (!verifyAssertionSignature(jwt, key)) {
    return reject(401, 'invalid_client', 'invalidClientAssertion', 'Client assertion contains an invalid signature (PS256 or RS256 with the registered certificate\'s key).');
  }
  const claims = jwt.payload;
  if (claims['iss'] !== clientId || claims['sub'] !== clientId) {
    return reject(401, 'invalid_client', 'invalidClientAssertion', `The client assertion's iss and sub must be the client id '${clientId}'.`);
  }
  const audiences = Array.isArray(claims['aud']) ? claims['aud'] : [claims['aud']];
  if (!audiences.some((aud) => typeof aud === 'string' && aud.toLowerCase() === endpointUrl.toLowerCase())) {
    return reject(401, 'invalid_client', 'invalidClientAssertion', `The client assertion's aud must be the token endpoint '${endpointUrl}'.`);
  }
  const nowSeconds = Math.floor(ctx.now() / 1000);
  const exp = claims['exp'];
  const nbf = claims['nbf'];
  if (typeof exp !== 'number' || exp + skewSeconds < nowSeconds || (typeof nbf === 'number' && nbf - skewSeconds > nowSeconds)) {
    return reject(401, 'invalid_client', 'assertionTimeRange', 'Client assertion is not within its valid time range.');
  }
  return { clientId: app.clientId, tenantId: app.tenantId, resource };
}

/** PS256 (salt = hash length, RFC 7518 §3.5) or RS256; no other algorithm. */
function verifyAssertionSignature(jwt: DecodedJwt, key: KeyObject): boolean {
  const data = Buffer.from(jwt.signingInput);
  if (jwt.header['alg'] === 'RS256') return verify('sha256', data, key, jwt.signature);
  if (jwt.header['alg'] === 'PS256') {
    return verify('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, jwt.signature);
  }
  return false;
}

/**
 * `GET /{tenant}/v2.0/.well-known/openid-configuration` on a `login.` host (Bearer endpoint on):
 * the endpoints msal-node reads, pointing back at the host the request named.
 */
export function openIdConfiguration(hostHeader: string, tenant: string): Record<string, unknown> {
  const base = `https://${hostHeader}/${tenant}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `https://${hostHeader}/${tenant}/discovery/v2.0/keys`,
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    issuer: `https://${hostHeader}/${tenant}/v2.0`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    tenant_region_scope: null,
    cloud_instance_name: 'microsoftonline.com',
  };
}

/** `GET /common/discovery/instance` (AAD instance discovery, api-version 1.1) for the host the request named. */
export function instanceDiscovery(hostHeader: string): Record<string, unknown> {
  return {
    tenant_discovery_endpoint: `https://${hostHeader}/{tenant}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: hostHeader, preferred_cache: hostHeader, aliases: [hostHeader] }],
  };
}
