import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { X509Certificate } from 'node:crypto';
import { isTokenCredential, type TokenCredential } from '@azure/core-auth';
import { startEmulator, type Emulator } from '@msal-mtls/emulator';
import { readCnfThumbprint, x5tS256, type HttpRequest, type MtlsTransport } from '@msal-mtls/core';
import { ManagedIdentityClient, type ManagedIdentityClientOptions } from '../../src/client/managed_identity_client.js';
import { ManagedIdentityMtlsPopCredential } from '../../src/downstream/managed_identity_credential.js';
import { createMtlsFetch } from '../../src/downstream/mtls_fetch.js';
import { SoftwareKeyProvider } from '../../src/key/software_key_provider.js';

// Path 2's TokenCredential and fetch against the emulator: IMDS issues the binding certificate,
// the token comes over mTLS with it, and the RFC 8705 resource checks that each request's TLS
// connection presents the certificate its token is bound to. One clock drives the emulator and
// the client, so a test can step to the certificate's renewal.
const tenantId = '55555555-6666-7777-8888-999999999999';
const samiClientId = '00000000-1111-2222-3333-444444444444';
const graph = 'https://graph.microsoft.com';
const me = 'https://mtlstb.graph.microsoft.com/v1.0/me';
const hour = 3_600_000;

let emulator: Emulator;
let offsetMs = 0;
const now = (): number => Date.now() + offsetMs;
const keyDir = mkdtempSync(join(tmpdir(), 'msal-mtls-mi-downstream-'));
const sharedKey = new SoftwareKeyProvider({ directory: keyDir });
const clients: ManagedIdentityClient[] = [];

beforeAll(async () => {
  emulator = await startEmulator({
    now,
    tokenLifetimeSeconds: 24 * 3600,
    imds: { tenantId, systemAssigned: { clientId: samiClientId }, certificateLifetimeSeconds: 8 * 3600 },
  });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await emulator.close();
  rmSync(keyDir, { recursive: true, force: true });
});
beforeEach(() => {
  emulator.reset();
  offsetMs = 0;
});

function client(overrides: Partial<ManagedIdentityClientOptions> = {}): ManagedIdentityClient {
  const c = new ManagedIdentityClient({
    imdsEndpoint: emulator.imdsUrl,
    minimumKeyProtection: 'software',
    keyProvider: sharedKey,
    ca: emulator.caPem,
    connectTo: emulator.connectTo,
    sleep: async () => undefined,
    env: {},
    now,
    ...overrides,
  });
  clients.push(c);
  return c;
}

async function rejection(promise: Promise<unknown>): Promise<{ code?: string; name?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; name?: string };
  }
  throw new Error('expected a rejection');
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error('condition never became true');
}

interface Observed {
  x5t: string;
  closed: boolean;
  waiting: number;
  hold: Promise<void> | undefined;
}

/** Records the transports the client makes for the fetch (the real ones, passed through), and lets a test hold requests on one. */
function observeTransports(c: ManagedIdentityClient): Observed[] {
  const seen: Observed[] = [];
  const original = c.createMtlsTransport.bind(c);
  c.createMtlsTransport = async (certificate: X509Certificate): Promise<MtlsTransport> => {
    const inner = await original(certificate);
    const record: Observed = { x5t: x5tS256(certificate), closed: false, waiting: 0, hold: undefined };
    seen.push(record);
    return {
      request: async (r: HttpRequest) => {
        if (record.hold !== undefined) {
          record.waiting++;
          await record.hold;
        }
        return inner.request(r);
      },
      close: () => {
        record.closed = true;
        inner.close();
      },
    };
  };
  return seen;
}

