import { generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { startEmulator, ATTESTATION_MISSING_DESCRIPTION, type Emulator } from '../src/index.js';
import { buildCsr, opensslCsr, opensslVerify, type CsrSpec } from './helpers/csr.js';
import { httpRequest, ISSUE_PATH, postIssue } from './helpers/http_request.js';

const tenantId = '55555555-6666-7777-8888-999999999999';
const sami = '00000000-1111-2222-3333-444444444444';
const uami = { clientId: '66666666-0000-0000-0000-000000000001', objectId: '66666666-0000-0000-0000-0000000000aa', resourceId: '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uami-1' };
const vmId = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const cuIdJson = `{"vmId":"${vmId}"}`;
const clock = Date.parse('2026-03-01T12:00:00Z');
let emu: Emulator;
let key: { privateKey: KeyObject; publicKey: KeyObject };
let smallKey: { privateKey: KeyObject; publicKey: KeyObject };

beforeAll(async () => {
  key = generateKeyPairSync('rsa', { modulusLength: 2048 });
  smallKey = generateKeyPairSync('rsa', { modulusLength: 1024 });
  emu = await startEmulator({ now: () => clock, imds: { tenantId, systemAssigned: { clientId: sami }, userAssigned: [uami], cuId: { vmId }, region: 'westeurope' } });
});
afterAll(() => emu.close());
beforeEach(() => {
  emu.reset();
  emu.imds.setRequireAttestation(false);
  emu.imds.setCertificateLifetime(7 * 24 * 3600);
});

const spec = (overrides: Partial<CsrSpec> = {}): CsrSpec => ({ tenantId, clientId: sami, cuIdJson, ...key, ...overrides });
const csrB64 = (overrides: Partial<CsrSpec> = {}): string => buildCsr(spec(overrides)).toString('base64');
const spkiOf = (k: KeyObject): Buffer => k.export({ type: 'spki', format: 'der' });

describe('issuecredential: success (spec §5)', () => {
  test('the hand-assembled CSR is one OpenSSL also accepts (guards the test builder)', () => {
    const text = opensslVerify(buildCsr(spec()));
    expect(text).toContain(`Subject: DC = ${tenantId}, CN = ${sami}`);
    expect(text).toMatch(/rsassaPss[\s\S]*Salt Length: 0x20/);
  });

  test('certifies the CSR key: CA-signed, CN = client id, clientAuth, 7 days from now, snake_case body', async () => {
    const res = await postIssue(emu.imdsUrl, { csr: csrB64() });
    expect(res.status).toBe(200);
    expect(res.headers['server']).toBe('IMDS/150.870.65.1854');
    expect(Object.keys(res.json)).toEqual(['client_id', 'tenant_id', 'certificate', 'identity_type', 'mtls_authentication_endpoint']);
    expect(res.json).toMatchObject({ client_id: sami, tenant_id: tenantId, identity_type: 'SystemAssigned', mtls_authentication_endpoint: 'https://westeurope.mtlsauth.microsoft.com' });
    expect(res.json.certificate).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const cert = new X509Certificate(Buffer.from(res.json.certificate, 'base64'));
    const ca = new X509Certificate(emu.caPem);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.publicKey.export({ type: 'spki', format: 'der' })).toEqual(spkiOf(key.publicKey));
    expect(cert.subject).toBe(`CN=${sami}`);
    expect(cert.keyUsage).toContain('1.3.6.1.5.5.7.3.2');
    expect(cert.ca).toBe(false);
    expect(Date.parse(cert.validTo)).toBe(clock + 7 * 24 * 3600 * 1000);
    expect(Date.parse(cert.validFrom)).toBe(clock - 5 * 60 * 1000);
    expect(emu.imds.stats).toMatchObject({ issuanceRequests: 1, certificatesIssued: 1 });
    expect(emu.imds.issuedCertificates[0]).toMatchObject({ clientId: sami, identityType: 'SystemAssigned', certPem: cert.toString() });
  });

  test('a CSR made by the OpenSSL CLI is accepted too (DER-level compatibility, NULL hash parameters)', async () => {
    const der = opensslCsr({ tenantId, clientId: sami, cuIdJson, keyPem: key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    const res = await postIssue(emu.imdsUrl, { csr: der.toString('base64') });
    expect(res.json).toMatchObject({ client_id: sami });
    expect(res.status).toBe(200);
  });

  test('user-assigned: the selector picks the identity the CSR must name; identity_type UserAssigned', async () => {
    const res = await postIssue(emu.imdsUrl, { csr: csrB64({ clientId: uami.clientId }) }, `mi_res_id=${uami.resourceId}`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ client_id: uami.clientId, identity_type: 'UserAssigned' });
    expect(new X509Certificate(Buffer.from(res.json.certificate, 'base64')).subject).toBe(`CN=${uami.clientId}`);
    // The system-assigned CSR does not fit the user-assigned identity.
    const wrong = await postIssue(emu.imdsUrl, { csr: csrB64() }, `client_id=${uami.clientId}`);
    expect(wrong.status).toBe(400);
    const unknown = await postIssue(emu.imdsUrl, { csr: csrB64() }, 'object_id=nope');
    expect(unknown.json).toEqual({ error: 'invalid_request', error_description: 'Identity not found' });
  });

  test('setCertificateLifetime changes NotAfter of later certificates', async () => {
    emu.imds.setCertificateLifetime(8 * 3600);
    const res = await postIssue(emu.imdsUrl, { csr: csrB64() });
    expect(Date.parse(new X509Certificate(Buffer.from(res.json.certificate, 'base64')).validTo)).toBe(clock + 8 * 3600 * 1000);
    expect(() => emu.imds.setCertificateLifetime(-1)).toThrow(TypeError);
  });
});

describe('issuecredential: attestation', () => {
  test('required: no token or an empty one → the 400 MSAL mocks; a token → 200', async () => {
    emu.imds.setRequireAttestation(true);
    const none = await postIssue(emu.imdsUrl, { csr: csrB64() });
    expect(none.status).toBe(400);
    expect(none.body).toBe(`{"error":"invalid_request","error_description":"${ATTESTATION_MISSING_DESCRIPTION}"}`);
    expect(ATTESTATION_MISSING_DESCRIPTION).toBe('Attestation Token is missing / empty in the issue credential request');
    const empty = await postIssue(emu.imdsUrl, { csr: csrB64(), attestation_token: '' });
    expect(empty.status).toBe(400);
    const attested = await postIssue(emu.imdsUrl, { csr: csrB64(), attestation_token: 'eyJhbGciOiJSUzI1NiJ9.e30.sig' });
    expect(attested.status).toBe(200);
  });

  test('not required: the token is optional', async () => {
    expect((await postIssue(emu.imdsUrl, { csr: csrB64() })).status).toBe(200);
  });
});

describe('issuecredential: CSRs IMDS refuses → 400 invalid_request', () => {
  const cases: Array<[string, () => string, RegExp]> = [
    ['a bad signature', () => csrB64({ tamper: true }), /signature does not verify/],
    ['PKCS#1 v1.5 instead of PSS', () => csrB64({ padding: 'pkcs1' }), /expected RSASSA-PSS \(1\.2\.840\.113549\.1\.1\.10\), got 1\.2\.840\.113549\.1\.1\.11/],
    ['salt length 20', () => csrB64({ saltLength: 20 }), /saltLength must be 32/],
    ['CN first, then DC', () => csrB64({ order: 'cn-dc' }), /subject must be DC=.* then CN=/],
    ['another client id in CN', () => csrB64({ clientId: uami.clientId }), /CN '66666666-.*' is not the client id '00000000-/],
    ['another tenant in DC', () => csrB64({ tenantId: '99999999-0000-0000-0000-000000000000' }), /DC '99999999-.*' is not the tenant id/],
    ['DC as PrintableString', () => csrB64({ dcTag: 0x13 }), /DC must be an IA5String/],
    ['CN as UTF8String', () => csrB64({ cnTag: 0x0c }), /CN must be a PrintableString/],
    ['no cuId attribute', () => csrB64({ cuIdJson: undefined }), /missing the cuId attribute \(1\.3\.6\.1\.4\.1\.311\.90\.2\.10\)/],
    ['another vmId', () => csrB64({ cuIdJson: '{"vmId":"bbbbbbbb-bbbb-cccc-dddd-eeeeeeeeeeee"}' }), /does not match this VM's cuId/],
    ['an empty vmssId added', () => csrB64({ cuIdJson: `{"vmId":"${vmId}","vmssId":""}` }), /does not match/],
    ['cuId not JSON', () => csrB64({ cuIdJson: 'vmId=x' }), /not JSON/],
    ['cuId as PrintableString', () => csrB64({ cuIdTag: 0x13 }), /must be a UTF8String/],
    ['an RSA-1024 key', () => csrB64(smallKey), /must be RSA 2048, got RSA 1024/],
    ['an EC key', () => csrB64(generateKeyPairSync('ec', { namedCurve: 'P-256' }) as never), /must be RSA \(rsaEncryption\), got ec/],
    ['not DER', () => Buffer.from('hello world').toString('base64'), /CSR is invalid/],
    ['trailing bytes', () => Buffer.concat([buildCsr(spec()), Buffer.from([0])]).toString('base64'), /trailing bytes/],
    ['PEM armour', () => `-----BEGIN CERTIFICATE REQUEST-----\n${csrB64()}\n-----END CERTIFICATE REQUEST-----`, /one line of standard base64/],
    ['base64url', () => buildCsr(spec()).toString('base64url'), /one line of standard base64/],
  ];

  test.each(cases)('%s', async (_name, csr, description) => {
    const res = await postIssue(emu.imdsUrl, { csr: csr() });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('invalid_request');
    expect(res.json.error_description).toMatch(description);
    expect(emu.imds.stats.certificatesIssued).toBe(0);
  });

  test.each([
    ['not JSON', 'csr=abc', /not valid JSON/],
    ['no csr', '{"attestation_token":"x"}', /non-empty csr/],
    ['csr not a string', '{"csr":42}', /non-empty csr/],
  ])('a body with %s', async (_name, body, description) => {
    const res = await postIssue(emu.imdsUrl, body);
    expect(res.status).toBe(400);
    expect(res.json.error_description).toMatch(description);
  });

  test('GET issuecredential is 405', async () => {
    const res = await httpRequest(emu.imdsUrl, { path: ISSUE_PATH, headers: { metadata: 'true' } });
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('POST');
  });

  test('the request is recorded with its body', async () => {
    const csr = csrB64();
    await postIssue(emu.imdsUrl, { csr });
    expect(emu.imds.requests[0]).toMatchObject({ method: 'POST', path: '/metadata/identity/issuecredential', query: 'cred-api-version=2.0', status: 200 });
    expect(JSON.parse(emu.imds.requests[0]?.body ?? '')).toEqual({ csr });
  });
});
