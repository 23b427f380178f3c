import { ConfidentialClient } from '@msal-mtls/core';
import { startEmulator, type Emulator } from '@msal-mtls/emulator';
import { ManagedIdentityClient, type ManagedIdentityClientOptions } from '../../src/client/managed_identity_client.js';
import { SoftwareKeyProvider } from '../../src/key/software_key_provider.js';
import { escapedCount, failures, installRecorder, removeRecorder, runCase, tally, tallyLine, virtualClock, type FaultCase, type Subject, type VirtualClock } from './harness.js';
import { fails, imdsCases, probeCases, type MiCase } from './imds_cases.js';
import { tokenCases, type TokenCaseOptions } from './token_cases.js';

// Faults on real servers (the emulator on loopback, real TLS, real certificates), table-driven:
// every case ends in success after the retries the spec allows, with exactly the waits its
// backoff asks for (recorded by the clients' injected sleep, never slept), or in a typed error
// naming the cause, with nothing cached; never a hang, an unhandled rejection or a crash.
const tenantId = '55555555-6666-7777-8888-999999999999';
const miClientId = '00000000-1111-2222-3333-444444444444';
const appId = 'aaaaaaaa-1111-2222-3333-bbbbbbbbbbbb';
const graph = 'https://graph.microsoft.com';

let emu: Emulator;
// One in-memory key for every managed-identity client: each client still gets its own binding
// certificate (a new issuance), so no TLS connection is shared between cases.
const key = new SoftwareKeyProvider();

beforeAll(async () => {
  installRecorder();
  emu = await startEmulator({ imds: { tenantId, systemAssigned: { clientId: miClientId }, region: 'eastus' } });
});
afterAll(async () => {
  await emu?.close();
  removeRecorder();
  process.stdout.write(`${tallyLine()}\n`);
});

function managedIdentity(options: Partial<ManagedIdentityClientOptions> | undefined, clock: VirtualClock): Subject {
  const client = new ManagedIdentityClient({
    imdsEndpoint: emu.imdsUrl,
    minimumKeyProtection: 'in-memory',
    keyProvider: key,
    ca: emu.caPem,
    connectTo: emu.connectTo,
    env: {},
    now: clock.now,
    sleep: clock.sleep,
    ...options,
  });
  return { acquire: () => client.acquireToken({ resource: graph }), tokenCache: client.tokenCache, close: () => client.close() };
}

let certificates = 0;
function confidential(options: TokenCaseOptions | undefined, clock: VirtualClock): Subject {
  // A certificate of its own per case, so no pooled TLS connection carries over from the last case.
  const certificate = emu.createClientCertificate({ commonName: `fault-app-${++certificates}` });
  emu.registerApplication({ clientId: appId, tenantId, certificates: [certificate.certPem] });
  const client = new ConfidentialClient({
    clientId: appId,
    authority: `https://login.microsoftonline.com/${tenantId}`,
    azureRegion: 'eastus',
    certificate: { certPem: certificate.certPem, keyPem: certificate.keyPem },
    ca: emu.caPem,
    connectTo: emu.connectTo,
    now: clock.now,
    sleep: clock.sleep,
    ...options,
  });
  return { acquire: () => client.acquireToken({ scopes: [`${graph}/.default`], mtlsProofOfPossession: true }), tokenCache: client.tokenCache, close: () => client.close() };
}

const named = <T extends { name: string }>(cases: T[]): Array<[string, T]> => cases.map((c) => [c.name, c]);

describe('IMDS faults → ManagedIdentityClient', () => {
  test.each(named(imdsCases()))('%s', (_name, c) => runCase(emu, c, managedIdentity));
});

describe('token endpoint faults → ConfidentialClient (Path 1)', () => {
  test.each(named(tokenCases()))('%s', (_name, c) => runCase(emu, c, confidential));
  test('invalid_client: no retry, the certificate is not registered', () =>
    runCase(emu, {
      name: 'invalid_client (Path 1)',
      inject: (e) => void e.inject({ kind: 'status', status: 401, body: { error: 'invalid_client', error_description: 'AADSTS700027: unknown certificate', error_codes: [700027] } }),
      expect: fails('ERR_MTLS_CLIENT_REJECTED', /invalid_client \(HTTP 401\)/, { errorCodes: [700027] }),
      waits: [],
    }, confidential));
});

describe('token endpoint faults → ManagedIdentityClient (Path 2)', () => {
  test.each(named(tokenCases()))('%s', (_name, c) => runCase(emu, c as FaultCase<Partial<ManagedIdentityClientOptions>>, managedIdentity));

  const rejected = (times: number): MiCase['inject'] => (e) =>
    void e.inject({ kind: 'status', status: 401, body: { error: 'invalid_client', error_description: 'AADSTS700027: revoked', error_codes: [700027] } }, { times });
  test('invalid_client once: the binding is re-issued once (spec §6.3) and the call succeeds', () =>
    runCase(emu, {
      name: 'invalid_client once (Path 2)',
      inject: rejected(1),
      expect: { kind: 'success' },
      waits: [],
      after: (e) => expect({ issued: e.imds.stats.issuanceRequests, tokens: e.stats.tokenRequests }).toEqual({ issued: 2, tokens: 2 }),
    }, managedIdentity));
  test('invalid_client throughout: one re-issuance, then a typed error', () =>
    runCase(emu, {
      name: 'invalid_client throughout (Path 2)',
      inject: rejected(Infinity),
      expect: fails('ERR_MTLS_CLIENT_REJECTED', /invalid_client \(HTTP 401\)/),
      waits: [],
      after: (e) => expect({ issued: e.imds.stats.issuanceRequests, tokens: e.stats.tokenRequests }).toEqual({ issued: 2, tokens: 2 }),
    }, managedIdentity));
});

describe('IMDS faults → the IMDSv2 probe (getCapabilities)', () => {
  test.each(named(probeCases()))('%s', async (_name, c) => {
    emu.reset();
    tally.injected++;
    const clock = virtualClock();
    const before = escapedCount();
    try {
      const options = (await c.inject(emu)) ?? {};
      const client = new ManagedIdentityClient({ imdsEndpoint: emu.imdsUrl, minimumKeyProtection: 'in-memory', keyProvider: key, env: {}, now: clock.now, sleep: clock.sleep, ...options });
      const capabilities = await client.getCapabilities();
      expect(capabilities.imdsV2).toBe(c.available);
      expect(capabilities.imdsReason).toMatch(c.reason);
      expect(clock.waits).toEqual(c.waits);
      expect(escapedCount()).toBe(before);
      tally.handled++;
    } catch (error) {
      tally.unhandled++;
      failures.push(`${c.name}: ${(error as Error).message}`);
      throw error;
    }
  });
});

test('tally: every injected fault was handled, nothing escaped', () => {
  expect(failures).toEqual([]);
  expect(escapedCount()).toBe(0);
  expect(tally.injected).toBeGreaterThan(100);
  expect(tally.handled).toBe(tally.injected);
  expect(tallyLine()).toBe(`faults: ${tally.injected} injected, ${tally.injected} handled, 0 unhandled`);
});
