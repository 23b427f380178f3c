import { Agent } from 'node:https';
import { startEmulator, type ClientCertificate, type Emulator } from '../src/index.js';
import { httpsRequest, postToken, tokenForm } from './helpers/https_request.js';

const tenant = 'tenant-s';
let emu: Emulator;
let cert: ClientCertificate;

beforeAll(async () => {
  emu = await startEmulator();
  cert = emu.createClientCertificate({ commonName: 'srv-app' });
  emu.registerApplication({ clientId: 'client-1', tenantId: tenant, certificates: [cert.certPem] });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

describe('server certificate and hostname verification', () => {
  test.each(['westeurope.mtlsauth.microsoft.com', 'mtlsauth.microsoft.com', 'login.microsoftonline.com', 'x.mtlsauth.sovcloud-identity.sg', 'mtlstb.graph.microsoft.com', 'localhost'])(
    '%s verifies against the emulator CA',
    async (host) => {
      const res = await httpsRequest(emu, { host, path: '/t/discovery/v2.0/keys' });
      expect(res.status).toBeGreaterThan(0);
    },
  );

  test('a name outside the SAN list fails the client hostname check', async () => {
    await expect(httpsRequest(emu, { host: 'login.evil.example', path: '/' })).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    // A wildcard covers one label only (RFC 6125): two labels before mtlsauth do not match.
    await expect(httpsRequest(emu, { host: 'a.b.mtlsauth.microsoft.com', path: '/' })).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  test('without trusting the emulator CA the handshake fails', async () => {
    await expect(httpsRequest(emu, { host: 'mtlsauth.microsoft.com', path: '/', ca: undefined })).rejects.toMatchObject({
      code: expect.stringMatching(/UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED|UNABLE_TO_VERIFY_LEAF_SIGNATURE/),
    });
  });

  test('the same CA does not validate another emulator', async () => {
    const second = await startEmulator();
    try {
      await expect(httpsRequest({ port: second.port, caPem: emu.caPem }, { host: 'mtlsauth.microsoft.com', path: '/' })).rejects.toThrow();
    } finally {
      await second.close();
    }
  });

  test('unknown hosts get 404 over a verified connection (IP SAN)', async () => {
    const res = await httpsRequest(emu, { host: '127.0.0.1', path: '/nothing', headers: { host: 'example.org' } });
    expect(res.status).toBe(404);
  });
});

describe('connection accounting', () => {
  test('keep-alive: one handshake, newConnection only on the first request', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 0; i < 3; i++) expect((await postToken(emu, { tenant, form: tokenForm(), cert, agent })).status).toBe(200);
      expect(emu.stats.tlsHandshakes).toBe(1);
      expect(emu.tokenRequests.map((r) => r.newConnection)).toEqual([true, false, false]);
      expect(new Set(emu.tokenRequests.map((r) => r.connectionId)).size).toBe(1);
    } finally {
      agent.destroy();
    }
  });

  test('separate connections are separate handshakes; a cached session is resumed and keeps the client certificate', async () => {
    const agent = new Agent({ keepAlive: false, maxCachedSessions: 10 });
    try {
      const first = await postToken(emu, { tenant, form: tokenForm(), cert, agent });
      // TLS 1.3 tickets arrive after the handshake; give the client a moment to cache one.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const second = await postToken(emu, { tenant, form: tokenForm(), cert, agent });
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(emu.stats.tlsHandshakes).toBe(2);
      expect(second.sessionReused).toBe(true);
      expect(emu.stats.tlsSessionsResumed).toBe(1);
      expect(emu.tokenRequests.map((r) => [r.newConnection, r.clientCertX5t])).toEqual([[true, cert.x5tS256], [true, cert.x5tS256]]);
    } finally {
      agent.destroy();
    }
  });
});
