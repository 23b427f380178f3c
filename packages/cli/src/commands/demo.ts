import { ConfidentialClient, createNodeTransport, isMtlsError, loadBindingCredential, parseConnectTo, x5tS256, type ConfidentialClientOptions } from '@msal-mtls/core';
import { startEmulator, type ClientCertificate, type Emulator } from '@msal-mtls/emulator';
import { reportError, tokenSummary, type Io } from '../output.js';

export const demoUsage = `msal-mtls demo
  Starts the bundled emulator in-process and runs Path 1 end to end: token from the network, from
  the cache, a downstream mTLS call, the pre-flight errors, and the global host without a region.`;

const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const clientId = '11111111-2222-3333-4444-555555555555';
const scopes = ['https://graph.microsoft.com/.default'];

/** `msal-mtls demo`: each step printed as it happens. Returns the exit code. */
export async function demoCommand(_argv: readonly string[], io: Io): Promise<number> {
  let emulator: Emulator | undefined;
  const clients: ConfidentialClient[] = [];
  try {
    step(io, 'Starting the emulator (its own CA, mTLS token endpoint, RFC 8705 resource)');
    emulator = await startEmulator();
    const emu = emulator;
    io.out(`  listening on ${emu.url}; CA ${emu.caPath}; --connect-to ${emu.connectTo.join(' ')}`);
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

    step(io, 'Done');
    return 0;
  } catch (error) {
    return reportError(io, error, false);
  } finally {
    for (const client of clients) client.close();
    await emulator?.close();
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
