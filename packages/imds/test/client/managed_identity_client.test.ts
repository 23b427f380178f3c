import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { startEmulator, type Emulator } from '@msal-mtls/emulator';
import { readCnfThumbprint, x5tS256 } from '@msal-mtls/core';
import { ManagedIdentityClient, type ManagedIdentityClientOptions } from '../../src/client/managed_identity_client.js';
import type { AttestationProvider } from '../../src/attestation/attestation_provider.js';
import { SoftwareKeyProvider } from '../../src/key/software_key_provider.js';

// Path 2 end to end on loopback: the emulator's IMDS (plain HTTP, as on a VM) issues a binding
// certificate from a real CSR; the client then gets the token over real mTLS with that certificate.
const tenantId = '55555555-6666-7777-8888-999999999999';
const samiClientId = '00000000-1111-2222-3333-444444444444';
const uami = { clientId: 'aaaaaaaa-0000-0000-0000-000000000001', objectId: 'bbbbbbbb-0000-0000-0000-000000000001', resourceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1' };
const graph = 'https://graph.microsoft.com';
const hour = 3_600_000;

let emulator: Emulator;
let dir: string;
const clients: ManagedIdentityClient[] = [];
// One persisted software key for the file (one RSA keygen); persistence tests make their own.
const keyDir = mkdtempSync(join(tmpdir(), 'msal-mtls-mi-key-'));
const sharedKey = new SoftwareKeyProvider({ directory: keyDir });

beforeAll(async () => {
  emulator = await startEmulator({
    imds: {
      tenantId,
      systemAssigned: { clientId: samiClientId },
      userAssigned: [uami],
      cuId: { vmId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' },
      attestationEndpoint: 'https://sharedeus2.eus2.attest.azure.net',
      region: 'eastus2',
      certificateLifetimeSeconds: 7 * 24 * 3600,
    },
  });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await emulator.close();
  rmSync(keyDir, { recursive: true, force: true });
});
beforeEach(() => {
  emulator.reset();
  emulator.imds.setCertificateLifetime(7 * 24 * 3600);
  emulator.imds.setRequireAttestation(false);
  dir = mkdtempSync(join(tmpdir(), 'msal-mtls-mi-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function client(overrides: Partial<ManagedIdentityClientOptions> = {}): ManagedIdentityClient {
  const c = new ManagedIdentityClient({
    imdsEndpoint: emulator.imdsUrl,
    minimumKeyProtection: 'software',
    keyProvider: sharedKey,
    ca: emulator.caPem,
    connectTo: emulator.connectTo,
    sleep: async () => undefined,
    env: {},
    ...overrides,
  });
  clients.push(c);
  return c;
}
const stats = () => ({ metadata: emulator.imds.stats.metadataRequests, issuance: emulator.imds.stats.issuanceRequests, token: emulator.stats.tokenRequests });

describe('ManagedIdentityClient against the emulator', () => {
  test('system-assigned: metadata, CSR, issuance, token; then the cache', async () => {
    const c = client();
    const first = await c.acquireToken({ resource: graph });
    expect(first).toMatchObject({ tokenType: 'mtls_pop', tokenSource: 'network', scopes: [`${graph}/.default`] });
    expect(first.bindingCertificate.subject).toContain(`CN=${samiClientId}`);
    expect(first.bindingCertificate.verify(new X509Certificate(emulator.caPem).publicKey)).toBe(true);
    expect(readCnfThumbprint(first.accessToken)).toBe(x5tS256(first.bindingCertificate));
    expect(stats()).toEqual({ metadata: 1, issuance: 1, token: 1 });
    const request = emulator.tokenRequests[0]!;
    expect(request.host).toBe('eastus2.mtlsauth.microsoft.com');
    expect(request.path).toBe(`/${tenantId}/oauth2/v2.0/token`);
    expect(request.form).toEqual({ client_id: samiClientId, scope: `${graph}/.default`, grant_type: 'client_credentials', token_type: 'mtls_pop' });
    // one correlation id across the IMDS calls and the token request (spec §1.2)
    const ids = new Set([...emulator.imds.requests.map((r) => r.headers['x-ms-client-request-id']), request.headers['client-request-id']]);
    expect(ids.size).toBe(1);
    const second = await c.acquireToken({ resource: `${graph}/.default` });
    expect(second).toMatchObject({ tokenSource: 'cache', accessToken: first.accessToken });
    expect(stats()).toEqual({ metadata: 1, issuance: 1, token: 1 });
  });

  test.each([
    ['client id', { clientId: uami.clientId }, `client_id=${uami.clientId}`],
    ['object id', { objectId: uami.objectId }, `object_id=${uami.objectId}`],
    ['resource id', { resourceId: uami.resourceId }, `mi_res_id=${uami.resourceId}`],
  ])('user-assigned by %s: sent to both IMDS calls; its own certificate', async (_name, identity, query) => {
    const c = client();
    const sami = await c.acquireToken({ resource: graph });
    const user = await c.acquireToken({ resource: graph, identity });
    expect(user.tokenSource).toBe('network');
    expect(user.bindingCertificate.subject).toContain(`CN=${uami.clientId}`);
    expect(x5tS256(user.bindingCertificate)).not.toBe(x5tS256(sami.bindingCertificate));
    const userCalls = emulator.imds.requests.slice(2);
    expect(userCalls.map((r) => r.query)).toEqual([`cred-api-version=2.0&${query}`, `cred-api-version=2.0&${query}`]);
    expect(emulator.tokenRequests[1]!.form.client_id).toBe(uami.clientId);
  });

  test('verbose logs of a full cold flow hold no token, key, certificate or CSR', async () => {
    const lines: string[] = [];
    const c = client({ logger: { loggerCallback: (_l, m) => lines.push(m), logLevel: 4, piiLoggingEnabled: true } });
    const r = await c.acquireToken({ resource: graph, onStep: () => undefined });
    const csr = (JSON.parse(emulator.imds.requests[1]!.body) as { csr: string }).csr;
    const all = lines.join('\n');
    expect(lines.length).toBeGreaterThan(1);
    expect(all).not.toContain(r.accessToken.split('.')[1]!);
    expect(all).not.toContain(csr.slice(0, 40));
    expect(all).not.toContain(r.bindingCertificate.raw.toString('base64').slice(0, 40));
    expect(all).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
  });

  test('forceRefresh reuses the cached certificate: a token request only, no IMDS request', async () => {
    const c = client();
    const first = await c.acquireToken({ resource: graph });
    const forced = await c.acquireToken({ resource: graph, forceRefresh: true });
    expect(forced.tokenSource).toBe('network');
    expect(forced.accessToken).not.toBe(first.accessToken);
    expect(x5tS256(forced.bindingCertificate)).toBe(x5tS256(first.bindingCertificate));
    expect(stats()).toEqual({ metadata: 1, issuance: 1, token: 2 });
  });

  test('the CSR the client sent verifies with openssl and names the identity (spec §3)', async () => {
    await client().acquireToken({ resource: graph });
    const csr = (JSON.parse(emulator.imds.requests[1]!.body) as { csr: string }).csr;
    expect(csr).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const file = join(dir, 'sent.csr');
    writeFileSync(file, Buffer.from(csr, 'base64'));
    const out = execFileSync('openssl', ['req', '-inform', 'DER', '-in', file, '-verify', '-noout', '-text'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toContain(`DC = ${tenantId}, CN = ${samiClientId}`);
    expect(out).toContain('rsassaPss');
    expect(out).toContain('Salt Length: 0x20');
    expect(out).toContain('{"vmId":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"}');
    const check = spawnSync('openssl', ['req', '-inform', 'DER', '-in', file, '-verify', '-noout'], { encoding: 'utf8' });
    // openssl 3.0 exits 0 even on a bad signature: read what it says.
    expect(`${check.stdout}${check.stderr}`).toMatch(/verify OK/);
    expect(`${check.stdout}${check.stderr}`).not.toMatch(/fail/i);
  });

  test('an identity not assigned to the VM is an IMDS error, not "no IMDSv2"', async () => {
    await expect(client().acquireToken({ resource: graph, identity: { clientId: 'ffffffff-0000-0000-0000-00000000000f' } })).rejects.toMatchObject({ code: 'ERR_IMDS_REQUEST_FAILED', status: 400 });
  });

  test('the default floor (keyguard) refuses a software key before any IMDS request', async () => {
    const c = client({ minimumKeyProtection: undefined });
    await expect(c.acquireToken({ resource: graph })).rejects.toMatchObject({ code: 'ERR_IMDS_KEY_PROTECTION_NOT_MET', message: expect.stringContaining("reached 'software'") });
    expect(stats()).toEqual({ metadata: 0, issuance: 0, token: 0 });
  });

  test('50 concurrent first calls share one metadata request, one issuance and one token request', async () => {
    const c = client();
    const results = await Promise.all(Array.from({ length: 50 }, () => c.acquireToken({ resource: graph })));
    expect(stats()).toEqual({ metadata: 1, issuance: 1, token: 1 });
    expect(new Set(results.map((r) => r.accessToken)).size).toBe(1);
  });

  test('renewal: an 8 h certificate is replaced after 4 h; the token never outlives its certificate', async () => {
    emulator.imds.setCertificateLifetime(8 * 3600);
    let now = Date.now();
    const c = client({ now: () => now });
    const first = await c.acquireToken({ resource: graph });
    expect(first.expiresOn.getTime()).toBeLessThanOrEqual(Date.parse(first.bindingCertificate.validTo));
    const notBefore = Date.parse(first.bindingCertificate.validFrom);
    const notAfter = Date.parse(first.bindingCertificate.validTo);
    const renewAt = notAfter - Math.min(24 * hour, (notAfter - notBefore) / 2); // ≈ 4 h after issuance
    now = renewAt - 60_000; // the 1 h token expired; the certificate is still reusable
    const refreshed = await c.acquireToken({ resource: graph });
    expect(refreshed.tokenSource).toBe('network');
    expect(x5tS256(refreshed.bindingCertificate)).toBe(x5tS256(first.bindingCertificate));
    expect(stats()).toEqual({ metadata: 1, issuance: 1, token: 2 });
    now = renewAt + 60_000; // past NotAfter - min(24 h, half the lifetime): renew
    const renewed = await c.acquireToken({ resource: graph });
    expect(renewed.tokenSource).toBe('network');
    expect(x5tS256(renewed.bindingCertificate)).not.toBe(x5tS256(first.bindingCertificate));
    expect(stats()).toEqual({ metadata: 2, issuance: 2, token: 3 });
  });

  test('a certificate shorter-lived than the token caps expiresOn at NotAfter', async () => {
    emulator.imds.setCertificateLifetime(1800);
    const r = await client().acquireToken({ resource: graph });
    expect(r.expiresOn.getTime()).toBe(Date.parse(r.bindingCertificate.validTo));
  });

  test('persistence: a second process reuses the key and certificate with no IMDS request at all', async () => {
    const persisted = { persistence: { directory: join(dir, 'store') }, keyProvider: undefined };
    const first = await client(persisted).acquireToken({ resource: graph });
    expect(stats()).toEqual({ metadata: 1, issuance: 1, token: 1 });
    const files = readdirSync(join(dir, 'store')).sort();
    expect(files).toEqual([expect.stringMatching(/^binding-[0-9a-f]{32}\.json$/), 'msal-mtls-binding-key.pem']);
    const record = readFileSync(join(dir, 'store', files[0]!), 'utf8');
    expect(record).not.toMatch(/PRIVATE KEY/);
    const restarted = await client(persisted).acquireToken({ resource: graph });
    expect(restarted.tokenSource).toBe('network');
    expect(x5tS256(restarted.bindingCertificate)).toBe(x5tS256(first.bindingCertificate));
    expect(stats()).toEqual({ metadata: 1, issuance: 1, token: 2 });
  });

  test('invalid_client from the token endpoint: the certificate is dropped, re-issued once, and the call succeeds', async () => {
    const c = client();
    emulator.inject({ kind: 'status', status: 401, body: { error: 'invalid_client', error_description: 'AADSTS700027: revoked', error_codes: [700027] } });
    const r = await c.acquireToken({ resource: graph });
    expect(r.tokenSource).toBe('network');
    expect(stats()).toEqual({ metadata: 2, issuance: 2, token: 2 });
  });

  test('a server we cannot verify is a TLS error, with no pointless re-issuance', async () => {
    await expect(client({ ca: undefined }).acquireToken({ resource: graph })).rejects.toMatchObject({ code: 'ERR_MTLS_TLS_HANDSHAKE' });
    expect(stats()).toEqual({ metadata: 1, issuance: 1, token: 0 });
  });

  test('attestation asked with no provider: a typed error, no IMDS request, never an unattested request', async () => {
    await expect(client().acquireToken({ resource: graph, attestation: true })).rejects.toMatchObject({ code: 'ERR_IMDS_ATTESTATION_UNAVAILABLE' });
    expect(stats()).toEqual({ metadata: 0, issuance: 0, token: 0 });
  });

  test('attestation: the MAA token goes with the CSR; attested and unattested never share a certificate', async () => {
    emulator.imds.setRequireAttestation(true);
    const seen: string[] = [];
    const provider: AttestationProvider = {
      attest: async (input) => {
        seen.push(input.endpoint);
        return `h.${Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 3600 })).toString('base64url')}.s`;
      },
    };
    const c = client({ attestationProvider: provider });
    const attested = await c.acquireToken({ resource: graph, attestation: true });
    expect(seen).toEqual(['https://sharedeus2.eus2.attest.azure.net/']);
    expect(JSON.parse(emulator.imds.requests[1]!.body).attestation_token).toMatch(/^h\./);
    await expect(c.acquireToken({ resource: graph })).rejects.toMatchObject({ code: 'ERR_IMDS_REQUEST_FAILED', status: 400 });
    emulator.imds.setRequireAttestation(false);
    const plain = await c.acquireToken({ resource: graph });
    expect(x5tS256(plain.bindingCertificate)).not.toBe(x5tS256(attested.bindingCertificate));
  });

  test.each([
    ['IMDSv2 absent (404 after retries)', { kind: 'status', status: 404 } as const, 'getplatformmetadata', 'ERR_IMDS_V2_NOT_SUPPORTED'],
    ['no Server: IMDS header', { kind: 'missingServerHeader' } as const, 'getplatformmetadata', 'ERR_IMDS_INVALID_SERVER_HEADER'],
    ['a redirect', { kind: 'redirect', location: 'http://127.0.0.1:1/elsewhere' } as const, 'issuecredential', 'ERR_IMDS_REDIRECT_REFUSED'],
    ['a certificate for another key', { kind: 'wrongKey' } as const, 'issuecredential', 'ERR_IMDS_INVALID_CERTIFICATE'],
    ['an expired certificate', { kind: 'expired' } as const, 'issuecredential', 'ERR_IMDS_INVALID_CERTIFICATE'],
    ['503 throughout', { kind: 'status', status: 503 } as const, 'issuecredential', 'ERR_IMDS_SERVICE_UNAVAILABLE'],
  ])('%s → %s; nothing cached', async (_name, fault, path, code) => {
    emulator.imds.inject(fault, { path, times: Infinity });
    const c = client();
    await expect(c.acquireToken({ resource: graph })).rejects.toMatchObject({ code });
    emulator.imds.clearFaults();
    expect(c.tokenCache.size).toBe(0);
    expect((await c.acquireToken({ resource: graph })).tokenSource).toBe('network');
  });

  test('a 500 then success is retried after 1 s (spec §1.5)', async () => {
    const waits: number[] = [];
    emulator.imds.inject({ kind: 'status', status: 500 }, { path: 'getplatformmetadata', times: 1 });
    await client({ sleep: async (ms) => void waits.push(ms) }).acquireToken({ resource: graph });
    expect(waits).toEqual([1000]);
  });

  test('AZURE_POD_IDENTITY_AUTHORITY_HOST points the client at IMDS', async () => {
    const c = client({ imdsEndpoint: undefined, env: { AZURE_POD_IDENTITY_AUTHORITY_HOST: emulator.imdsUrl } });
    expect((await c.acquireToken({ resource: graph })).tokenSource).toBe('network');
  });

  test('getCapabilities: IMDSv2 present, and the best key protection here', async () => {
    const caps = await client().getCapabilities();
    expect(caps).toMatchObject({ imdsV2: true, keyProtection: 'software' });
    expect(caps.downgrades.map((d) => d.level)).toEqual(['keyguard', 'hardware']);
  });

  test('the downstream call with the binding certificate and key; another certificate is refused', async () => {
    const c = client();
    const r = await c.acquireToken({ resource: graph });
    const transport = await c.createMtlsTransport(r.bindingCertificate);
    try {
      const response = await transport.request({ method: 'GET', url: 'https://mtlstb.graph.microsoft.com/v1.0/me', headers: { authorization: `mtls_pop ${r.accessToken}` } });
      expect(response.status).toBe(200);
    } finally {
      transport.close();
    }
    const stranger = new X509Certificate(emulator.createClientCertificate({ commonName: 'x' }).certPem);
    await expect(c.createMtlsTransport(stranger)).rejects.toThrow(TypeError);
  });

  test.each([
    [{}, 'parameters.scopes'],
    [{ resource: graph, scopes: [graph] }, 'either resource or scopes'],
    [{ scopes: ['a', 'b'] }, 'one scope'],
    [{ resource: graph, identity: { clientId: 'a', objectId: 'b' } }, 'exactly one'],
  ])('misuse %p → TypeError', async (parameters, text) => {
    await expect(client().acquireToken(parameters as never)).rejects.toMatchObject({ name: 'TypeError', message: expect.stringContaining(text) });
  });
});
