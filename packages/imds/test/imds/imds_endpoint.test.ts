import { defaultImdsBase, imdsQuery, imdsUrl, resolveImdsBase } from '../../src/imds/imds_endpoint.js';

const resourceId = '/subscriptions/0000/resourceGroups/rg-1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-1';

describe('resolveImdsBase (spec §1.1)', () => {
  it('defaults to http://169.254.169.254 when nothing is configured', () => {
    expect(resolveImdsBase({}, {})).toBe('http://169.254.169.254');
    expect(defaultImdsBase).toBe('http://169.254.169.254');
  });

  it('uses a non-empty AZURE_POD_IDENTITY_AUTHORITY_HOST and ignores an empty one', () => {
    expect(resolveImdsBase({}, { AZURE_POD_IDENTITY_AUTHORITY_HOST: 'http://10.0.0.5:2377' })).toBe('http://10.0.0.5:2377');
    expect(resolveImdsBase({}, { AZURE_POD_IDENTITY_AUTHORITY_HOST: '' })).toBe('http://169.254.169.254');
  });

  it('prefers the imdsEndpoint option over the environment', () => {
    expect(resolveImdsBase({ imdsEndpoint: 'https://imds.example:8443' }, { AZURE_POD_IDENTITY_AUTHORITY_HOST: 'http://10.0.0.5' })).toBe('https://imds.example:8443');
  });

  it('keeps only the origin: a configured path, query and fragment are discarded', () => {
    expect(resolveImdsBase({ imdsEndpoint: 'http://127.0.0.1:8080/some/path?x=1#f' }, {})).toBe('http://127.0.0.1:8080');
  });

  it.each([['not a url'], ['ftp://host'], ['169.254.169.254'], ['http://user:pw@host']])('refuses %j with a TypeError naming the source', (value) => {
    expect(() => resolveImdsBase({ imdsEndpoint: value }, {})).toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_MTLS_INVALID_ARGUMENT', message: expect.stringContaining('imdsEndpoint') }));
    expect(() => resolveImdsBase({}, { AZURE_POD_IDENTITY_AUTHORITY_HOST: value })).toThrow(/AZURE_POD_IDENTITY_AUTHORITY_HOST/);
  });
});

describe('imdsQuery / imdsUrl (spec §1.2)', () => {
  it('system-assigned: only cred-api-version', () => {
    expect(imdsQuery(undefined)).toBe('cred-api-version=2.0');
    expect(imdsUrl('http://169.254.169.254', 'getplatformmetadata', undefined)).toBe('http://169.254.169.254/metadata/identity/getplatformmetadata?cred-api-version=2.0');
  });

  it('selectors come second, with the v2 parameter names and raw values', () => {
    expect(imdsQuery({ clientId: '00000000-1111-2222-3333-444444444444' })).toBe('cred-api-version=2.0&client_id=00000000-1111-2222-3333-444444444444');
    expect(imdsQuery({ objectId: 'aaaa-bbbb' })).toBe('cred-api-version=2.0&object_id=aaaa-bbbb');
    expect(imdsQuery({ resourceId })).toBe(`cred-api-version=2.0&mi_res_id=${resourceId}`);
    expect(imdsUrl('http://h:1/x', 'issuecredential', { resourceId })).toBe(`http://h:1/metadata/identity/issuecredential?cred-api-version=2.0&mi_res_id=${resourceId}`);
  });

  it.each([['a&client_id=evil'], ['a#b'], ['a b'], ['a\tb'], ['a\r\nX: y'], ['é'], ['']])('refuses the selector value %j', (value) => {
    expect(() => imdsQuery({ clientId: value })).toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_MTLS_INVALID_ARGUMENT', message: expect.stringContaining('identity.clientId') }));
  });

  it('refuses ambiguous, empty or mistyped selectors', () => {
    expect(() => imdsQuery({ clientId: 'a', objectId: 'b' } as never)).toThrow(/exactly one/);
    expect(() => imdsQuery({} as never)).toThrow(/exactly one/);
    expect(() => imdsQuery('client' as never)).toThrow(TypeError);
    expect(() => imdsQuery({ objectId: 5 } as never)).toThrow(/identity\.objectId/);
  });

  it('refuses an unknown endpoint name', () => {
    expect(() => imdsUrl('http://h', 'oauth2/token' as never, undefined)).toThrow(/endpoint/);
  });
});
