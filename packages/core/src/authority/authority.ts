import { MtlsError } from '../errors/mtls_error.js';
import { requireString } from '../errors/argument.js';

/** An authority URL taken apart: what the token request and the cache key need. */
export interface Authority {
  /** The authority as given, normalised to `https://host/tenant`. */
  readonly canonical: string;
  /** Lower-cased host, without port. */
  readonly host: string;
  /** The tenant path segment as given (GUID or domain). */
  readonly tenant: string;
  /** dSTS authorities (`https://host/dstsv2/<tenant>`) keep their host for the token request. */
  readonly kind: 'entra' | 'dsts';
}

/** Tenants that name no single tenant; mTLS PoP needs one (spec §10.1, `missing_tenanted_authority`). */
const tenantless = new Set(['common', 'organizations', 'consumers']);

/** Legacy sovereign hosts that have no mTLS endpoint, with the host to use instead (spec §10.1). */
const legacySovereignHosts: ReadonlyMap<string, string> = new Map([
  ['login.usgovcloudapi.net', 'login.microsoftonline.us'],
  ['login.chinacloudapi.cn', 'login.partner.microsoftonline.cn'],
]);

/**
 * Parses and checks an authority for mTLS PoP, in the order MSAL.NET surfaces its errors
 * (tenant, then legacy sovereign host, then non-`login.` host). No network call.
 * @see ../../../../../shared/spec/protocol.md §10.1
 */
export function parseAuthority(value: unknown): Authority {
  const text = requireString('authority', value);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new MtlsError('ERR_MTLS_INVALID_AUTHORITY', { message: `The authority '${text}' is not a URL.` });
  }
  if (url.protocol !== 'https:') {
    throw new MtlsError('ERR_MTLS_INVALID_AUTHORITY', { message: `The authority must use https; received '${url.protocol}'.` });
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new MtlsError('ERR_MTLS_INVALID_AUTHORITY', {
      message: 'The authority must not carry credentials, a query or a fragment.',
    });
  }
  const segments = url.pathname.split('/').filter((s) => s.length > 0);
  const host = url.hostname.toLowerCase();

  if (segments[0]?.toLowerCase() === 'dstsv2') {
    const tenant = segments[1];
    if (tenant === undefined) {
      throw new MtlsError('ERR_MTLS_INVALID_AUTHORITY', { message: 'A dSTS authority needs a tenant: https://<host>/dstsv2/<tenant>.' });
    }
    return { canonical: `https://${url.host.toLowerCase()}/dstsv2/${tenant}`, host, tenant, kind: 'dsts' };
  }

  const tenant = segments[0];
  if (tenant === undefined) {
    throw new MtlsError('ERR_MTLS_INVALID_AUTHORITY', { message: `The authority '${text}' has no tenant segment.` });
  }
  if (tenantless.has(tenant.toLowerCase())) {
    throw new MtlsError('ERR_MTLS_TENANTLESS_AUTHORITY', {
      message: `mTLS PoP requires a tenanted authority; '${tenant}' names no single tenant.`,
    });
  }
  const replacement = legacySovereignHosts.get(host);
  if (replacement !== undefined) {
    throw new MtlsError('ERR_MTLS_UNSUPPORTED_HOST', {
      message: `${host} is not supported for mTLS PoP; use ${replacement} instead.`,
    });
  }
  if (!host.startsWith('login.')) {
    throw new MtlsError('ERR_MTLS_UNSUPPORTED_HOST', {
      message: `mTLS PoP is only supported for hosts that start with 'login.'; received '${host}'.`,
    });
  }
  return { canonical: `https://${url.host.toLowerCase()}/${tenant}`, host, tenant, kind: 'entra' };
}
