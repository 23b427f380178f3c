import { createPublicKey, verify } from 'node:crypto';
import { startEmulator, type ClientCertificate, type Emulator } from '../src/index.js';
import { GRAPH, REGIONAL_HOST, httpsRequest, jwtClaims, postToken, tokenForm } from './helpers/https_request.js';

const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
let emu: Emulator;
let cert: ClientCertificate;
let unregistered: ClientCertificate;

beforeAll(async () => {
  emu = await startEmulator({ refreshInSeconds: 1800 });
  cert = emu.createClientCertificate({ commonName: 'app-1' });
  unregistered = emu.createClientCertificate({ commonName: 'stranger' });
  emu.registerApplication({ clientId: 'client-1', tenantId: tenant, certificates: [cert.certPem] });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

describe('token endpoint: success', () => {
  test('issues an mtls_pop token bound to the presented certificate', async () => {
    const res = await postToken(emu, { tenant, form: tokenForm(), cert });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ token_type: 'mtls_pop', expires_in: 3600, ext_expires_in: 3600, refresh_in: 1800, access_token: expect.any(String) });
    const claims = jwtClaims(res.json.access_token);
    expect(claims).toMatchObject({
      aud: GRAPH, iss: `https://login.microsoftonline.com/${tenant}/v2.0`, tid: tenant, appid: 'client-1', azp: 'client-1',
      ver: '2.0', cnf: { 'x5t#S256': cert.x5tS256 },
    });
    expect(claims.exp - claims.iat).toBe(3600);
    expect(claims.nbf).toBe(claims.iat);
    expect(claims.oid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(claims.sub).toBe(claims.oid);
  });

  test('the token verifies against the published JWKS (kid, RS256, typ JWT)', async () => {
    const res = await postToken(emu, { tenant, form: tokenForm(), cert });
    const [headerPart, payloadPart, signaturePart] = res.json.access_token.split('.');
    const header = JSON.parse(Buffer.from(headerPart, 'base64url').toString());
    expect(header).toEqual({ typ: 'JWT', kid: expect.any(String), alg: 'RS256' });
    const keys = await httpsRequest(emu, { host: 'login.microsoftonline.com', path: `/${tenant}/discovery/v2.0/keys` });
    expect(keys.status).toBe(200);
    expect(keys.json).toEqual(emu.jwks);
    const jwk = keys.json.keys.find((k: { kid: string }) => k.kid === header.kid);
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    const data = Buffer.from(`${headerPart}.${payloadPart}`);
    expect(verify('sha256', data, key, Buffer.from(signaturePart, 'base64url'))).toBe(true);
    expect(verify('sha256', Buffer.from(`${headerPart}.${payloadPart}x`), key, Buffer.from(signaturePart, 'base64url'))).toBe(false);
  });

  test('global and sovereign mtlsauth hosts work; iss follows the cloud', async () => {
    const global = await postToken(emu, { tenant, form: tokenForm(), cert, host: 'mtlsauth.microsoft.com' });
    expect(global.status).toBe(200);
    const us = await postToken(emu, { tenant, form: tokenForm(), cert, host: 'usgovvirginia.mtlsauth.microsoftonline.us' });
    expect(jwtClaims(us.json.access_token).iss).toBe(`https://login.microsoftonline.us/${tenant}/v2.0`);
  });

  test('echoes client-request-id only when asked to', async () => {
    const asked = await postToken(emu, { tenant, form: tokenForm(), cert, headers: { 'client-request-id': 'corr-1', 'return-client-request-id': 'true' } });
    expect(asked.headers['client-request-id']).toBe('corr-1');
    const notAsked = await postToken(emu, { tenant, form: tokenForm(), cert, headers: { 'client-request-id': 'corr-2' } });
    expect(notAsked.headers['client-request-id']).toBeUndefined();
  });

  test('records each request with form, certificate and connection facts', async () => {
    await postToken(emu, { tenant, form: tokenForm(), cert, headers: { 'x-client-sku': 'msal-mtls' } });
    expect(emu.tokenRequests).toHaveLength(1);
    expect(emu.tokenRequests[0]).toMatchObject({
      host: REGIONAL_HOST, path: `/${tenant}/oauth2/v2.0/token`, tenant, clientCertX5t: cert.x5tS256, newConnection: true, status: 200,
      form: { client_id: 'client-1', scope: `${GRAPH}/.default`, grant_type: 'client_credentials', token_type: 'mtls_pop' },
    });
    expect(emu.tokenRequests[0]?.headers['x-client-sku']).toBe('msal-mtls');
    expect(emu.stats.tokenRequests).toBe(1);
  });
});

describe('token endpoint: AADSTS errors', () => {
  const cases: Array<[string, () => Parameters<typeof postToken>[1], number, string, number]> = [
    ['common tenant', () => ({ tenant: 'common', form: tokenForm(), cert }), 400, 'invalid_request', 50059],
    ['organizations tenant', () => ({ tenant: 'organizations', form: tokenForm(), cert }), 400, 'invalid_request', 50059],
    ['unknown client id', () => ({ tenant, form: tokenForm({ client_id: 'nobody' }), cert }), 400, 'unauthorized_client', 700016],
    ['client registered in another tenant', () => ({ tenant: 'contoso.onmicrosoft.com', form: tokenForm(), cert }), 400, 'unauthorized_client', 700016],
    ['no client certificate', () => ({ tenant, form: tokenForm() }), 401, 'invalid_client', 7000218],
    ['certificate not registered', () => ({ tenant, form: tokenForm(), cert: unregistered }), 401, 'invalid_client', 700027],
    ['token_type missing', () => ({ tenant, form: tokenForm({ token_type: undefined }), cert }), 400, 'invalid_request', 900144],
    ['token_type Bearer', () => ({ tenant, form: tokenForm({ token_type: 'Bearer' }), cert }), 400, 'invalid_request', 392190],
    ['client_assertion present', () => ({ tenant, form: tokenForm({ client_assertion: 'eyJ.x.y', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' }), cert }), 400, 'invalid_request', 392191],
    ['scope without /.default', () => ({ tenant, form: tokenForm({ scope: `${GRAPH}/User.Read` }), cert }), 400, 'invalid_scope', 1002012],
    ['resource not enrolled (ARM)', () => ({ tenant, form: tokenForm({ scope: 'https://management.azure.com/.default' }), cert }), 400, 'invalid_request', 392196],
    ['grant_type missing', () => ({ tenant, form: tokenForm({ grant_type: undefined }), cert }), 400, 'invalid_request', 900144],
    ['grant_type other', () => ({ tenant, form: tokenForm({ grant_type: 'password' }), cert }), 400, 'unsupported_grant_type', 70003],
  ];

  test.each(cases)('%s', async (_name, options, status, error, code) => {
    const res = await postToken(emu, { ...options(), headers: { 'client-request-id': 'corr-err' } });
    expect(res.status).toBe(status);
    expect(res.json).toMatchObject({ error, error_codes: [code], correlation_id: 'corr-err', trace_id: expect.any(String), timestamp: expect.any(String) });
    expect(res.json.error_description).toMatch(
      new RegExp(`^AADSTS${code}: .+\\r\\nTrace ID: ${res.json.trace_id}\\r\\nCorrelation ID: corr-err\\r\\nTimestamp: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`, 's'),
    );
    expect(res.json.access_token).toBeUndefined();
    expect(emu.tokenRequests.at(-1)?.status).toBe(status);
  });

  test('enrolled resources are configurable', async () => {
    const other = await startEmulator({ enrolledResources: ['https://management.azure.com/'] });
    try {
      other.registerApplication({ clientId: 'client-1', tenantId: tenant, certificates: [cert.certPem] });
      const arm = await postToken(other, { tenant, form: tokenForm({ scope: 'https://management.azure.com/.default' }), cert });
      expect(arm.status).toBe(200);
      const graph = await postToken(other, { tenant, form: tokenForm(), cert });
      expect(graph.json.error_codes).toEqual([392196]);
    } finally {
      await other.close();
    }
  });

  test('the token endpoint is only on mtlsauth hosts', async () => {
    const res = await postToken(emu, { tenant, form: tokenForm(), cert, host: 'login.microsoftonline.com' });
    expect(res.status).toBe(404);
    expect(emu.stats.tokenRequests).toBe(0);
  });
});
