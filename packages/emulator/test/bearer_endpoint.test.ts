import { constants, createHash, generateKeyPairSync, randomUUID, sign, X509Certificate } from 'node:crypto';
import { startEmulator, type ClientCertificate, type Emulator } from '../src/index.js';
import { GRAPH, httpsRequest, jwtClaims, type Response } from './helpers/https_request.js';

const tenant = 'aaaa1111-2222-4333-8444-555566667777';
const clientId = 'client-bearer';
const loginHost = 'login.microsoftonline.com';
const endpoint = `https://${loginHost}/${tenant}/oauth2/v2.0/token`;
let emu: Emulator;
let cert: ClientCertificate;

beforeAll(async () => {
  emu = await startEmulator({ bearerTokenEndpoint: true });
  cert = emu.createClientCertificate({ commonName: 'bearer-app' });
  emu.registerApplication({ clientId, tenantId: tenant, certificates: [cert.certPem] });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A client assertion as msal-node builds it: PS256, header x5t#S256, aud = token endpoint. */
function assertion(overrides: { header?: Record<string, unknown>; claims?: Record<string, unknown>; keyPem?: string; alg?: 'PS256' | 'RS256' } = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const alg = overrides.alg ?? 'PS256';
  const header = { alg, typ: 'JWT', 'x5t#S256': cert.x5tS256, ...overrides.header };
  const claims = { aud: endpoint, iss: clientId, sub: clientId, jti: randomUUID(), nbf: now, iat: now, exp: now + 600, ...overrides.claims };
  const input = `${b64(header)}.${b64(claims)}`;
  const key = overrides.keyPem ?? cert.keyPem;
  const signature = alg === 'PS256'
    ? sign('sha256', Buffer.from(input), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 })
    : sign('sha256', Buffer.from(input), key);
  return `${input}.${signature.toString('base64url')}`;
}

function post(fields: Record<string, string | undefined>, host = loginHost): Promise<Response> {
  const form = new URLSearchParams();
  const all: Record<string, string | undefined> = {
    client_id: clientId, scope: `${GRAPH}/.default`, grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion(), ...fields,
  };
  for (const [k, v] of Object.entries(all)) if (v !== undefined) form.set(k, v);
  return httpsRequest(emu, {
    host, path: `/${tenant}/oauth2/v2.0/token`, method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(),
  });
}

test('a PS256 assertion signed by the registered certificate gets a Bearer token without cnf', async () => {
  const res = await post({});
  expect(res.status).toBe(200);
  expect(res.json).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
  const claims = jwtClaims(res.json.access_token);
  expect(claims).toMatchObject({ aud: GRAPH, tid: tenant, appid: clientId, appidacr: '2' });
  expect(claims['cnf']).toBeUndefined();
  expect(emu.stats.tokenRequests).toBe(1);
  expect(emu.tokenRequests[0]?.host).toBe(loginHost);
});

test('RS256 and a SHA-1 x5t header are accepted too', async () => {
  const sha1 = createHash('sha1').update(new X509Certificate(cert.certPem).raw).digest('base64url');
  const res = await post({ client_assertion: assertion({ alg: 'RS256', header: { 'x5t#S256': undefined, x5t: sha1 } }) });
  expect(res.status).toBe(200);
});

describe('rejected assertions → 401 invalid_client', () => {
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  test.each([
    ['signed by another key', { keyPem: other }, 700027],
    ['naming an unregistered certificate', { header: { 'x5t#S256': 'AAAA' } }, 700027],
    ['with another audience', { claims: { aud: 'https://login.microsoftonline.com/other/oauth2/v2.0/token' } }, 700027],
    ['with iss not the client id', { claims: { iss: 'someone-else' } }, 700027],
    ['expired', { claims: { exp: Math.floor(Date.now() / 1000) - 3600 } }, 700024],
  ])('%s', async (_name, overrides, code) => {
    const res = await post({ client_assertion: assertion(overrides) });
    expect(res.status).toBe(401);
    expect(res.json.error).toBe('invalid_client');
    expect(res.json.error_codes).toEqual([code]);
  });

  test('alg none', async () => {
    const [h, c] = assertion().split('.');
    const none = `${b64({ alg: 'none', 'x5t#S256': cert.x5tS256 })}.${c}.`;
    expect(h).toBeDefined();
    expect((await post({ client_assertion: none })).json.error_codes).toEqual([700027]);
  });

  test('no assertion at all', async () => {
    const res = await post({ client_assertion: undefined, client_assertion_type: undefined });
    expect(res.status).toBe(401);
    expect(res.json.error_codes).toEqual([7000218]);
  });
});

test('request shape: unregistered client, bad scope, mtls_pop token type', async () => {
  expect((await post({ client_id: 'nobody' })).json.error_codes).toEqual([700016]);
  expect((await post({ scope: GRAPH })).json.error).toBe('invalid_scope');
  expect((await post({ token_type: 'mtls_pop' })).status).toBe(400);
});

test('serves OpenID configuration and instance discovery pointing at the host asked for', async () => {
  const openId = await httpsRequest(emu, { host: loginHost, path: `/${tenant}/v2.0/.well-known/openid-configuration` });
  expect(openId.status).toBe(200);
  expect(openId.json.token_endpoint).toBe(endpoint);
  const discovery = await httpsRequest(emu, { host: loginHost, path: '/common/discovery/instance?api-version=1.1' });
  expect(discovery.json.metadata[0].aliases).toEqual([loginHost]);
});

test('off by default: the login host token path stays 404', async () => {
  const plain = await startEmulator();
  try {
    const res = await httpsRequest(plain, { host: loginHost, path: `/${tenant}/oauth2/v2.0/token`, method: 'POST', body: '' });
    expect(res.status).toBe(404);
  } finally {
    await plain.close();
  }
});
