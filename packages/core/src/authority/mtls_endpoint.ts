import type { Authority } from './authority.js';

/** Hosts of the public cloud that share one mTLS host (spec §10.2). */
const publicCloudHosts = new Set(['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com']);

/** Explicit entries of the spec's host table; every other `login.X` maps to `mtlsauth.X`. */
const mtlsHostByLoginHost: ReadonlyMap<string, string> = new Map([
  ['login.microsoftonline.us', 'mtlsauth.microsoftonline.us'],
  ['login.partner.microsoftonline.cn', 'mtlsauth.partner.microsoftonline.cn'],
]);

/**
 * The global mTLS token host for an authority host: `login.` becomes `mtlsauth.`, and the three
 * public-cloud aliases share `mtlsauth.microsoft.com`.
 * @see ../../../../../shared/spec/protocol.md §10.2
 */
export function globalMtlsHost(loginHost: string): string {
  if (publicCloudHosts.has(loginHost)) return 'mtlsauth.microsoft.com';
  return mtlsHostByLoginHost.get(loginHost) ?? `mtlsauth.${loginHost.slice('login.'.length)}`;
}

/** `r.<global mTLS host>` with a region, the global host without one. */
export function mtlsHost(loginHost: string, region: string | undefined): string {
  const global = globalMtlsHost(loginHost);
  return region === undefined ? global : `${region}.${global}`;
}

/**
 * The token URL for mTLS PoP. Entra: `https://{mtls host}/{tenant}/oauth2/v2.0/token`.
 * dSTS keeps its own host: `{authority}/oauth2/v2.0/token` (spec §10.1, "dSTS is supported").
 */
export function mtlsTokenUrl(authority: Authority, region: string | undefined): string {
  if (authority.kind === 'dsts') return `${authority.canonical}/oauth2/v2.0/token`;
  return `https://${mtlsHost(authority.host, region)}/${authority.tenant}/oauth2/v2.0/token`;
}
