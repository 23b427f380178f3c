import { createPrivateKey, X509Certificate } from 'node:crypto';
import { startEmulator, type Emulator, type ClientCertificate } from '@msal-mtls/emulator';
import { ConfidentialClient } from '../../src/client/confidential_client.js';
import type { ExternalTransportOptions } from '../../src/credential/external_key_certificate.js';
import { createNodeTransport } from '../../src/transport/node_transport.js';
import { parseConnectTo, resolveDialTarget } from '../../src/transport/connect_to.js';
import { readCnfThumbprint } from '../../src/pop/jwt_cnf.js';
import type { HttpRequest, HttpResponse, MtlsTransport } from '../../src/transport/http_types.js';

// Path 1 with a certificate whose key Node never holds (@msal-mtls/cng's Windows store
// certificate is one): the client asks the backend for its transport. Here the "backend" is a
// real TLS transport of its own over the emulator, so the whole path runs for real on Linux;
// under Wine the same path runs with Schannel (packages/cng/test/wine).
const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const clientId = '21111111-2222-3333-4444-555555555555';
const graph = ['https://graph.microsoft.com/.default'];

let emulator: Emulator;
let cert: ClientCertificate;

beforeAll(async () => {
  emulator = await startEmulator({ tokenLifetimeSeconds: 3600 });
  cert = emulator.createClientCertificate({ commonName: 'external-key' });
  emulator.registerApplication({ clientId, tenantId, certificates: [cert.certPem] });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

/** A backend that dials where it is told and records what it was given. */
function backend(): { input: { certificate: string; createTransport(o: ExternalTransportOptions): MtlsTransport }; given: ExternalTransportOptions[]; dialed: string[] } {
  const given: ExternalTransportOptions[] = [];
  const dialed: string[] = [];
  return {
    given,
    dialed,
    input: {
      certificate: cert.certPem,
      createTransport(options) {
        given.push(options);
        // Translate the dial function back into a rule for Node's transport, recording each use.
        const inner = createNodeTransport({ credential: { chain: [new X509Certificate(cert.certPem)], privateKey: createPrivateKey(cert.keyPem) }, ca: options.ca, connectTo: parseConnectTo(emulator.connectTo) });
        return {
          request(request: HttpRequest): Promise<HttpResponse> {
            const url = new URL(request.url);
            const target = options.dial(url.hostname, Number(url.port || 443));
            dialed.push(`${url.hostname}->${target.host}:${target.port}`);
            return inner.request(request);
          },
          close: () => inner.close(),
        };
      },
    },
  };
}

describe('ConfidentialClient with an external-key certificate', () => {
  test('gets a token bound to the certificate through the backend transport, with our roots and connect-to rules', async () => {
    const b = backend();
    const c = new ConfidentialClient({ clientId, authority: `https://login.microsoftonline.com/${tenantId}`, certificate: b.input, ca: emulator.caPem, connectTo: emulator.connectTo, requestTimeoutMs: 5000 });
    const result = await c.acquireToken({ scopes: graph, mtlsProofOfPossession: true });
    expect(result.tokenType).toBe('mtls_pop');
    expect(readCnfThumbprint(result.accessToken)).toBe(cert.x5tS256);
    expect(b.given).toHaveLength(1);
    expect(b.given[0]?.ca).toEqual([emulator.caPem]);
    expect(b.given[0]?.timeoutMs).toBe(5000);
    const rule = parseConnectTo(emulator.connectTo);
    expect(b.dialed).toEqual([`mtlsauth.microsoft.com->${resolveDialTarget(rule, 'mtlsauth.microsoft.com', 443).host}:${emulator.port}`]);
    // The same backend makes the downstream transport.
    const downstream = c.createMtlsTransport();
    expect(b.given).toHaveLength(2);
    downstream.close();
    c.close();
  });

  test('an expired external certificate is refused before any network call', () => {
    const old = emulator.createClientCertificate({ commonName: 'old', notBefore: new Date(Date.now() - 10 * 86400_000), notAfter: new Date(Date.now() - 86400_000) });
    expect(() => new ConfidentialClient({ clientId, authority: `https://login.microsoftonline.com/${tenantId}`, certificate: { certificate: old.certPem, createTransport: () => { throw new Error('never'); } } })).toThrow(
      expect.objectContaining({ code: 'ERR_MTLS_CERTIFICATE_EXPIRED' }),
    );
    expect(emulator.stats.tokenRequests).toBe(0);
  });

  test('a transport failure kind becomes the token path code, retried once for timeouts, the original kept as cause', async () => {
    let calls = 0;
    const failing = Object.assign(new Error('WinHttpReceiveResponse returned 0x00002EE2'), { transportFailure: 'timeout' });
    const c = new ConfidentialClient({
      clientId,
      authority: `https://login.microsoftonline.com/${tenantId}`,
      certificate: { certificate: cert.certPem, createTransport: () => ({ request: () => { calls++; return Promise.reject(failing); }, close: () => undefined }) },
      sleep: async () => undefined,
    });
    const error = await c.acquireToken({ scopes: graph, mtlsProofOfPossession: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_MTLS_TIMEOUT', cause: failing });
    expect(calls).toBe(2);
    c.close();
  });

  test('an untrusted server is a TLS failure and is not retried', async () => {
    let calls = 0;
    const failing = Object.assign(new Error('untrusted'), { transportFailure: 'untrusted' });
    const c = new ConfidentialClient({
      clientId,
      authority: `https://login.microsoftonline.com/${tenantId}`,
      certificate: { certificate: cert.certPem, createTransport: () => ({ request: () => { calls++; return Promise.reject(failing); }, close: () => undefined }) },
      sleep: async () => undefined,
    });
    await expect(c.acquireToken({ scopes: graph, mtlsProofOfPossession: true })).rejects.toMatchObject({ code: 'ERR_MTLS_TLS_HANDSHAKE' });
    expect(calls).toBe(1);
  });
});