describe('ManagedIdentityMtlsPopCredential', () => {
  test('a TokenCredential whose getToken returns the managed identity\'s mTLS PoP token; bindingCertificate after the first token', async () => {
    const credential = new ManagedIdentityMtlsPopCredential(client());
    const asSdk: TokenCredential = credential;
    expect(isTokenCredential(asSdk)).toBe(true);
    expect(credential.bindingCertificate).toBeUndefined();
    const token = await credential.getToken(`${graph}/.default`, { tenantId: 'ignored-for-managed-identity' });
    expect(token.tokenType).toBe('mtls_pop');
    expect(token.expiresOnTimestamp).toBeGreaterThan(now() + hour);
    expect(x5tS256(credential.bindingCertificate!)).toBe(readCnfThumbprint(token.token));
    const again = await asSdk.getToken([`${graph}/.default`]);
    expect(again?.token).toBe(token.token);
    expect({ issuance: emulator.imds.stats.issuanceRequests, token: emulator.stats.tokenRequests }).toEqual({ issuance: 1, token: 1 });
  });

  test('claims → ERR_MTLS_UNSUPPORTED_TOKEN_OPTION, an aborted signal → ERR_MTLS_ABORTED, two scopes → misuse; none reaches IMDS', async () => {
    const credential = new ManagedIdentityMtlsPopCredential(client());
    expect(await rejection(credential.getToken(graph, { claims: '{"access_token":{}}' }))).toMatchObject({ code: 'ERR_MTLS_UNSUPPORTED_TOKEN_OPTION' });
    expect(await rejection(credential.getToken(graph, { abortSignal: AbortSignal.abort() }))).toMatchObject({ code: 'ERR_MTLS_ABORTED', name: 'AbortError' });
    expect(await rejection(credential.getToken([`${graph}/.default`, 'https://vault.azure.net/.default']))).toMatchObject({ code: 'ERR_MTLS_INVALID_ARGUMENT' });
    expect(emulator.imds.requests).toHaveLength(0);
  });
});

describe('createMtlsFetch (Path 2)', () => {
  test('200 over the binding certificate; a 401 for a token of another audience comes back as a Response', async () => {
    const c = client();
    const fetch = createMtlsFetch({ client: c, resource: graph });
    const vault = createMtlsFetch({ client: c, scopes: ['https://vault.azure.net/.default'] });
    try {
      const ok = await fetch(me);
      expect(ok.status).toBe(200);
      const body = (await ok.json()) as { cnf: Record<string, string> };
      const bound = body.cnf['x5t#S256'];
      expect(emulator.resourceRequests[0]).toMatchObject({ status: 200, clientCertX5t: bound });
      const refused = await vault(me);
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ reason: 'wrong_audience' });
      expect(emulator.resourceRequests[1]!.clientCertX5t).toBe(bound);
    } finally {
      fetch.close();
      vault.close();
    }
  });

  test('certificate renewal: the next request gets a new token and a new transport; the old one closes after its in-flight request', async () => {
    const c = client({ keyProvider: new SoftwareKeyProvider({ directory: keyDir }) });
    const transports = observeTransports(c);
    const fetch = createMtlsFetch({ client: c, resource: graph });
    try {
      expect((await fetch(me)).status).toBe(200);
      const first = emulator.resourceRequests[0]!.clientCertX5t!;
      expect(transports.map((t) => t.x5t)).toEqual([first]);

      // A request in flight on the first certificate's transport, held there.
      let release!: () => void;
      transports[0]!.hold = new Promise<void>((resolve) => (release = resolve));
      const inFlight = fetch(me);
      await until(() => transports[0]!.waiting === 1);

      offsetMs = 4 * hour + 60_000; // past NotAfter - min(24 h, half of 8 h): the certificate renews
      const renewed = await fetch(me);
      expect(renewed.status).toBe(200);
      const second = emulator.resourceRequests.at(-1)!;
      expect(second.clientCertX5t).not.toBe(first);
      expect(second.newConnection).toBe(true);
      expect(emulator.imds.stats.issuanceRequests).toBe(2);
      expect(transports.map((t) => t.x5t)).toEqual([first, second.clientCertX5t]);
      expect(transports[0]!.closed).toBe(false); // still carrying a request

      release();
      const late = await inFlight;
      expect(late.status).toBe(200); // sent with the old token over the old certificate: still a valid pair
      expect(emulator.resourceRequests.at(-1)!.clientCertX5t).toBe(first);
      expect(transports[0]!.closed).toBe(true);
      expect(transports[1]!.closed).toBe(false);

      expect((await fetch(me)).status).toBe(200); // later requests stay on the new transport
      expect(transports).toHaveLength(2);
    } finally {
      fetch.close();
    }
    expect(transports[1]!.closed).toBe(true);
  });

  test('bad options are coded misuse errors', () => {
    const c = client();
    for (const options of [{ client: c }, { client: c, resource: graph, scopes: [graph] }, { client: c, scopes: ['a', 'b'] }, { client: {}, resource: graph }, { client: c, resource: graph, timeoutMs: 0 }]) {
      expect(() => createMtlsFetch(options as never)).toThrow(expect.objectContaining({ code: 'ERR_MTLS_INVALID_ARGUMENT' }) as Error);
    }
  });
});
