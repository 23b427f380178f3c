import { startEmulator, type Emulator, type ClientCertificate } from '@msal-mtls/emulator';
import { ConfidentialClient, type ConfidentialClientOptions } from '../../src/client/confidential_client.js';
import { loadBindingCredential } from '../../src/credential/binding_credential.js';
import { createNodeTransport } from '../../src/transport/node_transport.js';
import { parseConnectTo } from '../../src/transport/connect_to.js';
import { readCnfThumbprint } from '../../src/pop/jwt_cnf.js';
import { TokenCache } from '../../src/cache/token_cache.js';
import { x5tS256 } from '../../src/pop/thumbprint.js';

// Path 1 end to end: real TLS on loopback against the emulator's mTLS token endpoint and its
// RFC 8705 resource. The client dials the emulator through connectTo and trusts its CA through
// `ca`; hostname and certificate checks stay on.
const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const clientId = '11111111-2222-3333-4444-555555555555';
const graph = ['https://graph.microsoft.com/.default'];

let emulator: Emulator;
let cert: ClientCertificate;
let cert2: ClientCertificate;
const clients: ConfidentialClient[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ tokenLifetimeSeconds: 3600 });
  cert = emulator.createClientCertificate({ commonName: 'app-cert-1' });
  cert2 = emulator.createClientCertificate({ commonName: 'app-cert-2' });
  emulator.registerApplication({ clientId, tenantId, certificates: [cert.certPem, cert2.certPem] });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await emulator.close();
});
beforeEach(() => emulator.reset());

function client(overrides: Partial<ConfidentialClientOptions> = {}): ConfidentialClient {
  const c = new ConfidentialClient({
    clientId,
    authority: `https://login.microsoftonline.com/${tenantId}`,
    azureRegion: 'eastus',
    certificate: { certPem: cert.certPem, keyPem: cert.keyPem },
    ca: emulator.caPem,
    connectTo: emulator.connectTo,
    sleep: async () => undefined,
    ...overrides,
  });
  clients.push(c);
  return c;
}

