import { parseAuthority } from '../../src/authority/authority.js';

// spec §10.1: validations, in the order they surface.
describe('parseAuthority (spec §10.1)', () => {
  const clouds = [
    'login.microsoftonline.com',
    'login.microsoftonline.us',
    'login.partner.microsoftonline.cn',
    'login.microsoftonline.de',
    'login.sovcloud-identity.fr',
    'login.windows-ppe.net',
  ];
  for (const host of clouds) {
    for (const tenant of ['common', 'organizations', 'consumers', 'Common']) {
      test(`tenantless ${host}/${tenant} → ERR_MTLS_TENANTLESS_AUTHORITY`, () => {
        expect(() => parseAuthority(`https://${host}/${tenant}`)).toThrow(expect.objectContaining({ code: 'ERR_MTLS_TENANTLESS_AUTHORITY' }));
      });
    }
  }

  test.each([
    ['https://login.usgovcloudapi.net/tid', 'login.microsoftonline.us'],
    ['https://login.chinacloudapi.cn/tid', 'login.partner.microsoftonline.cn'],
  ])('legacy sovereign host %s names its replacement', (authority, replacement) => {
    expect(() => parseAuthority(authority)).toThrow(
      expect.objectContaining({ code: 'ERR_MTLS_UNSUPPORTED_HOST', message: expect.stringContaining(replacement) }),
    );
  });

  test.each(['https://sts.windows.net/tid', 'https://login-us.microsoftonline.com/tid', 'https://mtlsauth.microsoft.com/tid'])(
    'non-login host %s → ERR_MTLS_UNSUPPORTED_HOST',
    (authority) => {
      expect(() => parseAuthority(authority)).toThrow(expect.objectContaining({ code: 'ERR_MTLS_UNSUPPORTED_HOST', message: expect.stringContaining("'login.'") }));
    },
  );

  test('tenant is checked before host, as MSAL.NET surfaces them', () => {
    expect(() => parseAuthority('https://sts.windows.net/common')).toThrow(expect.objectContaining({ code: 'ERR_MTLS_TENANTLESS_AUTHORITY' }));
  });

  test.each([
    ['not a url', 'ERR_MTLS_INVALID_AUTHORITY'],
    ['http://login.microsoftonline.com/tid', 'ERR_MTLS_INVALID_AUTHORITY'],
    ['https://login.microsoftonline.com', 'ERR_MTLS_INVALID_AUTHORITY'],
    ['https://login.microsoftonline.com/tid?x=1', 'ERR_MTLS_INVALID_AUTHORITY'],
    ['https://user:pw@login.microsoftonline.com/tid', 'ERR_MTLS_INVALID_AUTHORITY'],
  ])('%s → %s', (authority, code) => {
    expect(() => parseAuthority(authority)).toThrow(expect.objectContaining({ code }));
  });

  test.each([undefined, 42, '', '  '])('misuse %p is a TypeError', (value) => {
    expect(() => parseAuthority(value)).toThrow(TypeError);
  });

  test('a tenanted authority parses, host lower-cased, trailing slash ignored', () => {
    expect(parseAuthority('https://LOGIN.microsoftonline.com/contoso.onmicrosoft.com/')).toEqual({
      canonical: 'https://login.microsoftonline.com/contoso.onmicrosoft.com',
      host: 'login.microsoftonline.com',
      tenant: 'contoso.onmicrosoft.com',
      kind: 'entra',
    });
  });

  test('dSTS authorities are accepted and keep their host', () => {
    expect(parseAuthority('https://foo.dsts.core.windows.net/dstsv2/7a433bfc-2514-4697-b467-e0933190487f')).toMatchObject({
      kind: 'dsts',
      host: 'foo.dsts.core.windows.net',
      tenant: '7a433bfc-2514-4697-b467-e0933190487f',
    });
  });
});
