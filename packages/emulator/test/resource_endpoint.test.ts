import { startEmulator, type ClientCertificate, type Emulator } from '../src/index.js';
import { httpsRequest, postToken, tokenForm } from './helpers/https_request.js';

const tenant = 'tenant-r';
const RESOURCE = 'mtlstb.graph.microsoft.com';
let emu: Emulator;
let cert: ClientCertificate;
let other: ClientCertificate;
let clock = Date.now();

async function token(scope = 'https://graph.microsoft.com/.default', presented = cert): Promise<string> {
  const res = await postToken(emu, { tenant, form: tokenForm({ scope }), cert: presented });
  expect(res.status).toBe(200);
  return res.json.access_token;
}

function callResource(authorization: string | undefined, presented: ClientCertificate | undefined, host = RESOURCE) {
  return httpsRequest(emu, {
    host, path: '/v1.0/applications', ...(presented ? { cert: presented } : {}),
    ...(authorization !== undefined ? { headers: { authorization } } : {}),
  });
}

beforeAll(async () => {
  emu = await startEmulator({ now: () => clock, resourceHosts: { 'vault.mtls.test': 'https://vault.azure.net' } });
  cert = emu.createClientCertificate({ commonName: 'res-app' });
  other = emu.createClientCertificate({ commonName: 'res-other' });
  emu.registerApplication({ clientId: 'client-1', tenantId: tenant, certificates: [cert.certPem, other.certPem] });
});
afterAll(() => emu.close());
beforeEach(() => {
  clock = Date.now();
  emu.reset();
});

test('200 with the bound certificate and mtls_pop scheme; echoes the caller', async () => {
  const res = await callResource(`mtls_pop ${await token()}`, cert);
  expect(res.status).toBe(200);
  expect(res.json).toEqual({ ok: true, appid: 'client-1', aud: 'https://graph.microsoft.com', tid: tenant, cnf: { 'x5t#S256': cert.x5tS256 } });
  expect(emu.resourceRequests.at(-1)).toMatchObject({ host: RESOURCE, status: 200, clientCertX5t: cert.x5tS256, reason: undefined });
  expect(emu.stats.resourceRequests).toBe(1);
});

async function expectRejected(res: Awaited<ReturnType<typeof callResource>>, reason: string): Promise<void> {
  expect(res.status).toBe(401);
  expect(res.json).toMatchObject({ error: 'invalid_token', reason });
  expect(res.headers['www-authenticate']).toMatch(/^mtls_pop error="invalid_token", error_description="[^"]+"$/);
}

test('401 cnf_mismatch when another (even registered) certificate presents the token', async () => {
  await expectRejected(await callResource(`mtls_pop ${await token()}`, other), 'cnf_mismatch');
});

test('401 wrong_scheme for Bearer', async () => {
  await expectRejected(await callResource(`Bearer ${await token()}`, cert), 'wrong_scheme');
});

test('401 no_client_certificate without a TLS client certificate', async () => {
  await expectRejected(await callResource(`mtls_pop ${await token()}`, undefined), 'no_client_certificate');
});

test('401 missing_authorization and malformed_token', async () => {
  await expectRejected(await callResource(undefined, cert), 'missing_authorization');
  await expectRejected(await callResource('mtls_pop not-a-jwt', cert), 'malformed_token');
});

test('401 bad_signature for a tampered token', async () => {
  const [header, payload, signature] = (await token()).split('.');
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
  claims.appid = 'someone-else';
  const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
  await expectRejected(await callResource(`mtls_pop ${forged}`, cert), 'bad_signature');
});

test('401 expired once the clock passes exp', async () => {
  const jwt = await token();
  clock += 3601 * 1000;
  await expectRejected(await callResource(`mtls_pop ${jwt}`, cert), 'expired');
});

test('401 wrong_audience for a token for another resource; a configured resource host takes its own', async () => {
  const vaultToken = await token('https://vault.azure.net/.default');
  await expectRejected(await callResource(`mtls_pop ${vaultToken}`, cert), 'wrong_audience');
  const vault = await callResource(`mtls_pop ${vaultToken}`, cert, 'vault.mtls.test');
  expect(vault.status).toBe(200);
  expect(vault.json.aud).toBe('https://vault.azure.net');
});
