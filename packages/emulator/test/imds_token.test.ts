import { generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { buildCertificate, readIssuerParts } from '../src/certificate_builder.js';
import { startEmulator, type Emulator } from '../src/index.js';
import { buildCsr } from './helpers/csr.js';
import { postIssue } from './helpers/http_request.js';
import { GRAPH, jwtClaims, postToken, tokenForm } from './helpers/https_request.js';

const tenantId = '55555555-6666-7777-8888-999999999999';
const sami = '00000000-1111-2222-3333-444444444444';
const uami = { clientId: '66666666-0000-0000-0000-000000000001', objectId: '66666666-0000-0000-0000-0000000000aa', resourceId: '/subscriptions/s1/rg/uami-1' };
const vmId = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
let emu: Emulator;
let key: { privateKey: KeyObject; publicKey: KeyObject };
let keyPem: string;

beforeAll(async () => {
  key = generateKeyPairSync('rsa', { modulusLength: 2048 });
  keyPem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  emu = await startEmulator({ imds: { tenantId, systemAssigned: { clientId: sami }, userAssigned: [uami], cuId: { vmId }, region: 'eastus2' } });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

/** Path 2 up to the binding certificate: CSR → issuecredential → certificate PEM. */
async function bindingCertificate(clientId: string, selector = ''): Promise<{ certPem: string; keyPem: string; endpoint: string }> {
  const csr = buildCsr({ tenantId, clientId, cuIdJson: `{"vmId":"${vmId}"}`, ...key }).toString('base64');
  const res = await postIssue(emu.imdsUrl, { csr }, selector);
  expect(res.status).toBe(200);
  const certPem = new X509Certificate(Buffer.from(res.json.certificate, 'base64')).toString();
  return { certPem, keyPem, endpoint: `${res.json.mtls_authentication_endpoint}/${res.json.tenant_id}` };
}

const hostOf = (endpoint: string): string => new URL(endpoint).host;

test('an IMDS-issued certificate gets an mTLS PoP token for the system-assigned identity, with no app registration', async () => {
  const cert = await bindingCertificate(sami);
  const res = await postToken(emu, { tenant: tenantId, form: tokenForm({}, sami), cert, host: hostOf(cert.endpoint) });
  expect(res.status).toBe(200);
  expect(res.json.token_type).toBe('mtls_pop');
  const claims = jwtClaims(res.json.access_token);
  expect(claims).toMatchObject({ aud: GRAPH, tid: tenantId, appid: sami, cnf: { 'x5t#S256': emu.imds.issuedCertificates[0]?.x5tS256 } });
  expect(emu.tokenRequests[0]?.host).toBe('eastus2.mtlsauth.microsoft.com');
});

test('and for a user-assigned identity', async () => {
  const cert = await bindingCertificate(uami.clientId, `client_id=${uami.clientId}`);
  const res = await postToken(emu, { tenant: tenantId, form: tokenForm({}, uami.clientId), cert });
  expect(res.status).toBe(200);
  expect(jwtClaims(res.json.access_token).appid).toBe(uami.clientId);
});

describe('certificates the managed identity must not accept → 401 invalid_client (AADSTS700027)', () => {
  const expectRejected = async (cert: { certPem: string; keyPem: string }, clientId = sami): Promise<void> => {
    const res = await postToken(emu, { tenant: tenantId, form: tokenForm({}, clientId), cert });
    expect(res.status).toBe(401);
    expect(res.json.error).toBe('invalid_client');
    expect(res.json.error_codes).toEqual([700027]);
  };

  test('a certificate the CA issued through IMDS for another client id', async () => {
    await expectRejected(await bindingCertificate(uami.clientId, `client_id=${uami.clientId}`), sami);
  });

  test('a certificate the CA issued directly for another client id', async () => {
    const other = emu.ca.issueCertificate({
      subjectPublicKeySpki: key.publicKey.export({ type: 'spki', format: 'der' }), subject: '99999999-0000-0000-0000-000000000000',
      notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 3600_000), extKeyUsage: ['clientAuth'],
    });
    await expectRejected({ certPem: other.certPem, keyPem });
  });

  test('a self-signed certificate with CN = the client id', async () => {
    await expectRejected(emu.createClientCertificate({ commonName: sami }));
  });

  test('a certificate naming this CA (issuer name and key id) but signed with another key: the signature is checked', async () => {
    const issuer = readIssuerParts(new X509Certificate(emu.caPem).raw);
    const forged = buildCertificate({
      signingKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
      issuerName: issuer.subjectName, authorityKeyId: issuer.subjectKeyId,
      subjectPublicKeySpki: key.publicKey.export({ type: 'spki', format: 'der' }), subject: sami,
      notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 3600_000),
      isCa: false, keyUsage: ['digitalSignature'], extKeyUsage: ['clientAuth'],
    });
    const forgedCert = new X509Certificate(forged);
    expect(forgedCert.checkIssued(new X509Certificate(emu.caPem))).toBe(true); // only the signature gives it away
    await expectRejected({ certPem: forgedCert.toString(), keyPem });
  });

  test('an expired IMDS certificate (expired fault)', async () => {
    emu.imds.inject({ kind: 'expired' });
    await expectRejected(await bindingCertificate(sami));
  });

  test('a CA certificate for the client id without the clientAuth EKU', async () => {
    const serverOnly = emu.ca.issueCertificate({
      subjectPublicKeySpki: key.publicKey.export({ type: 'spki', format: 'der' }), subject: sami,
      notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 3600_000), extKeyUsage: ['serverAuth'],
    });
    await expectRejected({ certPem: serverOnly.certPem, keyPem });
  });
});

test('the managed identity exists only in the IMDS tenant', async () => {
  const cert = await bindingCertificate(sami);
  const res = await postToken(emu, { tenant: 'contoso.onmicrosoft.com', form: tokenForm({}, sami), cert });
  expect(res.status).toBe(400);
  expect(res.json.error).toBe('unauthorized_client');
});
