import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { request as httpRequestRaw, type IncomingMessage } from 'node:http';
import { request as httpsRequestRaw } from 'node:https';
import { FaultSet } from '../src/faults.js';
import { startEmulator, type ClientCertificate, type Emulator } from '../src/index.js';
import { buildCsr } from './helpers/csr.js';
import { getMetadata, METADATA_PATH, postIssue } from './helpers/http_request.js';
import { postToken, REGIONAL_HOST, tokenForm } from './helpers/https_request.js';

// The faults that change how (or whether) an answer arrives, and the body faults added for the
// client fault suite: truncate / resetMidBody / oversizedBody / setField on the token endpoint;
// destroySocket / resetMidBody / oversizedBody / omitField / setField / notYetValid on IMDS.
const tenantId = '55555555-6666-7777-8888-999999999999';
const clientId = '00000000-1111-2222-3333-444444444444';
const vmId = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
let emu: Emulator;
let cert: ClientCertificate;
let csr: string;

beforeAll(async () => {
  emu = await startEmulator({ imds: { tenantId, systemAssigned: { clientId }, cuId: { vmId } } });
  cert = emu.createClientCertificate({ commonName: 'delivery-app' });
  emu.registerApplication({ clientId: 'client-1', tenantId, certificates: [cert.certPem] });
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
  csr = buildCsr({ tenantId, clientId, cuIdJson: `{"vmId":"${vmId}"}`, ...key }).toString('base64');
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

/** What arrived of one answer, however it ended. */
interface Arrival {
  status: number;
  declared: number | undefined;
  chunked: boolean;
  received: number;
  complete: boolean;
  /** The error code the response or request ended with (ECONNRESET for a reset), if any. */
  errorCode: string | undefined;
}

function collect(start: (onResponse: (res: IncomingMessage) => void) => { on(event: 'error', f: (e: NodeJS.ErrnoException) => void): unknown; end(body?: string): unknown }, body?: string): Promise<Arrival> {
  return new Promise((resolve) => {
    let errorCode: string | undefined;
    const req = start((res) => {
      let received = 0;
      res.on('data', (chunk: Buffer) => { received += chunk.length; });
      res.on('error', (error: NodeJS.ErrnoException) => { errorCode ??= error.code; });
      res.on('close', () => resolve({
        status: res.statusCode ?? 0,
        declared: res.headers['content-length'] === undefined ? undefined : Number(res.headers['content-length']),
        chunked: res.headers['transfer-encoding'] === 'chunked',
        received,
        complete: res.complete,
        errorCode,
      }));
    });
    req.on('error', (error) => resolve({ status: 0, declared: undefined, chunked: false, received: 0, complete: false, errorCode: error.code ?? error.message }));
    req.end(body);
  });
}

const tokenArrival = (): Promise<Arrival> => collect((onResponse) => httpsRequestRaw({
  host: '127.0.0.1', port: emu.port, servername: REGIONAL_HOST, method: 'POST', path: `/${tenantId}/oauth2/v2.0/token`,
  headers: { host: REGIONAL_HOST, 'content-type': 'application/x-www-form-urlencoded' }, ca: emu.caPem, cert: cert.certPem, key: cert.keyPem, agent: false,
}, onResponse), tokenForm());

const metadataArrival = (): Promise<Arrival> => {
  const url = new URL(emu.imdsUrl);
  return collect((onResponse) => httpRequestRaw({ host: url.hostname, port: url.port, path: METADATA_PATH, headers: { metadata: 'true' }, agent: false }, onResponse));
};

describe('token endpoint', () => {
  test('truncate: a successful answer cut after half its declared length, then closed', async () => {
    const whole = await tokenArrival();
    expect(whole).toMatchObject({ status: 200, complete: true });
    emu.inject({ kind: 'truncate' });
    const cut = await tokenArrival();
    expect(cut).toMatchObject({ status: 200, complete: false });
    expect(cut.received).toBeLessThan(cut.declared!);
    expect(cut.received).toBe(Math.floor(cut.declared! / 2));
    expect(emu.tokenRequests.at(-1)!.status).toBe(200);
    expect(await tokenArrival()).toMatchObject({ complete: true }); // used up
  });

  test('resetMidBody: half the body, then a TCP reset (ECONNRESET, not a clean close)', async () => {
    emu.inject({ kind: 'resetMidBody' });
    const cut = await tokenArrival();
    expect(cut).toMatchObject({ status: 200, complete: false, errorCode: 'ECONNRESET' });
    expect(cut.received).toBeLessThan(cut.declared!);
  });

  test('truncate also cuts an error answer', async () => {
    emu.inject({ kind: 'status', status: 503 });
    emu.inject({ kind: 'truncate' });
    const cut = await tokenArrival();
    expect(cut).toMatchObject({ status: 503, complete: false });
  });

  test.each([false, true])('oversizedBody (chunked: %p): 200 with exactly that many bytes', async (chunked) => {
    emu.inject({ kind: 'oversizedBody', bytes: 3 * 1024 * 1024 + 7, chunked });
    const big = await tokenArrival();
    expect(big).toMatchObject({ status: 200, complete: true, received: 3 * 1024 * 1024 + 7, chunked });
    expect(big.declared).toBe(chunked ? undefined : 3 * 1024 * 1024 + 7);
  });

  test('setField: a successful answer with a field of the wrong type; error answers do not use it up', async () => {
    emu.inject({ kind: 'setField', field: 'expires_in', value: 'soon' });
    emu.inject({ kind: 'setField', field: 'access_token', value: { not: 'a string' } });
    expect((await postToken(emu, { tenant: 'common', form: tokenForm(), cert })).status).toBe(400);
    const res = await postToken(emu, { tenant: tenantId, form: tokenForm(), cert });
    expect(res.json).toMatchObject({ token_type: 'mtls_pop', expires_in: 'soon', access_token: { not: 'a string' } });
    expect(typeof (await postToken(emu, { tenant: tenantId, form: tokenForm(), cert })).json.access_token).toBe('string');
  });

  test('a client that gives up during a delay uses up no token fault meant for a later request', async () => {
    emu.inject({ kind: 'delay', ms: 300 });
    emu.inject({ kind: 'tokenType', tokenType: 'Bearer' });
    const gaveUp = await collect((onResponse) => {
      const req = httpsRequestRaw({
        host: '127.0.0.1', port: emu.port, servername: REGIONAL_HOST, method: 'POST', path: `/${tenantId}/oauth2/v2.0/token`,
        headers: { host: REGIONAL_HOST, 'content-type': 'application/x-www-form-urlencoded' }, ca: emu.caPem, cert: cert.certPem, key: cert.keyPem, agent: false,
      }, onResponse);
      setTimeout(() => req.destroy(), 50);
      return req;
    }, tokenForm());
    expect(gaveUp.status).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 450));
    const later = await postToken(emu, { tenant: tenantId, form: tokenForm(), cert });
    expect(later.json.token_type).toBe('Bearer');
  });

  test('the new kinds are validated', () => {
    const faults = new FaultSet();
    expect(() => faults.inject({ kind: 'oversizedBody', bytes: 0 })).toThrow(TypeError);
    expect(() => faults.inject({ kind: 'oversizedBody', bytes: 10, chunked: 'yes' as never })).toThrow(TypeError);
    expect(() => faults.inject({ kind: 'setField', field: '', value: 1 })).toThrow(TypeError);
    expect(faults.inject({ kind: 'resetMidBody' }).remaining).toBe(1);
  });
});