describe('ConfidentialClient against the emulator', () => {
  test('network, then cache; the token is bound to our certificate', async () => {
    const c = client();
    const first = await c.acquireToken({ scopes: graph, mtlsProofOfPossession: true });
    expect(first).toMatchObject({ tokenType: 'mtls_pop', tokenSource: 'network', scopes: graph });
    expect(readCnfThumbprint(first.accessToken)).toBe(cert.x5tS256);
    expect(x5tS256(first.bindingCertificate)).toBe(cert.x5tS256);
    expect(first.expiresOn.getTime()).toBeGreaterThan(Date.now() + 3500_000);
    const second = await c.acquireToken({ scopes: graph, mtlsProofOfPossession: true });
    expect(second).toMatchObject({ tokenSource: 'cache', accessToken: first.accessToken });
    expect(emulator.stats.tokenRequests).toBe(1);
  });

  test('the request: regional host, exact body, headers, no client assertion (spec §6.1, §10.3)', async () => {
    await client().acquireToken({ scopes: graph, mtlsProofOfPossession: true, correlationId: '0d7e5c4b-2a19-4f4e-9f0a-5b7c8d9e0f11' });
    const [request] = emulator.tokenRequests;
    expect(request).toBeDefined();
    expect(request!.host).toBe('eastus.mtlsauth.microsoft.com');
    expect(request!.path).toBe(`/${tenantId}/oauth2/v2.0/token`);
    expect(request!.form).toEqual({ client_id: clientId, scope: graph[0], grant_type: 'client_credentials', token_type: 'mtls_pop' });
    expect(Object.keys(request!.form)).toEqual(['client_id', 'scope', 'grant_type', 'token_type']);
    expect(request!.clientCertX5t).toBe(cert.x5tS256);
    expect(request!.headers['client-request-id']).toBe('0d7e5c4b-2a19-4f4e-9f0a-5b7c8d9e0f11');
    expect(request!.headers['return-client-request-id']).toBe('true');
    expect(request!.headers['x-client-sku']).toBe('msal-mtls.node');
    expect(request!.headers['x-client-ver']).toMatch(/^\d+\.\d+\.\d+/);
    expect(request!.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  test('no region: the global mTLS host is dialled', async () => {
    const c = client({ azureRegion: undefined });
    await c.acquireToken({ scopes: graph, mtlsProofOfPossession: true });
    expect(emulator.tokenRequests[0]!.host).toBe('mtlsauth.microsoft.com');
  });

  test('sovereign cloud: login.microsoftonline.us → eastus.mtlsauth.microsoftonline.us', async () => {
    const c = client({ authority: `https://login.microsoftonline.us/${tenantId}` });
    await c.acquireToken({ scopes: graph, mtlsProofOfPossession: true });
    expect(emulator.tokenRequests[0]!.host).toBe('eastus.mtlsauth.microsoftonline.us');
  });

  test('two certificates never share a token, even with one shared cache', async () => {
    const tokenCache = new TokenCache();
    const a = await client({ tokenCache }).acquireToken({ scopes: graph, mtlsProofOfPossession: true });
    const b = await client({ tokenCache, certificate: { certPem: cert2.certPem, keyPem: cert2.keyPem } }).acquireToken({ scopes: graph, mtlsProofOfPossession: true });
    expect(b.tokenSource).toBe('network');
    expect(readCnfThumbprint(a.accessToken)).toBe(cert.x5tS256);
    expect(readCnfThumbprint(b.accessToken)).toBe(cert2.x5tS256);
    expect(tokenCache.size).toBe(2);
  });

  test('50 concurrent callers share one request', async () => {
    emulator.inject({ kind: 'delay', ms: 50 });
    const c = client();
    const results = await Promise.all(Array.from({ length: 50 }, () => c.acquireToken({ scopes: graph, mtlsProofOfPossession: true })));
    expect(emulator.stats.tokenRequests).toBe(1);
    expect(new Set(results.map((r) => r.accessToken)).size).toBe(1);
  });

  test('expiry (5-minute skew) and forceRefresh go back to the network; refreshes reuse the TLS connection', async () => {
    let now = Date.now();
    const c = client({ now: () => now });
    await c.acquireToken({ scopes: graph, mtlsProofOfPossession: true });
    now += 3600_000 - 5 * 60_000 - 1000;
    expect((await c.acquireToken({ scopes: graph, mtlsProofOfPossession: true })).tokenSource).toBe('cache');
    now += 2000;
    expect((await c.acquireToken({ scopes: graph, mtlsProofOfPossession: true })).tokenSource).toBe('network');
    expect((await c.acquireToken({ scopes: graph, mtlsProofOfPossession: true, forceRefresh: true })).tokenSource).toBe('network');
    expect(emulator.stats.tokenRequests).toBe(3);
    expect(emulator.stats.tlsHandshakes).toBeLessThanOrEqual(1); // 0 when an earlier client left the connection warm
  });

  test('clients with the same certificate share one connection; it closes when the last lets go', async () => {
    const fresh = emulator.createClientCertificate({ commonName: 'shared-connection' });
    emulator.registerApplication({ clientId, tenantId, certificates: [fresh.certPem] });
    const certificate = { certPem: fresh.certPem, keyPem: fresh.keyPem };
    const a = client({ certificate });
    await a.acquireToken({ scopes: graph, mtlsProofOfPossession: true });
    expect(emulator.stats.tlsHandshakes).toBe(1);
    const b = client({ certificate }); // a new client per request, as msal-node's docs suggest
    await b.acquireToken({ scopes: graph, mtlsProofOfPossession: true, forceRefresh: true });
    expect(emulator.stats.tokenRequests).toBe(2);
    expect(emulator.stats.tlsHandshakes).toBe(1);
    a.close();
    await b.acquireToken({ scopes: graph, mtlsProofOfPossession: true, forceRefresh: true });
    expect(emulator.stats.tlsHandshakes).toBe(1); // b still holds it
    b.close();
    const c = client({ certificate }); // within the 5 s linger: still warm
    await c.acquireToken({ scopes: graph, mtlsProofOfPossession: true, forceRefresh: true });
    expect(emulator.stats.tlsHandshakes).toBe(1);
    c.close();
  });

  test('the shared connection closes 5 s after its last user lets go', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'hrtime', 'performance', 'Date'] });
    try {
      const fresh = emulator.createClientCertificate({ commonName: 'linger' });
      emulator.registerApplication({ clientId, tenantId, certificates: [fresh.certPem] });
      const certificate = { certPem: fresh.certPem, keyPem: fresh.keyPem };
      const a = client({ certificate });
      await a.acquireToken({ scopes: graph, mtlsProofOfPossession: true });
      a.close();
      jest.advanceTimersByTime(5_001);
      const b = client({ certificate });
      await b.acquireToken({ scopes: graph, mtlsProofOfPossession: true, forceRefresh: true });
      expect(emulator.stats.tlsHandshakes).toBe(2);
      b.close();
    } finally {
      jest.useRealTimers();
    }
  });

  test('proactive refresh: past refresh_in the cached token returns at once and one background request renews it', async () => {
    const refreshing = await startEmulator({ tokenLifetimeSeconds: 3600, refreshInSeconds: 600, caDir: undefined });
    try {
      refreshing.registerApplication({ clientId, tenantId, certificates: [cert.certPem] });
      let now = Date.now();
      const c = client({ now: () => now, ca: refreshing.caPem, connectTo: refreshing.connectTo });
      const first = await c.acquireToken({ scopes: graph, mtlsProofOfPossession: true });
      expect(first.refreshOn?.getTime()).toBe(first.expiresOn.getTime() - 3000_000);
      now += 601_000;
      refreshing.inject({ kind: 'delay', ms: 100 });
      const during = await Promise.all(Array.from({ length: 10 }, () => c.acquireToken({ scopes: graph, mtlsProofOfPossession: true })));
      expect(during.every((r) => r.tokenSource === 'cache' && r.accessToken === first.accessToken)).toBe(true);
      await new Promise((r) => setTimeout(r, 400));
      expect(refreshing.stats.tokenRequests).toBe(2);
      const after = await c.acquireToken({ scopes: graph, mtlsProofOfPossession: true });
      expect(after.tokenSource).toBe('cache');
      expect(after.accessToken).not.toBe(first.accessToken);
    } finally {
      await refreshing.close();
    }
  });

  test('a failed background refresh is not thrown at callers holding a valid token', async () => {
    const refreshing = await startEmulator({ tokenLifetimeSeconds: 3600, refreshInSeconds: 600 });
    try {
      refreshing.registerApplication({ clientId, tenantId, certificates: [cert.certPem] });
      let now = Date.now();
      const warnings: string[] = [];
      const c = client({ now: () => now, ca: refreshing.caPem, connectTo: refreshing.connectTo, logger: { loggerCallback: (_l, m) => warnings.push(m), logLevel: 1 } });
      const first = await c.acquireToken({ scopes: graph, mtlsProofOfPossession: true });
      now += 601_000;
      refreshing.inject({ kind: 'status', status: 400 }, { times: 5 });
      const during = await c.acquireToken({ scopes: graph, mtlsProofOfPossession: true });
      expect(during.accessToken).toBe(first.accessToken);
      await new Promise((r) => setTimeout(r, 200));
      expect(warnings.some((w) => w.includes('Background token refresh failed'))).toBe(true);
      expect(warnings.join('\n')).not.toContain(first.accessToken);
    } finally {
      await refreshing.close();
    }
  });

  test.each([
    ['a token bound to another certificate', { kind: 'cnf', x5tS256: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } as const, 'ERR_MTLS_BINDING_MISMATCH'],
    ['token_type Bearer', { kind: 'tokenType', tokenType: 'Bearer' } as const, 'ERR_MTLS_TOKEN_TYPE_MISMATCH'],
    ['token_type missing', { kind: 'omitField', field: 'token_type' } as const, 'ERR_MTLS_TOKEN_TYPE_MISSING'],
    ['expires_in missing', { kind: 'omitField', field: 'expires_in' } as const, 'ERR_MTLS_INVALID_RESPONSE'],
  ])('%s → typed error, nothing cached', async (_name, fault, code) => {
    const c = client();
    emulator.inject(fault);
    await expect(c.acquireToken({ scopes: graph, mtlsProofOfPossession: true })).rejects.toMatchObject({ code });
    expect(c.tokenCache.size).toBe(0);
    expect((await c.acquireToken({ scopes: graph, mtlsProofOfPossession: true })).tokenSource).toBe('network');
  });

  test('an unregistered certificate: invalid_client with the AADSTS fields', async () => {
    const stranger = emulator.createClientCertificate({ commonName: 'stranger' });
    const error = await client({ certificate: { certPem: stranger.certPem, keyPem: stranger.keyPem } })
      .acquireToken({ scopes: graph, mtlsProofOfPossession: true })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_MTLS_CLIENT_REJECTED', status: 401, error: 'invalid_client' });
    expect((error as { errorCodes: number[] }).errorCodes.length).toBeGreaterThan(0);
    expect((error as { correlationId?: string }).correlationId).toBeTruthy();
  });

  test('an unknown client id', async () => {
    await expect(client({ clientId: '99999999-2222-3333-4444-555555555555' }).acquireToken({ scopes: graph, mtlsProofOfPossession: true })).rejects.toMatchObject({
      code: 'ERR_MTLS_SERVER_ERROR',
      error: 'unauthorized_client',
      errorCodes: [700016],
    });
  });

  test('a resource not enrolled for mTLS PoP → ERR_MTLS_RESOURCE_NOT_ENROLLED (AADSTS392196)', async () => {
    await expect(client().acquireToken({ scopes: ['https://management.azure.com/.default'], mtlsProofOfPossession: true })).rejects.toMatchObject({
      code: 'ERR_MTLS_RESOURCE_NOT_ENROLLED',
      errorCodes: [392196],
    });
  });

  test('a 500 is retried once after 1 s; a 503 with Retry-After is not', async () => {
    const waits: number[] = [];
    const c = client({ sleep: async (ms) => void waits.push(ms) });
    emulator.inject({ kind: 'status', status: 500 });
    expect((await c.acquireToken({ scopes: graph, mtlsProofOfPossession: true })).tokenSource).toBe('network');
    expect(waits).toEqual([1000]);
    expect(emulator.stats.tokenRequests).toBe(2);
    emulator.inject({ kind: 'status', status: 503, headers: { 'retry-after': '30' } });
    await expect(c.acquireToken({ scopes: ['https://vault.azure.net/.default'], mtlsProofOfPossession: true })).rejects.toMatchObject({
      code: 'ERR_MTLS_SERVICE_UNAVAILABLE',
      retryAfterSeconds: 30,
    });
    expect(emulator.stats.tokenRequests).toBe(3);
  });

  test('a connection destroyed mid-request is retried, within a bound, then a network error', async () => {
    const c = client();
    emulator.inject({ kind: 'destroySocket' });
    expect((await c.acquireToken({ scopes: graph, mtlsProofOfPossession: true })).tokenSource).toBe('network');
    expect(emulator.stats.tokenRequests).toBe(2);
    // On a pooled socket the transport resends once (the server may have closed it while idle),
    // and the token request retries once: at most three attempts in all.
    emulator.reset();
    emulator.inject({ kind: 'destroySocket' }, { times: 3 });
    await expect(c.acquireToken({ scopes: graph, mtlsProofOfPossession: true, forceRefresh: true })).rejects.toMatchObject({ code: 'ERR_MTLS_NETWORK' });
    expect(emulator.stats.tokenRequests).toBe(3);
  });

  test('a stalled endpoint times out (per attempt), retried once', async () => {
    const c = client({ requestTimeoutMs: 200 });
    emulator.inject({ kind: 'delay', ms: 1000 }, { times: 2 });
    await expect(c.acquireToken({ scopes: graph, mtlsProofOfPossession: true })).rejects.toMatchObject({ code: 'ERR_MTLS_TIMEOUT' });
  });

  test('without the emulator CA the server is not trusted: a TLS error, never a token', async () => {
    const c = client({ ca: undefined });
    await expect(c.acquireToken({ scopes: graph, mtlsProofOfPossession: true })).rejects.toMatchObject({ code: 'ERR_MTLS_TLS_HANDSHAKE' });
    expect(emulator.stats.tokenRequests).toBe(0);
  });

  test('a host the server certificate does not name fails the hostname check', async () => {
    const c = client({ authority: `https://login.contoso-sovereign.example/${tenantId}` });
    await expect(c.acquireToken({ scopes: graph, mtlsProofOfPossession: true })).rejects.toMatchObject({ code: 'ERR_MTLS_TLS_HANDSHAKE' });
    expect(emulator.stats.tokenRequests).toBe(0);
  });

  test('a cache plugin persists tokens for a second client (another process)', async () => {
    let stored: string | undefined;
    const plugin = {
      beforeCacheAccess: async (ctx: { tokenCache: TokenCache }) => {
        if (stored !== undefined) ctx.tokenCache.deserialize(stored);
      },
      afterCacheAccess: async (ctx: { tokenCache: TokenCache; cacheHasChanged: boolean }) => {
        if (ctx.cacheHasChanged) stored = ctx.tokenCache.serialize();
      },
    };
    const first = await client({ cachePlugin: plugin }).acquireToken({ scopes: graph, mtlsProofOfPossession: true });
    expect(stored).toBeDefined();
    expect(stored).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
    const second = await client({ cachePlugin: plugin }).acquireToken({ scopes: graph, mtlsProofOfPossession: true });
    expect(second).toMatchObject({ tokenSource: 'cache', accessToken: first.accessToken });
    expect(emulator.stats.tokenRequests).toBe(1);
  });

  test('verbose logs never contain the token or the key', async () => {
    const lines: string[] = [];
    const c = client({ logger: { loggerCallback: (_l, m) => lines.push(m), logLevel: 4, piiLoggingEnabled: true } });
    const r = await c.acquireToken({ scopes: graph, mtlsProofOfPossession: true });
    expect(lines.length).toBeGreaterThan(0);
    const all = lines.join('\n');
    expect(all).not.toContain(r.accessToken);
    expect(all).not.toContain(r.accessToken.split('.')[2]!);
    expect(all).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
  });
});

