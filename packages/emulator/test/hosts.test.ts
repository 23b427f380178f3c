import { classifyHost, DEFAULT_RESOURCE_HOSTS, normalizeHost } from '../src/hosts.js';

const resources = new Map(Object.entries(DEFAULT_RESOURCE_HOSTS));

test.each([
  ['eastus.mtlsauth.microsoft.com', { kind: 'mtlsauth', issuerHost: 'login.microsoftonline.com', region: 'eastus' }],
  ['mtlsauth.microsoft.com', { kind: 'mtlsauth', issuerHost: 'login.microsoftonline.com', region: undefined }],
  ['chinaeast2.mtlsauth.partner.microsoftonline.cn', { kind: 'mtlsauth', issuerHost: 'login.partner.microsoftonline.cn', region: 'chinaeast2' }],
  ['mtlsauth.sovcloud-identity.fr', { kind: 'mtlsauth', issuerHost: 'login.sovcloud-identity.fr', region: undefined }],
  ['login.microsoftonline.com', { kind: 'login' }],
  ['mtlstb.graph.microsoft.com', { kind: 'resource', audience: 'https://graph.microsoft.com' }],
  ['a.b.mtlsauth.microsoft.com', { kind: 'unknown' }],
  ['mtlsauth.example.com', { kind: 'unknown' }],
])('%s', (host, role) => {
  expect(classifyHost(host, resources)).toEqual(role);
});

test('Host header normalization', () => {
  expect(normalizeHost('EastUS.MtlsAuth.Microsoft.com:443')).toBe('eastus.mtlsauth.microsoft.com');
  expect(normalizeHost('login.microsoftonline.com.')).toBe('login.microsoftonline.com');
  expect(normalizeHost('[::1]:8443')).toBe('::1');
});
