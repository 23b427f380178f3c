import type { Agent } from 'node:http';
import { issueCredential, issueCredentialBody } from '../../src/imds/issue_credential.js';
import { correlationId, header, recordingSleep, refusedBase, startServer, testAgent, type Reply, type TestServer } from './imds_test_server.js';
import { clientId, makeCertificate, tenantId, type TestCertificate } from './test_certificates.js';

// A CSR-shaped base64 string with '+' and '/' so the body bytes show they go out unescaped.
const csr = 'MIIDGzCCAdMCAQAw+/ZTE0MDIGCgmSJomT8ixkARkWJDU1NTU1NTU1LTY2NjYtAA';
const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

let issued: TestCertificate;
let server: TestServer | undefined;
let agent: Agent;
beforeAll(() => {
  issued = makeCertificate(`/DC=${tenantId}/CN=${clientId}`);
});
beforeEach(() => {
  agent = testAgent();
});
afterEach(async () => {
  agent.destroy();
  await server?.close();
  server = undefined;
});

const answer = () => ({
  client_id: clientId,
  tenant_id: tenantId,
  certificate: issued.der.toString('base64'),
  identity_type: 'SystemAssigned',
  mtls_authentication_endpoint: 'https://eastus2.mtlsauth.microsoft.com',
});
const ok = (): Reply => ({ status: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(answer()) });

async function issueWith(replies: Reply[], request: { csr: string; attestationToken?: string } = { csr }, extra: Record<string, unknown> = {}) {
  server = await startServer(replies);
  const { sleep, delays } = recordingSleep();
  const call = issueCredential(request, { base: server.base, correlationId, agent, sleep, ...extra });
  return { call, delays, requests: server.requests };
}

describe('issueCredential: the request (spec §5.1)', () => {
  it('POSTs the exact bytes: path, query, headers, compact body with csr then attestation_token', async () => {
    const { call, requests } = await issueWith([ok()], { csr, attestationToken: jwt });
    const credential = await call;
    const [request] = requests;
    expect(request!.method).toBe('POST');
    expect(request!.url).toBe('/metadata/identity/issuecredential?cred-api-version=2.0');
    const expectedBody = `{"csr":"${csr}","attestation_token":"${jwt}"}`;
    expect(request!.body.toString('utf8')).toBe(expectedBody);
    expect(request!.rawHeaders.filter(([name]) => !['Host', 'Connection'].includes(name))).toEqual([
      ['Metadata', 'true'],
      ['x-ms-client-request-id', correlationId],
      ['Accept', 'application/json'],
      ['Content-Type', 'application/json; charset=utf-8'],
      ['Content-Length', String(Buffer.byteLength(expectedBody))],
    ]);
    expect(header(request!, 'transfer-encoding')).toBeUndefined();
    expect(credential).toMatchObject({
      clientId,
      tenantId,
      identityType: 'SystemAssigned',
      mtlsEndpoint: 'https://eastus2.mtlsauth.microsoft.com',
      tokenUrl: `https://eastus2.mtlsauth.microsoft.com/${tenantId}/oauth2/v2.0/token`,
    });
    expect(credential.certificate.raw.equals(issued.der)).toBe(true);
  });

  it('omits attestation_token when there is none; sends the UAMI selector raw', async () => {
    const resourceId = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/u';
    const { call, requests } = await issueWith([ok()], { csr }, { identity: { resourceId } });
    await call;
    expect(requests[0]!.body.toString()).toBe(`{"csr":"${csr}"}`);
    expect(requests[0]!.url).toBe(`/metadata/identity/issuecredential?cred-api-version=2.0&mi_res_id=${resourceId}`);
  });

  it('issueCredentialBody refuses a non-base64 CSR or an empty / non-string token', () => {
    expect(() => issueCredentialBody({ csr: 'not base64!' })).toThrow(/request\.csr/);
    expect(() => issueCredentialBody({ csr: `${csr}\n` })).toThrow(/request\.csr/);
    expect(() => issueCredentialBody({ csr, attestationToken: '' })).toThrow(/request\.attestationToken/);
    expect(() => issueCredentialBody({ csr, attestationToken: 7 as never })).toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_MTLS_INVALID_ARGUMENT' }));
  });
});

describe('issueCredential: failures', () => {
  it('404 is retried like any IMDS call and then ERR_IMDS_REQUEST_FAILED, not the v1 error', async () => {
    const { call, requests, delays } = await issueWith([{ status: 404, body: 'nope' }]);
    await expect(call).rejects.toMatchObject({ code: 'ERR_IMDS_REQUEST_FAILED', status: 404, errorDescription: 'nope' });
    expect(requests).toHaveLength(4);
    expect(delays).toEqual([1000, 2000, 4000]);
  });

  it('400 (attestation missing) → ERR_IMDS_REQUEST_FAILED with error and body excerpt, no retry', async () => {
    const body = '{"error":"invalid_request","error_description":"Attestation Token is missing / empty in the issue credential request"}';
    const { call, requests } = await issueWith([{ status: 400, body }]);
    await expect(call).rejects.toMatchObject({ code: 'ERR_IMDS_REQUEST_FAILED', status: 400, error: 'invalid_request', errorDescription: body, correlationId });
    expect(requests).toHaveLength(1);
  });

  it('503 then 200 succeeds; 500 throughout → ERR_IMDS_SERVICE_UNAVAILABLE', async () => {
    const first = await issueWith([{ status: 503 }, ok()]);
    await expect(first.call).resolves.toMatchObject({ clientId });
    expect(first.delays).toEqual([1000]);
    await server!.close();
    const second = await issueWith([{ status: 500, body: 'boom' }]);
    await expect(second.call).rejects.toMatchObject({ code: 'ERR_IMDS_SERVICE_UNAVAILABLE', status: 500 });
    expect(second.requests).toHaveLength(4);
  });

  it('timeouts and refused connections end as ERR_IMDS_TIMEOUT / ERR_IMDS_UNREACHABLE', async () => {
    const hung = await issueWith([() => undefined], { csr }, { timeoutMs: 40 });
    await expect(hung.call).rejects.toMatchObject({ code: 'ERR_IMDS_TIMEOUT' });
    expect(hung.requests).toHaveLength(4);
    const { sleep } = recordingSleep();
    await expect(issueCredential({ csr }, { base: await refusedBase(), correlationId, agent, sleep })).rejects.toMatchObject({ code: 'ERR_IMDS_UNREACHABLE' });
  });

  it('a redirect is refused and the CSR is not replayed', async () => {
    const { call, requests } = await issueWith([{ status: 308, headers: { Location: 'http://127.0.0.1:1/steal' } }, ok()]);
    await expect(call).rejects.toMatchObject({ code: 'ERR_IMDS_REDIRECT_REFUSED' });
    expect(requests).toHaveLength(1);
  });

  it('a malformed 200 is not retried', async () => {
    const { call, requests } = await issueWith([{ status: 200, body: '{}' }]);
    await expect(call).rejects.toMatchObject({ code: 'ERR_IMDS_INVALID_ISSUANCE_RESPONSE', status: 200 });
    expect(requests).toHaveLength(1);
  });
});