describe('the downstream call with the same certificate (RFC 8705 §3)', () => {
  const call = async (certificate: ClientCertificate, authorization: string): Promise<number> => {
    const transport = createNodeTransport({
      credential: loadBindingCredential({ certPem: certificate.certPem, keyPem: certificate.keyPem }, Date.now()),
      ca: [emulator.caPem],
      connectTo: parseConnectTo(emulator.connectTo),
    });
    try {
      const response = await transport.request({ method: 'GET', url: 'https://mtlstb.graph.microsoft.com/v1.0/me', headers: { authorization } });
      return response.status;
    } finally {
      transport.close();
    }
  };

  test('client.createMtlsTransport() presents the client certificate', async () => {
    const c = client();
    const { accessToken } = await c.acquireToken({ scopes: graph, mtlsProofOfPossession: true });
    const transport = c.createMtlsTransport();
    try {
      const response = await transport.request({ method: 'GET', url: 'https://mtlstb.graph.microsoft.com/v1.0/me', headers: { authorization: `mtls_pop ${accessToken}` } });
      expect(response.status).toBe(200);
    } finally {
      transport.close();
    }
  });

  test('200 with the bound certificate, 401 with another one or as Bearer', async () => {
    const { accessToken } = await client().acquireToken({ scopes: graph, mtlsProofOfPossession: true });
    expect(await call(cert, `mtls_pop ${accessToken}`)).toBe(200);
    expect(await call(cert2, `mtls_pop ${accessToken}`)).toBe(401);
    expect(await call(cert, `Bearer ${accessToken}`)).toBe(401);
  });
});
