import { accessTokenClaims, signAccessToken } from './access_token.js';
import type { ImdsConfig } from './imds_options.js';
import type { TokenSigningKey } from './signing_key.js';

/** `GET /metadata/identity/oauth2/token` (msal-node adds a trailing slash): the IMDSv1 managed-identity token endpoint. */
export const V1_TOKEN_PATHS: ReadonlySet<string> = new Set(['/metadata/identity/oauth2/token', '/metadata/identity/oauth2/token/']);
/** api-versions of the v1 token endpoint the emulator answers. */
const apiVersions: ReadonlySet<string> = new Set(['2018-02-01', '2019-08-01']);
/** Real IMDS hands out tokens with about a day left. */
export const V1_TOKEN_LIFETIME_SECONDS = 86399;

export interface V1Outcome {
  status: number;
  body: Record<string, unknown>;
}

const fail = (description: string, error = 'invalid_request'): V1Outcome => ({ status: 400, body: { error, error_description: description } });

/**
 * An IMDSv1 token (`Metadata: true` already checked): `api-version`, `resource`, and at most one of
 * `client_id`, `object_id`, `msi_res_id` (or `mi_res_id`). A Bearer token in IMDS's shape, where
 * `expires_in`, `expires_on`, `ext_expires_in` and `not_before` are strings of seconds.
 */
export function issueV1Token(query: URLSearchParams, config: ImdsConfig, signingKey: TokenSigningKey, nowMs: number): V1Outcome {
  const apiVersion = query.get('api-version');
  if (apiVersion === null) return fail('Required query variable api-version is missing');
  if (!apiVersions.has(apiVersion)) return fail(`Specified api-version '${apiVersion}' is not supported`);
  const resource = query.get('resource');
  if (resource === null || resource.trim() === '') return fail('Required audience parameter not specified');
  const selectors = (['client_id', 'object_id', 'msi_res_id', 'mi_res_id'] as const).filter((name) => query.has(name));
  if (selectors.length > 1) return fail(`Only one of client_id, object_id, msi_res_id may be given; got ${selectors.join(', ')}`);
  let clientId = config.systemAssigned.clientId;
  const [selector] = selectors;
  if (selector !== undefined) {
    const wanted = (query.get(selector) ?? '').toLowerCase();
    const field = selector === 'client_id' ? 'clientId' : selector === 'object_id' ? 'objectId' : 'resourceId';
    const found = config.userAssigned.find((identity) => identity[field].toLowerCase() === wanted);
    if (found === undefined || wanted === '') return fail('Identity not found');
    clientId = found.clientId;
  }
  const nowSeconds = Math.floor(nowMs / 1000);
  const audience = resource.replace(/\/\.default$/, '');
  const claims = accessTokenClaims({
    issuerHost: 'login.microsoftonline.com', tenantId: config.tenantId, clientId, audience,
    x5tS256: '', nowSeconds, lifetimeSeconds: V1_TOKEN_LIFETIME_SECONDS,
  });
  delete claims['cnf'];
  claims['appidacr'] = '2';
  return {
    status: 200,
    body: {
      access_token: signAccessToken(claims, signingKey),
      client_id: clientId,
      expires_in: String(V1_TOKEN_LIFETIME_SECONDS),
      expires_on: String(nowSeconds + V1_TOKEN_LIFETIME_SECONDS),
      ext_expires_in: String(V1_TOKEN_LIFETIME_SECONDS),
      not_before: String(nowSeconds),
      resource,
      token_type: 'Bearer',
    },
  };
}
