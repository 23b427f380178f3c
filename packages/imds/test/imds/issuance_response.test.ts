import { isStrictBase64, mtlsTokenUrl, parseIssuanceResponse } from '../../src/imds/issuance_response.js';
import { clientId, makeCertificate, tenantId, type TestCertificate } from './test_certificates.js';

let issued: TestCertificate;
beforeAll(() => {
  issued = makeCertificate(`/DC=${tenantId}/CN=${clientId}`);
});

const good = (): Record<string, unknown> => ({
  client_id: clientId,
  tenant_id: tenantId,
  certificate: issued.der.toString('base64'),
  identity_type: 'UserAssigned',
  mtls_authentication_endpoint: 'https://westeurope.mtlsauth.microsoft.com',
});
const parse = (value: unknown) => parseIssuanceResponse(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)), 'corr-1');
const refused = (code: string, why: RegExp) => expect.objectContaining({ code, status: 200, correlationId: 'corr-1', message: expect.stringMatching(why) });

describe('parseIssuanceResponse (spec §5.2, §5.3)', () => {
  it('returns the credential with the certificate loaded and the token URL built', () => {
    const credential = parse({ ...good(), unknown_member: 1 });
    expect(credential).toMatchObject({ clientId, tenantId, identityType: 'UserAssigned', mtlsEndpoint: 'https://westeurope.mtlsauth.microsoft.com' });
    expect(credential.tokenUrl).toBe(`https://westeurope.mtlsauth.microsoft.com/${tenantId}/oauth2/v2.0/token`);
    expect(credential.certificate.raw.equals(issued.der)).toBe(true);
    expect(credential.certificate.subject).toContain(`CN=${clientId}`);
  });

  it('trims slashes: endpoint trailing, tenant both ends', () => {
    const credential = parse({ ...good(), mtls_authentication_endpoint: 'https://x.example/base//', tenant_id: `/${tenantId}/` });
    expect(credential.tokenUrl).toBe(`https://x.example/base/${tenantId}/oauth2/v2.0/token`);
    expect(credential.tenantId).toBe(tenantId);
    expect(mtlsTokenUrl('https://h/', 'contoso.onmicrosoft.com')).toBe('https://h/contoso.onmicrosoft.com/oauth2/v2.0/token');
  });

  it.each(['client_id', 'tenant_id', 'certificate', 'identity_type', 'mtls_authentication_endpoint'])('refuses %s missing, empty or not a string', (field) => {
    for (const value of [undefined, '', '   ', 5, null, { a: 1 }]) {
      expect(() => parse({ ...good(), [field]: value })).toThrow(refused('ERR_IMDS_INVALID_ISSUANCE_RESPONSE', new RegExp(field)));
    }
  });

  it('member names are snake_case and case-sensitive', () => {
    const { client_id: _omit, ...rest } = good();
    expect(() => parse({ ...rest, clientId })).toThrow(refused('ERR_IMDS_INVALID_ISSUANCE_RESPONSE', /client_id/));
  });

  it.each([['garbage'], ['[]'], ['null']])('refuses the body %j', (body) => {
    expect(() => parse(body)).toThrow(refused('ERR_IMDS_INVALID_ISSUANCE_RESPONSE', /not a JSON object/));
  });

  it.each([['/'], ['..'], ['a/b'], ['t?x=1'], ['t#f'], ['t%2F']])('refuses tenant_id %j', (tenant) => {
    expect(() => parse({ ...good(), tenant_id: tenant })).toThrow(refused('ERR_IMDS_INVALID_ISSUANCE_RESPONSE', /tenant_id/));
  });

  it.each([['http://eastus2.mtlsauth.microsoft.com'], ['eastus2.mtlsauth.microsoft.com'], ['/relative'], ['ftp://h'], [' https://h']])('refuses the endpoint %j as insecure', (endpoint) => {
    expect(() => parse({ ...good(), mtls_authentication_endpoint: endpoint })).toThrow(refused('ERR_IMDS_INSECURE_TOKEN_ENDPOINT', /https/));
  });

  it.each([['https://h/?a=b'], ['https://h/#f'], ['https://u:p@h/']])('refuses the endpoint %j (query, fragment, credentials)', (endpoint) => {
    expect(() => parse({ ...good(), mtls_authentication_endpoint: endpoint })).toThrow(refused('ERR_IMDS_INVALID_ISSUANCE_RESPONSE', /mtls_authentication_endpoint/));
  });

  it('refuses a certificate that is not strict base64', () => {
    const b64 = issued.der.toString('base64');
    const wrapped = b64.replace(/(.{64})/g, '$1\n');
    const pem = `-----BEGIN CERTIFICATE-----\n${wrapped}\n-----END CERTIFICATE-----`;
    for (const text of ['@@not base64@@', wrapped, pem, b64.replace(/=+$/, ''), `${b64}AAAA!`, b64.replace(/\+/g, '-').replace(/\//g, '_')]) {
      expect(() => parse({ ...good(), certificate: text })).toThrow(refused('ERR_IMDS_INVALID_CERTIFICATE', /base64/));
    }
  });

  it('refuses base64 that is not an X.509 DER certificate, or has trailing bytes', () => {
    expect(() => parse({ ...good(), certificate: Buffer.from('hello world').toString('base64') })).toThrow(refused('ERR_IMDS_INVALID_CERTIFICATE', /not an X\.509/));
    expect(() => parse({ ...good(), certificate: Buffer.concat([issued.der, Buffer.from([0, 0, 0])]).toString('base64') })).toThrow(
      refused('ERR_IMDS_INVALID_CERTIFICATE', /bytes after/),
    );
  });

  it('isStrictBase64 accepts only canonical padded base64', () => {
    expect(['QQ==', 'QUI=', 'QUJD', 'a+/='.replace('=', 'A')].map(isStrictBase64)).toEqual([true, true, true, true]);
    expect(['', 'QQ', 'QR==', 'QQ==QQ==', 'Q Q=', 'QUJD\n'].map(isStrictBase64)).toEqual([false, false, false, false, false, false]);
  });
});
