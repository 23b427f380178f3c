import { generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { request } from 'node:http';
import { startEmulator, type Emulator } from '../src/index.js';
import { buildCsr } from './helpers/csr.js';
import { getMetadata, httpRequest, METADATA_PATH, postIssue } from './helpers/http_request.js';

const tenantId = '55555555-6666-7777-8888-999999999999';
const clientId = '00000000-1111-2222-3333-444444444444';
const vmId = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
let emu: Emulator;
let key: { privateKey: KeyObject; publicKey: KeyObject };
let csr: string;

beforeAll(async () => {
  key = generateKeyPairSync('rsa', { modulusLength: 2048 });
  csr = buildCsr({ tenantId, clientId, cuIdJson: `{"vmId":"${vmId}"}`, ...key }).toString('base64');
  emu = await startEmulator({ imds: { tenantId, systemAssigned: { clientId }, cuId: { vmId } } });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const certificateOf = (json: { certificate: string }): X509Certificate => new X509Certificate(Buffer.from(json.certificate, 'base64'));

describe('status faults', () => {
  test('503 with the default IMDS-style body, for `times` requests, then normal service', async () => {
    const handle = emu.imds.inject({ kind: 'status', status: 503 }, { times: 2 });
    const first = await getMetadata(emu.imdsUrl);
    expect(first.status).toBe(503);
    expect(first.json).toEqual({ error: 'server_error', error_description: 'Injected fault: HTTP 503' });
    expect(first.headers['server']).toBe('IMDS/150.870.65.1854');
    expect(handle.remaining).toBe(1);
    expect((await postIssue(emu.imdsUrl, { csr })).status).toBe(503);
    expect(handle.remaining).toBe(0);
    expect((await getMetadata(emu.imdsUrl)).status).toBe(200);
  });

  test('429 with Retry-After and a custom body', async () => {
    emu.imds.inject({ kind: 'status', status: 429, headers: { 'retry-after': '3' }, body: { error: 'throttled' } });
    const res = await getMetadata(emu.imdsUrl);
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('3');
    expect(res.json).toEqual({ error: 'throttled' });
  });

  test.each([404, 410, 500])('%i limited to getplatformmetadata leaves issuecredential alone', async (status) => {
    emu.imds.inject({ kind: 'status', status }, { path: 'getplatformmetadata', times: Infinity });
    expect((await postIssue(emu.imdsUrl, { csr })).status).toBe(200);
    expect((await getMetadata(emu.imdsUrl)).status).toBe(status);
    expect((await getMetadata(emu.imdsUrl)).status).toBe(status);
    // Probes hit the same path, so they see the fault too (a probe only succeeds on 400).
    expect((await httpRequest(emu.imdsUrl, { path: METADATA_PATH })).status).toBe(status);
    emu.imds.clearFaults();
    expect((await getMetadata(emu.imdsUrl)).status).toBe(200);
  });

  test('a fault limited to issuecredential leaves getplatformmetadata alone', async () => {
    emu.imds.inject({ kind: 'status', status: 500 }, { path: 'issuecredential' });
    expect((await getMetadata(emu.imdsUrl)).status).toBe(200);
    expect((await postIssue(emu.imdsUrl, { csr })).status).toBe(500);
  });
});

test('delay holds the response back', async () => {
  emu.imds.inject({ kind: 'delay', ms: 300 });
  const started = Date.now();
  const res = await getMetadata(emu.imdsUrl);
  expect(res.status).toBe(200);
  expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  const again = Date.now();
  await getMetadata(emu.imdsUrl);
  expect(Date.now() - again).toBeLessThan(250);
});

test('truncate: full Content-Length declared, half the body sent, connection closed', async () => {
  const full = (await getMetadata(emu.imdsUrl)).body;
  emu.imds.inject({ kind: 'truncate' }, { path: 'getplatformmetadata' });
  const url = new URL(emu.imdsUrl);
  const outcome = await new Promise<{ status: number; declared: number; received: number; complete: boolean }>((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: METADATA_PATH, headers: { metadata: 'true' }, agent: false }, (res) => {
      let received = 0;
      res.on('data', (chunk: Buffer) => { received += chunk.length; });
      res.on('error', () => undefined); // 'aborted' surfaces here; the facts are collected at 'close'
      res.on('close', () => resolve({ status: res.statusCode ?? 0, declared: Number(res.headers['content-length']), received, complete: res.complete }));
    });
    req.on('error', reject);
    req.end();
  });
  expect(outcome.status).toBe(200);
  expect(outcome.declared).toBe(Buffer.byteLength(full));
  expect(outcome.received).toBe(Math.floor(Buffer.byteLength(full) / 2));
  expect(outcome.complete).toBe(false);
  await expect(getMetadata(emu.imdsUrl)).resolves.toMatchObject({ status: 200 }); // used up
});

test('redirect: 307 with Location and no body', async () => {
  emu.imds.inject({ kind: 'redirect', location: 'http://127.0.0.1:1/elsewhere' }, { path: 'issuecredential' });
  const res = await postIssue(emu.imdsUrl, { csr });
  expect(res.status).toBe(307);
  expect(res.headers['location']).toBe('http://127.0.0.1:1/elsewhere');
  expect(res.body).toBe('');
  expect(emu.imds.stats.certificatesIssued).toBe(0);
  emu.imds.inject({ kind: 'redirect', location: '/x', status: 302 });
  expect((await getMetadata(emu.imdsUrl)).status).toBe(302);
});

test('missingServerHeader: the response has no Server header', async () => {
  emu.imds.inject({ kind: 'missingServerHeader' });
  const res = await getMetadata(emu.imdsUrl);
  expect(res.status).toBe(200);
  expect(res.headers['server']).toBeUndefined();
  expect((await getMetadata(emu.imdsUrl)).headers['server']).toBe('IMDS/150.870.65.1854');
});

describe('certificate faults (used up only by a successful issuance)', () => {
  test('wrongKey: a CA-signed certificate for another public key', async () => {
    emu.imds.inject({ kind: 'wrongKey' });
    expect((await getMetadata(emu.imdsUrl)).status).toBe(200); // does not consume it
    expect((await postIssue(emu.imdsUrl, { csr: 'AAAA' })).status).toBe(400); // nor does a refused CSR
    const res = await postIssue(emu.imdsUrl, { csr });
    expect(res.status).toBe(200);
    const cert = certificateOf(res.json);
    expect(cert.verify(new X509Certificate(emu.caPem).publicKey)).toBe(true);
    expect(cert.publicKey.export({ type: 'spki', format: 'der' })).not.toEqual(key.publicKey.export({ type: 'spki', format: 'der' }));
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const next = certificateOf((await postIssue(emu.imdsUrl, { csr })).json);
    expect(next.publicKey.export({ type: 'spki', format: 'der' })).toEqual(key.publicKey.export({ type: 'spki', format: 'der' }));
  });

  test('expired: NotAfter already passed, for the CSR key', async () => {
    emu.imds.inject({ kind: 'expired' });
    const cert = certificateOf((await postIssue(emu.imdsUrl, { csr })).json);
    expect(Date.parse(cert.validTo)).toBeLessThan(Date.now());
    expect(Date.parse(cert.validTo) - Date.parse(cert.validFrom)).toBe(7 * 24 * 3600 * 1000);
    expect(cert.publicKey.export({ type: 'spki', format: 'der' })).toEqual(key.publicKey.export({ type: 'spki', format: 'der' }));
  });
});

test('invalid faults and paths are refused; reset() clears faults', async () => {
  expect(() => emu.imds.inject({ kind: 'status', status: 99 })).toThrow(TypeError);
  expect(() => emu.imds.inject({ kind: 'nope' } as never)).toThrow(TypeError);
  expect(() => emu.imds.inject({ kind: 'truncate' }, { path: 'oauth2/token' })).toThrow(/path must be/);
  expect(() => emu.imds.inject({ kind: 'truncate' }, { times: 0 })).toThrow(/times/);
  emu.imds.inject({ kind: 'status', status: 500 }, { times: Infinity });
  emu.reset();
  expect((await getMetadata(emu.imdsUrl)).status).toBe(200);
});
