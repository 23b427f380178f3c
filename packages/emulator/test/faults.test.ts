import { FaultSet } from '../src/faults.js';
import { startEmulator, type ClientCertificate, type Emulator } from '../src/index.js';
import { jwtClaims, postToken, tokenForm } from './helpers/https_request.js';

const tenant = 'tenant-f';
let emu: Emulator;
let cert: ClientCertificate;
const request = (host?: string) => postToken(emu, { tenant, form: tokenForm(), cert, ...(host ? { host } : {}) });

beforeAll(async () => {
  emu = await startEmulator();
  cert = emu.createClientCertificate({ commonName: 'fault-app' });
  emu.registerApplication({ clientId: 'client-1', tenantId: tenant, certificates: [cert.certPem] });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

test('status fault: next N responses, AADSTS-shaped default body, custom headers; then back to normal', async () => {
  const handle = emu.inject({ kind: 'status', status: 429, headers: { 'retry-after': '7' } }, { times: 2 });
  const first = await request();
  expect(first.status).toBe(429);
  expect(first.headers['retry-after']).toBe('7');
  expect(first.json).toMatchObject({ error: 'too_many_requests', error_codes: [90033] });
  expect(handle.remaining).toBe(1);
  expect((await request()).status).toBe(429);
  expect((await request()).status).toBe(200);
  expect(emu.tokenRequests.map((r) => r.status)).toEqual([429, 429, 200]);
});

test('status fault with a custom body; Infinity lasts until cleared', async () => {
  emu.inject({ kind: 'status', status: 500, body: { error: 'server_error', custom: true } }, { times: Infinity });
  for (let i = 0; i < 3; i++) expect((await request()).json).toEqual({ error: 'server_error', custom: true });
  emu.clearFaults();
  expect((await request()).status).toBe(200);
});

test('host filter: only the regional host fails', async () => {
  emu.inject({ kind: 'status', status: 503 }, { host: 'EASTUS.mtlsauth.microsoft.com' });
  expect((await request('mtlsauth.microsoft.com')).status).toBe(200);
  const regional = await request();
  expect(regional.status).toBe(503);
  expect(regional.json.error).toBe('temporarily_unavailable');
});

test('delay holds the response back', async () => {
  emu.inject({ kind: 'delay', ms: 300 });
  const started = Date.now();
  expect((await request()).status).toBe(200);
  expect(Date.now() - started).toBeGreaterThanOrEqual(290);
});

test('destroySocket ends the connection without a response', async () => {
  emu.inject({ kind: 'destroySocket' });
  await expect(request()).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|socket hang up/i) });
  expect(emu.tokenRequests[0]?.status).toBe(0);
  expect((await request()).status).toBe(200);
});

test('tokenType, cnf and omitField change a successful response only', async () => {
  emu.inject({ kind: 'tokenType', tokenType: 'Bearer' });
  emu.inject({ kind: 'cnf', x5tS256: 'someone-elses-thumbprint' });
  emu.inject({ kind: 'omitField', field: 'expires_in' });
  // An error response does not use them up.
  expect((await postToken(emu, { tenant: 'common', form: tokenForm(), cert })).status).toBe(400);
  const res = await request();
  expect(res.json.token_type).toBe('Bearer');
  expect(res.json).not.toHaveProperty('expires_in');
  expect(jwtClaims(res.json.access_token).cnf).toEqual({ 'x5t#S256': 'someone-elses-thumbprint' });
  const normal = await request();
  expect(normal.json.token_type).toBe('mtls_pop');
  expect(jwtClaims(normal.json.access_token).cnf).toEqual({ 'x5t#S256': cert.x5tS256 });
});

test('invalid faults are rejected', () => {
  const faults = new FaultSet();
  expect(() => faults.inject({ kind: 'status', status: 42 })).toThrow(TypeError);
  expect(() => faults.inject({ kind: 'delay', ms: -1 })).toThrow(TypeError);
  expect(() => faults.inject({ kind: 'nope' } as never)).toThrow(TypeError);
  expect(() => faults.inject({ kind: 'destroySocket' }, { times: 0 })).toThrow(TypeError);
});

test('a handle clears only its own fault', () => {
  const faults = new FaultSet();
  const a = faults.inject({ kind: 'status', status: 500 });
  faults.inject({ kind: 'delay', ms: 5 });
  a.clear();
  expect(faults.takeResponseFaults('h')).toEqual([{ kind: 'delay', ms: 5 }]);
  expect(faults.takeResponseFaults('h')).toEqual([]);
});
