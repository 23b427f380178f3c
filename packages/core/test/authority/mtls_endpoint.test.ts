import { parseAuthority } from '../../src/authority/authority.js';
import { mtlsTokenUrl } from '../../src/authority/mtls_endpoint.js';
import { parseRegion } from '../../src/authority/region.js';

// spec §10.2 host table, regional and global, every cloud it names.
const table: Array<[string, string, string]> = [
  ['login.microsoftonline.com', 'eastus.mtlsauth.microsoft.com', 'mtlsauth.microsoft.com'],
  ['login.windows.net', 'eastus.mtlsauth.microsoft.com', 'mtlsauth.microsoft.com'],
  ['login.microsoft.com', 'eastus.mtlsauth.microsoft.com', 'mtlsauth.microsoft.com'],
  ['login.microsoftonline.us', 'eastus.mtlsauth.microsoftonline.us', 'mtlsauth.microsoftonline.us'],
  ['login.partner.microsoftonline.cn', 'eastus.mtlsauth.partner.microsoftonline.cn', 'mtlsauth.partner.microsoftonline.cn'],
  ['login.microsoftonline.de', 'eastus.mtlsauth.microsoftonline.de', 'mtlsauth.microsoftonline.de'],
  ['login.windows-ppe.net', 'eastus.mtlsauth.windows-ppe.net', 'mtlsauth.windows-ppe.net'],
  ['login.sovcloud-identity.fr', 'eastus.mtlsauth.sovcloud-identity.fr', 'mtlsauth.sovcloud-identity.fr'],
  ['login.sovcloud-identity.de', 'eastus.mtlsauth.sovcloud-identity.de', 'mtlsauth.sovcloud-identity.de'],
  ['login.sovcloud-identity.sg', 'eastus.mtlsauth.sovcloud-identity.sg', 'mtlsauth.sovcloud-identity.sg'],
  ['login.contoso-cloud.example', 'eastus.mtlsauth.contoso-cloud.example', 'mtlsauth.contoso-cloud.example'],
];

describe('mTLS token URL (spec §10.2)', () => {
  test.each(table)('%s → regional %s, global %s', (loginHost, regional, global) => {
    const authority = parseAuthority(`https://${loginHost}/123456-1234-2345-1234561234`);
    expect(mtlsTokenUrl(authority, 'eastus')).toBe(`https://${regional}/123456-1234-2345-1234561234/oauth2/v2.0/token`);
    expect(mtlsTokenUrl(authority, undefined)).toBe(`https://${global}/123456-1234-2345-1234561234/oauth2/v2.0/token`);
  });

  test('the spec test vector', () => {
    expect(mtlsTokenUrl(parseAuthority('https://login.microsoftonline.com/123456-1234-2345-1234561234'), parseRegion('eastus'))).toBe(
      'https://eastus.mtlsauth.microsoft.com/123456-1234-2345-1234561234/oauth2/v2.0/token',
    );
  });

  test('dSTS keeps its authority: {authority}/oauth2/v2.0/token', () => {
    const authority = parseAuthority('https://foo.dsts.core.windows.net/dstsv2/tid');
    expect(mtlsTokenUrl(authority, 'eastus')).toBe('https://foo.dsts.core.windows.net/dstsv2/tid/oauth2/v2.0/token');
  });
});

describe('parseRegion', () => {
  test.each([['eastus', 'eastus'], ['EastUS2', 'eastus2'], [' westeurope ', 'westeurope'], [undefined, undefined]])('%p → %p', (input, want) => {
    expect(parseRegion(input)).toBe(want);
  });
  test.each(['east us', 'east-us', 'eastus.evil.com', '', 'a'.repeat(64)])('invalid %p → ERR_MTLS_INVALID_REGION', (region) => {
    expect(() => parseRegion(region)).toThrow(expect.objectContaining({ code: 'ERR_MTLS_INVALID_REGION' }));
  });
  test('a non-string is misuse', () => {
    expect(() => parseRegion(5)).toThrow(TypeError);
  });
});
