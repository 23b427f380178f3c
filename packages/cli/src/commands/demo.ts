import { ConfidentialClient, createNodeTransport, isMtlsError, loadBindingCredential, parseConnectTo, x5tS256, type ConfidentialClientOptions } from '@msal-mtls/core';
import { startEmulator, type ClientCertificate, type Emulator } from '@msal-mtls/emulator';
import { ManagedIdentityClient } from '@msal-mtls/imds';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportError, tokenSummary, type Io } from '../output.js';

export const demoUsage = `msal-mtls demo
  Starts the bundled emulator in-process and runs Path 1 end to end: token from the network, from
  the cache, a downstream mTLS call, the pre-flight errors, and the global host without a region;
  then Path 2 (managed identity over IMDSv2 with a software key): metadata, key, CSR, issuance,
  token; the cache; certificate renewal near expiry; a downstream call.`;

const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const clientId = '11111111-2222-3333-4444-555555555555';
const scopes = ['https://graph.microsoft.com/.default'];

/** `msal-mtls demo`: each step printed as it happens. Returns the exit code. */
export async function demoCommand(_argv: readonly string[], io: Io): Promise<number> {
  let emulator: Emulator | undefined;
  const clients: Array<{ close(): void }> = [];
  // One clock for the emulator and the clients, so the demo can step to a certificate's renewal.
  let offsetMs = 0;
  const now = (): number => Date.now() + offsetMs;
  const store = await mkdtemp(join(tmpdir(), 'msal-mtls-demo-'));
  try {
    step(io, 'Starting the emulator (its own CA, mTLS token endpoint, RFC 8705 resource)');
    emulator = await startEmulator({
      now,
      imds: { tenantId, systemAssigned: { clientId: miClientId }, cuId: { vmId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' }, region: 'eastus2', certificateLifetimeSeconds: 8 * 3600 },
    });
    const emu = emulator;
    io.out(`  mTLS endpoints on ${emu.url}; IMDS on ${emu.imdsUrl}; CA ${emu.caPath}; --connect-to ${emu.connectTo.join(' ')}`);
    const certificate = emu.createClientCertificate({ commonName: 'msal-mtls demo app' });
    emu.registerApplication({ clientId, tenantId, certificates: [certificate.certPem] });
    io.out(`  registered app ${clientId} in tenant ${tenantId} with certificate x5t#S256 ${certificate.x5tS256}`);

    const make = (options: Partial<ConfidentialClientOptions>): ConfidentialClient => {
      const client = new ConfidentialClient({
        clientId,
        authority: `https://login.microsoftonline.com/${tenantId}`,
        certificate: { certPem: certificate.certPem, keyPem: certificate.keyPem },
        ca: emu.caPem,
        connectTo: emu.connectTo,
        ...options,
      });
      clients.push(client);
      return client;
    };

    step(io, 'Path 1: acquireToken with region eastus (network)');
    const client = make({ azureRegion: 'eastus' });
    io.out(`  token endpoint: ${client.tokenUrl}`);
    const first = await client.acquireToken({ scopes, mtlsProofOfPossession: true });
    for (const line of tokenSummary(first)) io.out(`  ${line}`);

    step(io, 'Path 1: acquireToken again (cache)');
    const second = await client.acquireToken({ scopes, mtlsProofOfPossession: true });
    io.out(`  token source: ${second.tokenSource}; same token: ${second.accessToken === first.accessToken}; token requests so far: ${emu.stats.tokenRequests}`);

    step(io, 'Downstream call to the resource over mTLS, Authorization: mtls_pop <token>');
    io.out(`  with the bound certificate:   ${await callResource(emu, certificate, first.accessToken)}`);
    const other = emu.createClientCertificate({ commonName: 'someone else' });
    io.out(`  with another certificate:     ${await callResource(emu, other, first.accessToken)}`);

    step(io, 'Pre-flight errors (no network call is made)');
    const before = emu.stats.tokenRequests;
    const cases: Array<[string, Partial<ConfidentialClientOptions>]> = [
      ['authority /common', { authority: 'https://login.microsoftonline.com/common' }],
      ['authority /organizations', { authority: 'https://login.microsoftonline.com/organizations' }],
      ['legacy sovereign host', { authority: `https://login.usgovcloudapi.net/${tenantId}` }],
      ['a client secret', { certificate: undefined, clientSecret: 'not-a-certificate' } as Partial<ConfidentialClientOptions>],
    ];
    for (const [name, options] of cases) {
      try {
        make(options);
        io.out(`  ${name}: unexpectedly accepted`);
      } catch (error) {
        io.out(`  ${name}: ${isMtlsError(error) ? error.code : 'error'}: ${(error as Error).message}`);
      }
    }
    io.out(`  token requests made by these: ${emu.stats.tokenRequests - before}`);

    step(io, 'Path 1 without a region: the global mTLS host');
    const global = make({});
    const viaGlobal = await global.acquireToken({ scopes, mtlsProofOfPossession: true });
    io.out(`  token endpoint: ${global.tokenUrl}`);
    io.out(`  host the emulator saw: ${emu.tokenRequests.at(-1)?.host}; token source: ${viaGlobal.tokenSource}; bound to ${x5tS256(viaGlobal.bindingCertificate)}`);

    await demoManagedIdentity(io, emu, now, (ms) => (offsetMs += ms), store, clients);

    step(io, 'Done');
    return 0;
  } catch (error) {
    return reportError(io, error, false);
  } finally {
    for (const client of clients) client.close();
    await emulator?.close();
    await rm(store, { recursive: true, force: true });
  }
}

const miClientId = '00000000-1111-2222-3333-444444444444';

async function demoManagedIdentity(io: Io, emu: Emulator, now: () => number, advance: (ms: number) => void, store: string, clients: Array<{ close(): void }>): Promise<void> {
  step(io, "Path 2: managed identity over IMDSv2 (software key: minimumKeyProtection 'software')");
  const client = new ManagedIdentityClient({
    imdsEndpoint: emu.imdsUrl,
    minimumKeyProtection: 'software',
    persistence: { directory: store },
    ca: emu.caPem,
    connectTo: emu.connectTo,
    now,
  });
  clients.push(client);
  const resource = 'https://graph.microsoft.com';
  const first = await client.acquireToken({ resource, onStep: (s) => io.out(`  step: ${s}`) });
  for (const line of tokenSummary(first)) io.out(`  ${line}`);
  io.out(`  binding certificate: ${first.bindingCertificate.subject.replace(/\n/g, ', ')}, valid until ${new Date(first.bindingCertificate.validTo).toISOString()}`);
  io.out(`  IMDS requests: ${emu.imds.stats.metadataRequests} metadata, ${emu.imds.stats.issuanceRequests} issuance`);

  step(io, 'Path 2: again (cache)');
  const second = await client.acquireToken({ resource });
  io.out(`  token source: ${second.tokenSource}; same token: ${second.accessToken === first.accessToken}; IMDS requests: ${emu.imds.stats.metadataRequests + emu.imds.stats.issuanceRequests}`);

  step(io, 'Path 2: 4 h later the 8 h certificate is due for renewal (min(24 h, half its life) left)');
  advance(4 * 3600_000 + 60_000);
  const third = await client.acquireToken({ resource, onStep: (s) => io.out(`  step: ${s}`) });
  io.out(`  token source: ${third.tokenSource}; new certificate: ${x5tS256(third.bindingCertificate) !== x5tS256(first.bindingCertificate)}; IMDS issuances: ${emu.imds.stats.issuanceRequests}`);

  step(io, 'Path 2: downstream call with the binding certificate');
  const transport = await client.createMtlsTransport(third.bindingCertificate);
  try {
    const response = await transport.request({ method: 'GET', url: 'https://mtlstb.graph.microsoft.com/v1.0/me', headers: { authorization: `mtls_pop ${third.accessToken}` } });
    io.out(`  HTTP ${response.status}`);
  } finally {
    transport.close();
  }
}

function step(io: Io, title: string): void {
  io.out(`\n== ${title}`);
}

async function callResource(emulator: Emulator, certificate: ClientCertificate, accessToken: string): Promise<string> {
  const transport = createNodeTransport({
    credential: loadBindingCredential({ certPem: certificate.certPem, keyPem: certificate.keyPem }, Date.now()),
    ca: [emulator.caPem],
    connectTo: parseConnectTo(emulator.connectTo),
  });
  try {
    const response = await transport.request({
      method: 'GET',
      url: 'https://mtlstb.graph.microsoft.com/v1.0/me',
      headers: { authorization: `mtls_pop ${accessToken}`, accept: 'application/json' },
    });
    const body = JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;
    return response.status === 200 ? `HTTP 200, appid ${String(body.appid)}, aud ${String(body.aud)}` : `HTTP ${response.status}, ${String(body.reason ?? body.error)}`;
  } finally {
    transport.close();
  }
}