describe('IMDS', () => {
  test('destroySocket: the connection ends with no answer', async () => {
    emu.imds.inject({ kind: 'destroySocket' }, { path: 'getplatformmetadata' });
    const dropped = await metadataArrival();
    expect(dropped.status).toBe(0);
    expect(dropped.errorCode).toMatch(/ECONNRESET|socket hang up/);
    expect(emu.imds.requests.at(-1)!.status).toBe(0);
    expect((await getMetadata(emu.imdsUrl)).status).toBe(200);
  });

  test('resetMidBody: half the body, then ECONNRESET', async () => {
    emu.imds.inject({ kind: 'resetMidBody' });
    const cut = await metadataArrival();
    expect(cut).toMatchObject({ status: 200, complete: false, errorCode: 'ECONNRESET' });
    expect(cut.received).toBe(Math.floor(cut.declared! / 2));
  });

  test.each([false, true])('oversizedBody (chunked: %p) carries the Server header', async (chunked) => {
    emu.imds.inject({ kind: 'oversizedBody', bytes: 2 * 1024 * 1024, chunked });
    const big = await metadataArrival();
    expect(big).toMatchObject({ status: 200, complete: true, received: 2 * 1024 * 1024, chunked });
  });

  test('omitField and setField change only a successful answer of their path', async () => {
    emu.imds.inject({ kind: 'omitField', field: 'tenantId' }, { path: 'getplatformmetadata' });
    emu.imds.inject({ kind: 'setField', field: 'certificate', value: 'not base64!' }, { path: 'issuecredential' });
    expect((await postIssue(emu.imdsUrl, { csr: 'AAAA' })).status).toBe(400); // a refused CSR does not use it up
    const metadata = await getMetadata(emu.imdsUrl);
    expect(metadata.json).not.toHaveProperty('tenantId');
    expect(metadata.json).toHaveProperty('clientId', clientId);
    const issued = await postIssue(emu.imdsUrl, { csr });
    expect(issued.json).toMatchObject({ certificate: 'not base64!', client_id: clientId });
    expect((await getMetadata(emu.imdsUrl)).json).toHaveProperty('tenantId', tenantId);
    expect(emu.imds.stats.certificatesIssued).toBe(1);
  });

  test('notYetValid: the certificate for the CSR key starts an hour from now', async () => {
    emu.imds.inject({ kind: 'notYetValid' });
    const res = await postIssue(emu.imdsUrl, { csr });
    const certificate = new X509Certificate(Buffer.from(res.json.certificate, 'base64'));
    expect(Date.parse(certificate.validFrom)).toBeGreaterThan(Date.now() + 59 * 60_000);
    expect(Date.parse(certificate.validTo) - Date.parse(certificate.validFrom)).toBe(7 * 24 * 3600 * 1000);
  });

  test('the new kinds are validated', () => {
    expect(() => emu.imds.inject({ kind: 'oversizedBody', bytes: -1 })).toThrow(TypeError);
    expect(() => emu.imds.inject({ kind: 'omitField', field: '' })).toThrow(TypeError);
    expect(() => emu.imds.inject({ kind: 'setField' } as never)).toThrow(TypeError);
  });
});
