import { emulatorApp, rejection } from '../helpers/emulator_app.js';
import { createMtlsFetch } from '../../src/downstream/mtls_fetch.js';
import { createMtlsAgent } from '../../src/downstream/mtls_agent.js';
import { loadBindingCredential } from '../../src/credential/binding_credential.js';
import { createNodeTransport } from '../../src/transport/node_transport.js';
import { parseConnectTo } from '../../src/transport/connect_to.js';
import type { HttpRequest, MtlsTransport } from '../../src/transport/http_types.js';

// Path 1's fetch against the emulator's RFC 8705 resource (mtlstb.graph.microsoft.com), which
// answers 200 only for `Authorization: mtls_pop <token>` on a TLS connection that presents the
// certificate the token is bound to, and 401 with its reason otherwise.
const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const clientId = '11111111-2222-3333-4444-555555555555';
const me = 'https://mtlstb.graph.microsoft.com/v1.0/me';

const app = emulatorApp({ clientId, tenantId, commonName: 'fetch app' });
const client = app.client;

describe('createMtlsFetch (Path 1)', () => {
  test('GET → 200 over the bound certificate; a real Response; the next call reuses token and connection', async () => {
    const fetch = createMtlsFetch({ client: client(), scopes: ['https://graph.microsoft.com/.default'] });
    try {
      const response = await fetch(me, { headers: { accept: 'application/json' } });
      expect(response).toBeInstanceOf(Response);
      expect(response.status).toBe(200);
      expect(response.ok).toBe(true);
      expect(response.url).toBe(me);
      expect(response.headers.get('content-type')).toMatch(/application\/json/);
      expect(await response.json()).toMatchObject({ ok: true, appid: clientId, aud: 'https://graph.microsoft.com', cnf: { 'x5t#S256': app.cert.x5tS256 } });
      expect(app.emulator.resourceRequests[0]).toMatchObject({ clientCertX5t: app.cert.x5tS256, status: 200, newConnection: true, method: 'GET', path: '/v1.0/me' });

      const second = await fetch(new URL(`${me}?$select=id`));
      expect(second.status).toBe(200);
      expect(app.emulator.resourceRequests[1]).toMatchObject({ newConnection: false, path: '/v1.0/me?$select=id' });
      expect(app.emulator.tokenRequests).toHaveLength(1); // the token came from the cache
    } finally {
      fetch.close();
    }
  });

  test('any method, a Request as input, a body; the caller\'s Authorization is replaced; HEAD has no body', async () => {
    const fetch = createMtlsFetch({ client: client(), resource: 'https://graph.microsoft.com' });
    try {
      const posted = await fetch(new Request(me, { method: 'POST', body: JSON.stringify({ a: 1 }), headers: { authorization: 'Bearer stolen', 'content-type': 'application/json' } }));
      expect(posted.status).toBe(200);
      for (const method of ['PUT', 'PATCH', 'DELETE', 'OPTIONS']) expect((await fetch(me, { method, body: method === 'DELETE' || method === 'OPTIONS' ? null : 'x' })).status).toBe(200);
      const head = await fetch(me, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.body).toBeNull();
      expect(app.emulator.resourceRequests.map((r) => r.method)).toEqual(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD']);
      expect(app.emulator.resourceRequests.every((r) => r.status === 200 && r.clientCertX5t === app.cert.x5tS256)).toBe(true);
      expect(app.emulator.tokenRequests[0]!.form.scope).toContain('https://graph.microsoft.com/.default');
    } finally {
      fetch.close();
    }
  });

  test('connection-level headers of the caller are not forwarded (they would clash with the transport\'s framing and pooling)', async () => {
    const fetch = createMtlsFetch({ client: client(), scopes: ['https://graph.microsoft.com/.default'] });
    try {
      const headers = { 'transfer-encoding': 'chunked', 'content-length': '999', connection: 'close', host: 'evil.example', 'accept-encoding': 'gzip', 'x-custom': 'kept' };
      expect((await fetch(me, { method: 'POST', body: 'abc', headers })).status).toBe(200);
      expect((await fetch(me)).status).toBe(200);
      expect(app.emulator.resourceRequests.map((r) => [r.host, r.newConnection])).toEqual([['mtlstb.graph.microsoft.com', true], ['mtlstb.graph.microsoft.com', false]]);
    } finally {
      fetch.close();
    }
  });

  test('a 401 comes back as a Response (not thrown), with the resource\'s challenge: a token for another audience', async () => {
    const fetch = createMtlsFetch({ client: client(), scopes: ['https://vault.azure.net/.default'] });
    try {
      const response = await fetch(me);
      expect(response.status).toBe(401);
      expect(response.ok).toBe(false);
      expect(response.headers.get('www-authenticate')).toMatch(/^mtls_pop error="invalid_token"/);
      expect(await response.json()).toMatchObject({ error: 'invalid_token', reason: 'wrong_audience' });
      expect(app.emulator.resourceRequests[0]).toMatchObject({ clientCertX5t: app.cert.x5tS256, status: 401, reason: 'wrong_audience' });
    } finally {
      fetch.close();
    }
  });

  test('a certificate whose key is outside Node: fetch goes through the client\'s own transport; no https.Agent can be made', async () => {
    // An external-key certificate as @msal-mtls/cng's windowsStoreCertificate() gives one; its
    // backend here is a real Node transport, counted so we see fetch use it.
    const used: string[] = [];
    const external = client({
      certificate: {
        certificate: app.cert.certPem,
        createTransport: (options): MtlsTransport => {
          const inner = createNodeTransport({ credential: loadBindingCredential({ certPem: app.cert.certPem, keyPem: app.cert.keyPem }, Date.now()), ca: options.ca, connectTo: parseConnectTo(app.emulator.connectTo) });
          return { request: (r: HttpRequest) => (used.push(`${r.method} ${new URL(r.url).host}`), inner.request(r)), close: () => inner.close() };
        },
      },
    });
    const fetch = createMtlsFetch({ client: external, scopes: ['https://graph.microsoft.com/.default'] });
    try {
      expect((await fetch(me)).status).toBe(200);
      expect(used).toContain('GET mtlstb.graph.microsoft.com');
      expect(app.emulator.resourceRequests[0]).toMatchObject({ clientCertX5t: app.cert.x5tS256, status: 200 });
    } finally {
      fetch.close();
    }
    expect(() => createMtlsAgent(external)).toThrow(expect.objectContaining({ code: 'ERR_MTLS_KEY_NOT_IN_NODE' }) as Error);
  });

  test('abort: a signal fired before → ERR_MTLS_ABORTED (name AbortError) and no request', async () => {
    const fetch = createMtlsFetch({ client: client(), scopes: ['https://graph.microsoft.com/.default'] });
    try {
      expect(await rejection(fetch(me, { signal: AbortSignal.abort() }))).toMatchObject({ code: 'ERR_MTLS_ABORTED', name: 'AbortError' });
      expect(app.emulator.tokenRequests).toHaveLength(0);
      expect(app.emulator.resourceRequests).toHaveLength(0);
    } finally {
      fetch.close();
    }
  });

  test('bad input: coded errors before any request', async () => {
    const fetch = createMtlsFetch({ client: client(), scopes: ['https://graph.microsoft.com/.default'] });
    try {
      expect(await rejection(fetch('http://mtlstb.graph.microsoft.com/v1.0/me'))).toMatchObject({ code: 'ERR_MTLS_INVALID_ARGUMENT' });
      expect(await rejection(fetch(me, { method: 'PROPFIND' }))).toMatchObject({ code: 'ERR_MTLS_INVALID_ARGUMENT' });
      expect(await rejection(fetch('not a url'))).toMatchObject({ code: 'ERR_MTLS_INVALID_ARGUMENT' });
      expect(app.emulator.tokenRequests).toHaveLength(0);
    } finally {
      fetch.close();
    }
    expect(() => createMtlsFetch({ client: client(), scopes: ['a'], resource: 'b' })).toThrow(expect.objectContaining({ code: 'ERR_MTLS_INVALID_ARGUMENT' }) as Error);
    expect(() => createMtlsFetch({ client: {} as never, scopes: ['a'] })).toThrow(expect.objectContaining({ code: 'ERR_MTLS_INVALID_ARGUMENT' }) as Error);
  });

  test('a transport failure is the transport\'s coded error', async () => {
    const fetch = createMtlsFetch({ client: client({ connectTo: ['mtlstb.graph.microsoft.com:443:127.0.0.1:1', ...app.emulator.connectTo] }), scopes: ['https://graph.microsoft.com/.default'] });
    try {
      expect(await rejection(fetch(me))).toMatchObject({ code: 'ERR_MTLS_NETWORK' });
    } finally {
      fetch.close();
    }
  });
});
