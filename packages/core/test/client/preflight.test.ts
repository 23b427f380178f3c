import { createPrivateKey, X509Certificate } from 'node:crypto';
import { ConfidentialClient, type ConfidentialClientOptions } from '../../src/client/confidential_client.js';
import { makeCertificate, type TestCertificate } from '../helpers/openssl_certs.js';

// Spec §10.1: every pre-flight failure is a typed error thrown before any network call. The
// constructor never dials, so a thrown error here is by construction "before the network".
let cert: TestCertificate;
let other: TestCertificate;
beforeAll(() => {
  cert = makeCertificate({ cn: 'app' });
  other = makeCertificate({ cn: 'other' });
});

const base = (): ConfidentialClientOptions => ({
  clientId: '11111111-2222-3333-4444-555555555555',
  authority: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47',
  azureRegion: 'eastus',
  certificate: { certPem: cert.certPem, keyPem: cert.keyPem },
});

describe('ConfidentialClient pre-flight (spec §10.1)', () => {
  test.each([
    ['/common', { authority: 'https://login.microsoftonline.com/common' }, 'ERR_MTLS_TENANTLESS_AUTHORITY'],
    ['/organizations', { authority: 'https://login.microsoftonline.com/organizations' }, 'ERR_MTLS_TENANTLESS_AUTHORITY'],
    ['/consumers', { authority: 'https://login.microsoftonline.us/consumers' }, 'ERR_MTLS_TENANTLESS_AUTHORITY'],
    ['legacy US Gov host', { authority: 'https://login.usgovcloudapi.net/tid' }, 'ERR_MTLS_UNSUPPORTED_HOST'],
    ['legacy China host', { authority: 'https://login.chinacloudapi.cn/tid' }, 'ERR_MTLS_UNSUPPORTED_HOST'],
    ['non-login host', { authority: 'https://sts.windows.net/tid' }, 'ERR_MTLS_UNSUPPORTED_HOST'],
    ['invalid region', { azureRegion: 'east us' }, 'ERR_MTLS_INVALID_REGION'],
    ['client secret', { certificate: undefined, clientSecret: 's3cret' }, 'ERR_MTLS_CERTIFICATE_REQUIRED'],
    ['assertion without binding certificate', { certificate: undefined, clientAssertion: () => 'jwt' }, 'ERR_MTLS_CERTIFICATE_REQUIRED'],
    ['no credential', { certificate: undefined }, 'ERR_MTLS_CERTIFICATE_REQUIRED'],
  ])('%s → %s', (_name, override, code) => {
    expect(() => new ConfidentialClient({ ...base(), ...override } as ConfidentialClientOptions)).toThrow(expect.objectContaining({ code }));
  });

  test('the credential is checked before the authority (MSAL.NET order)', () => {
    expect(() => new ConfidentialClient({ ...base(), certificate: undefined, clientSecret: 'x', authority: 'https://login.microsoftonline.com/common' } as ConfidentialClientOptions)).toThrow(
      expect.objectContaining({ code: 'ERR_MTLS_CERTIFICATE_REQUIRED' }),
    );
  });

  test('a secret never appears in the error', () => {
    try {
      new ConfidentialClient({ ...base(), certificate: undefined, clientSecret: 'p@ss-VALUE-123' } as ConfidentialClientOptions);
    } catch (e) {
      expect(String((e as Error).message)).not.toContain('p@ss-VALUE-123');
      return;
    }
    throw new Error('expected a throw');
  });

  test('no region: the global host; a region: the regional host', () => {
    const { azureRegion: _drop, ...noRegion } = base();
    expect(new ConfidentialClient(noRegion).tokenUrl).toBe('https://mtlsauth.microsoft.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token');
    expect(new ConfidentialClient(base()).tokenUrl).toBe('https://eastus.mtlsauth.microsoft.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token');
  });
});

describe('certificate forms', () => {
  test('PEM, PFX and KeyObject give the same binding certificate', () => {
    const pem = new ConfidentialClient(base());
    const pfx = new ConfidentialClient({ ...base(), certificate: { pfx: cert.pfx, passphrase: cert.pfxPassphrase } });
    const key = new ConfidentialClient({ ...base(), certificate: { key: createPrivateKey(cert.keyPem), chain: [cert.certPem] } });
    expect(pfx.bindingCertificate.raw.equals(pem.bindingCertificate.raw)).toBe(true);
    expect(key.bindingCertificate.raw.equals(pem.bindingCertificate.raw)).toBe(true);
    expect(pem.bindingCertificate).toBeInstanceOf(X509Certificate);
  });

  test.each([
    ['a key of another certificate', () => ({ certPem: cert.certPem, keyPem: other.keyPem }), 'ERR_MTLS_KEY_MISMATCH'],
    ['malformed certificate PEM', () => ({ certPem: '-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----', keyPem: cert.keyPem }), 'ERR_MTLS_INVALID_CERTIFICATE'],
    ['no PEM block at all', () => ({ certPem: 'hello', keyPem: cert.keyPem }), 'ERR_MTLS_INVALID_CERTIFICATE'],
    ['malformed key PEM', () => ({ certPem: cert.certPem, keyPem: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' }), 'ERR_MTLS_INVALID_CERTIFICATE'],
    ['wrong PFX passphrase', () => ({ pfx: cert.pfx, passphrase: 'wrong' }), 'ERR_MTLS_PFX_BAD_PASSPHRASE'],
    ['a PFX that is not one', () => ({ pfx: Buffer.from('not a pfx') }), 'ERR_MTLS_INVALID_CERTIFICATE'],
  ])('%s', (_name, certificate, code) => {
    expect(() => new ConfidentialClient({ ...base(), certificate: certificate() as never })).toThrow(expect.objectContaining({ code }));
  });

  test('expired and not-yet-valid certificates (clock injected)', () => {
    expect(() => new ConfidentialClient({ ...base(), now: () => Date.now() + 365 * 86_400_000 })).toThrow(expect.objectContaining({ code: 'ERR_MTLS_CERTIFICATE_EXPIRED' }));
    expect(() => new ConfidentialClient({ ...base(), now: () => Date.now() - 86_400_000 })).toThrow(expect.objectContaining({ code: 'ERR_MTLS_CERTIFICATE_NOT_YET_VALID' }));
  });

  test.each([
    ['certificate of wrong shape', { certificate: { foo: 1 } }],
    ['pfx not bytes', { certificate: { pfx: 'path.pfx' } }],
    ['key not a KeyObject', { certificate: { key: 'pem', chain: ['x'] } }],
    ['clientId missing', { clientId: '' }],
    ['connectTo malformed', { connectTo: ['nope'] }],
    ['ca not PEM', { ca: 'hello' }],
  ])('misuse: %s → TypeError', (_name, override) => {
    expect(() => new ConfidentialClient({ ...base(), ...override } as unknown as ConfidentialClientOptions)).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_MTLS_INVALID_ARGUMENT' }),
    );
  });

  test('acquireToken misuse rejects with a TypeError', async () => {
    const client = new ConfidentialClient(base());
    await expect(client.acquireToken({ scopes: [], mtlsProofOfPossession: true })).rejects.toThrow(TypeError);
    await expect(client.acquireToken({ scopes: ['x'], mtlsProofOfPossession: false as never })).rejects.toThrow(/mtlsProofOfPossession/);
  });
});
