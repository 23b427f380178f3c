/**
 * Where IMDS lives and how its v2 URLs are spelled (spec §1.1, §1.2).
 *
 * The base address is used the way MSAL.NET's URI builder uses it: only scheme, host and port
 * survive; the path is replaced by the endpoint's sub-path and the query is set raw. The identity
 * selector value is concatenated without percent-encoding (an ARM resource id goes out with literal
 * `/`), so values that could smuggle extra parameters or break the request line are refused.
 */
import { invalidArgument } from '@msal-mtls/core';

/** The link-local IMDS address (spec §1.1): plain HTTP, no port. */
export const defaultImdsBase = 'http://169.254.169.254';

/** The env variable that overrides the base (spec §1.1); any non-empty value is used verbatim. */
export const imdsBaseEnvVariable = 'AZURE_POD_IDENTITY_AUTHORITY_HOST';

/** A user-assigned managed identity; `undefined` means the system-assigned identity. */
export type ManagedIdentityId = { clientId: string } | { objectId: string } | { resourceId: string };

/** The two IMDSv2 endpoints (spec §1.2). The probe uses `getplatformmetadata` too. */
export type ImdsV2Endpoint = 'getplatformmetadata' | 'issuecredential';

/** IMDSv2 query parameter names for each selector; v2 uses `mi_res_id`, not v1's `msi_res_id` (§1.2). */
const selectorParameter = { clientId: 'client_id', objectId: 'object_id', resourceId: 'mi_res_id' } as const;
type SelectorKey = keyof typeof selectorParameter;

/**
 * The IMDS base address: `imdsEndpoint` if given, else a non-empty `AZURE_POD_IDENTITY_AUTHORITY_HOST`,
 * else `http://169.254.169.254` (spec §1.1). Returns the origin (`scheme://host[:port]`); any path,
 * query or fragment of the configured value is discarded as MSAL.NET's URI builder does.
 * Throws a TypeError naming the source when the value is not an absolute http(s) URL.
 */
export function resolveImdsBase(
  options: { imdsEndpoint?: string | undefined } = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  if (options.imdsEndpoint !== undefined) return parseBase('imdsEndpoint', options.imdsEndpoint);
  const fromEnv = env[imdsBaseEnvVariable];
  if (typeof fromEnv === 'string' && fromEnv.length > 0) return parseBase(imdsBaseEnvVariable, fromEnv);
  return defaultImdsBase;
}

function parseBase(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw invalidArgument(name, 'a non-empty absolute http(s) URL', value);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidArgument(name, 'an absolute http(s) URL such as http://169.254.169.254', value);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw invalidArgument(name, 'an absolute http(s) URL such as http://169.254.169.254', value);
  }
  // Credentials in the base would be dropped by the rebuild below; refuse rather than lose them silently.
  if (url.username !== '' || url.password !== '') throw invalidArgument(name, 'a URL without user name or password', value);
  return `${url.protocol}//${url.host}`;
}

/**
 * The query string without `?` (spec §1.2): `cred-api-version=2.0`, then the selector if any,
 * its value raw (not percent-encoded).
 */
export function imdsQuery(identity: ManagedIdentityId | undefined): string {
  const selector = identitySelector(identity);
  return selector === undefined ? 'cred-api-version=2.0' : `cred-api-version=2.0&${selector.parameter}=${selector.value}`;
}

/** The full URL of an IMDSv2 endpoint: the base's origin + `/metadata/identity/<endpoint>` + raw query. */
export function imdsUrl(base: string, endpoint: ImdsV2Endpoint, identity: ManagedIdentityId | undefined): string {
  if (endpoint !== 'getplatformmetadata' && endpoint !== 'issuecredential') {
    throw invalidArgument('endpoint', "'getplatformmetadata' or 'issuecredential'", endpoint);
  }
  return `${parseBase('base', base)}/metadata/identity/${endpoint}?${imdsQuery(identity)}`;
}

function identitySelector(identity: unknown): { parameter: string; value: string } | undefined {
  if (identity === undefined) return undefined;
  if (typeof identity !== 'object' || identity === null || Array.isArray(identity)) {
    throw invalidArgument('identity', 'undefined or one of { clientId } | { objectId } | { resourceId }', identity);
  }
  const keys = (Object.keys(selectorParameter) as SelectorKey[]).filter((key) => (identity as Record<string, unknown>)[key] !== undefined);
  if (keys.length !== 1) {
    throw invalidArgument('identity', 'exactly one of clientId, objectId or resourceId', identity);
  }
  const key = keys[0]!;
  const value = (identity as Record<string, unknown>)[key];
  const name = `identity.${key}`;
  if (typeof value !== 'string' || value.length === 0) throw invalidArgument(name, 'a non-empty string', value);
  // The value goes into the query raw (§1.2): `&` or `#` would add parameters or cut the query, and
  // whitespace, control or non-ASCII characters would corrupt the request line. Ids never hold them.
  if (!/^[\x21-\x7e]+$/.test(value) || value.includes('&') || value.includes('#')) {
    throw invalidArgument(name, "printable ASCII without '&', '#' or whitespace", value);
  }
  return { parameter: selectorParameter[key], value };
}
