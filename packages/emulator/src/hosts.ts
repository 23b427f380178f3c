/** What a request's host is, which decides which endpoint answers it. */
export type HostRole =
  | { kind: 'mtlsauth'; /** `login.` host of the same cloud, for `iss`. */ issuerHost: string; region: string | undefined }
  | { kind: 'login' }
  | { kind: 'resource'; audience: string }
  | { kind: 'unknown' };

/** Cloud suffix after `mtlsauth.` → that cloud's login host (the token issuer). */
const mtlsClouds: ReadonlyMap<string, string> = new Map([
  ['microsoft.com', 'login.microsoftonline.com'],
  ['microsoftonline.us', 'login.microsoftonline.us'],
  ['partner.microsoftonline.cn', 'login.partner.microsoftonline.cn'],
  ['windows-ppe.net', 'login.windows-ppe.net'],
  ['sovcloud-identity.fr', 'login.sovcloud-identity.fr'],
  ['sovcloud-identity.de', 'login.sovcloud-identity.de'],
  ['sovcloud-identity.sg', 'login.sovcloud-identity.sg'],
  ['microsoftonline.de', 'login.microsoftonline.de'],
]);

const loginHosts: ReadonlySet<string> = new Set([
  'login.microsoftonline.com', 'login.microsoft.com', 'login.windows.net', 'login.microsoftonline.us',
  'login.partner.microsoftonline.cn', 'localhost', '127.0.0.1',
]);

/** Default resource host → audience (the mTLS test endpoint of Microsoft Graph). */
export const DEFAULT_RESOURCE_HOSTS: Readonly<Record<string, string>> = {
  'mtlstb.graph.microsoft.com': 'https://graph.microsoft.com',
};

/** `Host` header value → bare lower-case name (port, brackets and a trailing dot removed). */
export function normalizeHost(hostHeader: string): string {
  let host = hostHeader.trim().toLowerCase();
  if (host.startsWith('[')) host = host.slice(1, host.indexOf(']'));
  else if (host.includes(':')) host = host.slice(0, host.lastIndexOf(':'));
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

/** Classifies a normalized host: global `mtlsauth.X`, regional `r.mtlsauth.X`, a login host, or a resource. */
export function classifyHost(host: string, resourceHosts: ReadonlyMap<string, string>): HostRole {
  const audience = resourceHosts.get(host);
  if (audience !== undefined) return { kind: 'resource', audience };
  const labels = host.split('.');
  const at = labels.indexOf('mtlsauth');
  if (at === 0 || at === 1) {
    const issuerHost = mtlsClouds.get(labels.slice(at + 1).join('.'));
    if (issuerHost !== undefined) return { kind: 'mtlsauth', issuerHost, region: at === 1 ? labels[0] : undefined };
  }
  return loginHosts.has(host) ? { kind: 'login' } : { kind: 'unknown' };
}
