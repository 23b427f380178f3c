import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type ClientCertificate, type Emulator } from '@msal-mtls/emulator';
import { runUnderWine, wineAvailable } from './wine_harness.js';

const wine = wineAvailable() ? describe : describe.skip;

interface Path1Run {
  thumbprint: string;
  x5t: string;
  first: { tokenType: string; tokenSource: string; cnf: string };
  second: { tokenSource: string; same: boolean };
  resource: { status: number; body: string };
  fetchedStatus: number;
  missing: string;
}

/** The PFX Wine's crypt32 reads: 3DES for key and certificate bags, SHA-1 MAC. */
function pfxOf(certificate: ClientCertificate, password: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'cng-pfx-'));
  try {
    writeFileSync(join(dir, 'cert.pem'), certificate.certPem);
    writeFileSync(join(dir, 'key.pem'), certificate.keyPem);
    execFileSync('openssl', ['pkcs12', '-export', '-in', join(dir, 'cert.pem'), '-inkey', join(dir, 'key.pem'), '-out', join(dir, 'c.pfx'), '-passout', `pass:${password}`,
      '-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'], { stdio: 'ignore' });
    return readFileSync(join(dir, 'c.pfx'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

wine('Path 1 under Wine with a certificate from the Windows store, through Schannel', () => {
  let emulator: Emulator;
  let certificate: ClientCertificate;
  let value: Path1Run;
  const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
  const clientId = '31111111-2222-3333-4444-555555555555';

  beforeAll(async () => {
    emulator = await startEmulator({ tokenLifetimeSeconds: 3600 });
    certificate = emulator.createClientCertificate({ commonName: 'windows-store-app' });
    emulator.registerApplication({ clientId, tenantId, certificates: [certificate.certPem] });
    const run = await runUnderWine<{ ok: boolean; value: Path1Run; error?: unknown }>(
      'path1.mjs',
      {
        pfx: pfxOf(certificate, 'store-test').toString('base64'),
        password: 'store-test',
        clientId,
        tenantId,
        caPem: emulator.caPem,
        connectTo: [`::localhost:${emulator.port}`],
        resourceUrl: 'https://mtlstb.graph.microsoft.com/v1.0/me',
      },
      120_000,
    );
    if (run.result?.ok !== true) throw new Error(`the Wine run failed:\n${JSON.stringify(run.result?.error)}\n${run.output}`);
    value = run.result.value;
  }, 150_000);
  afterAll(() => emulator?.close());

  it('finds the imported certificate by thumbprint', () => {
    expect(value.x5t).toBe(certificate.x5tS256);
    expect(value.thumbprint).toMatch(/^[0-9A-F]{40}$/);
  });

  it('gets an mtls_pop token over Schannel mTLS, bound to the store certificate', () => {
    expect(value.first).toEqual({ tokenType: 'mtls_pop', tokenSource: 'network', cnf: certificate.x5tS256 });
    expect(emulator.stats.tokenRequests).toBe(1);
  });

  it('serves the second call from the cache', () => {
    expect(value.second).toEqual({ tokenSource: 'cache', same: true });
  });

  it('makes the downstream call to the resource with the same certificate', () => {
    expect(value.resource.status).toBe(200);
  });

  it('createMtlsFetch goes through the same Schannel transport and gets 200 from the resource', () => {
    expect(value.fetchedStatus).toBe(200);
    expect(emulator.stats.resourceRequests).toBe(2);
  });

  it('says which thumbprint is missing from the store', () => {
    expect(value.missing).toBe('ERR_CNG_CERTIFICATE_NOT_FOUND');
  });
});
