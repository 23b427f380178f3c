import type { AadstsCase } from './aadsts_error.js';
import type { ApplicationRegistry } from './applications.js';

/** A token request the endpoint refuses, before it becomes an Entra-style body. */
export interface TokenRejection {
  ok: false;
  status: number;
  error: string;
  aadstsCase: AadstsCase;
  message: string;
}

/** A token request that may be answered with a token. */
export interface TokenAcceptance {
  ok: true;
  clientId: string;
  tenantId: string;
  /** The scope without `/.default`: the token's audience. */
  resource: string;
  clientCertX5t: string;
}

/** What the validator needs from the request. */
export interface TokenRequestInput {
  tenant: string;
  form: Record<string, string>;
  clientCertX5t: string | undefined;
}

const nonTenants: ReadonlySet<string> = new Set(['common', 'organizations', 'consumers']);

function reject(status: number, error: string, aadstsCase: AadstsCase, message: string): TokenRejection {
  return { ok: false, status, error, aadstsCase, message };
}

const missing = (name: string): TokenRejection =>
  reject(400, 'invalid_request', 'missingParameter', `The request body must contain the following parameter: '${name}'.`);

/** Normalizes a resource id for comparison: lower case, no trailing slash. */
export function normalizeResource(resource: string): string {
  return resource.toLowerCase().replace(/\/+$/, '');
}

/**
 * Applies the mTLS PoP client-credentials rules in Entra's order: request shape first, then
 * who the client is, then whether the resource takes mTLS PoP tokens.
 */
export function validateTokenRequest(
  input: TokenRequestInput,
  registry: ApplicationRegistry,
  enrolledResources: ReadonlySet<string>,
): TokenRejection | TokenAcceptance {
  const { tenant, form } = input;
  if (nonTenants.has(tenant.toLowerCase())) {
    return reject(400, 'invalid_request', 'tenantedAuthorityRequired',
      `No tenant-identifying information found in either the request or implied by any provided credentials. mTLS proof-of-possession requires a tenanted authority (a tenant id or domain), not '${tenant}'.`);
  }
  if (form['client_assertion'] !== undefined || form['client_assertion_type'] !== undefined) {
    return reject(400, 'invalid_request', 'clientAssertionNotAllowed',
      'client_assertion must not be sent to the mTLS endpoint: the TLS client certificate is the credential.');
  }
  const grantType = form['grant_type'];
  if (!grantType) return missing('grant_type');
  if (grantType !== 'client_credentials') {
    return reject(400, 'unsupported_grant_type', 'unsupportedGrantType', `The provided value for the input parameter 'grant_type' is not valid: '${grantType}'. Expected 'client_credentials'.`);
  }
  const clientId = form['client_id'];
  if (!clientId) return missing('client_id');
  const tokenType = form['token_type'];
  if (!tokenType) return missing('token_type');
  if (tokenType !== 'mtls_pop') {
    return reject(400, 'invalid_request', 'tokenTypeNotMtlsPop', `The provided value for 'token_type' is not valid: '${tokenType}'. The mTLS endpoint issues token_type 'mtls_pop' only.`);
  }
  const scope = form['scope'];
  if (!scope) return missing('scope');
  const scopes = scope.trim().split(/\s+/);
  const [only = ''] = scopes;
  const resource = only.endsWith('/.default') ? only.slice(0, -'/.default'.length) : '';
  if (scopes.length !== 1 || resource === '') {
    return reject(400, 'invalid_scope', 'invalidScope', `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
  }
  const app = registry.find(tenant, clientId);
  if (app === undefined) {
    return reject(400, 'unauthorized_client', 'applicationNotFound',
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`);
  }
  const x5t = input.clientCertX5t;
  if (x5t === undefined) {
    return reject(401, 'invalid_client', 'noClientCertificate',
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'. No TLS client certificate was presented to the mTLS endpoint.");
  }
  if (!app.hasCertificate(x5t)) {
    return reject(401, 'invalid_client', 'certificateNotRegistered',
      `The certificate with identifier (x5t#S256) '${x5t}' presented in the TLS handshake is not registered on application '${clientId}'.`);
  }
  if (!enrolledResources.has(normalizeResource(resource))) {
    return reject(400, 'invalid_request', 'resourceNotEnrolled', `The resource '${resource}' is not enrolled for mTLS proof-of-possession tokens.`);
  }
  return { ok: true, clientId: app.clientId, tenantId: app.tenantId, resource, clientCertX5t: x5t };
}
