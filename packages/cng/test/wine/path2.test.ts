import { X509Certificate } from 'node:crypto';
import { startEmulator, type Emulator } from '@msal-mtls/emulator';
import { runUnderWine, underWine, wineAvailable } from './wine_harness.js';

const wine = wineAvailable() ? describe : describe.skip;

interface Path2Run {
  floor: { code: string; message: string } | undefined;
  steps: string[];
  outcome: { ok: boolean; code?: string; message?: string; cause?: { name: string; code: string; status?: { api: string; hex: string }; transportFailure?: string } };
  persisted: Array<{ friendlyName: string; keyContainer: string; keyProvider: string; der: string }>;
  logs: string[];
}

wine('Path 2 under Wine with the CNG key provider, against the emulator', () => {
  let emulator: Emulator;
  let value: Path2Run;
  const tenantId = '55555555-6666-7777-8888-999999999999';

  beforeAll(async () => {
    emulator = await startEmulator({ imds: { tenantId } });
    const run = await runUnderWine<{ ok: boolean; value: Path2Run; error?: unknown }>(
      'path2.mjs',
      {
        imdsUrl: emulator.imdsUrl,
        caPem: emulator.caPem,
        // Wine's WinHTTP checks a DNS name, not an IP: dial "localhost"; the certificate is still checked against the token host.
        connectTo: [`::localhost:${emulator.port}`],
        resource: 'https://graph.microsoft.com',
      },
      120_000,
    );
    if (run.result?.ok !== true) throw new Error(`the Wine run failed:\n${JSON.stringify(run.result?.error)}\n${run.output}`);
    value = run.result.value;
  }, 150_000);
  afterAll(() => emulator?.close());

  it('with the default KeyGuard floor, refuses the weaker key before any IMDS issuance', () => {
    expect(value.floor?.code).toBe('ERR_IMDS_KEY_PROTECTION_NOT_MET');
    expect(value.floor?.message).toMatch(/keyguard/i);
  });

  it('picks @msal-mtls/cng by itself on Windows and runs key, metadata, CSR, issuance and the token step with the CNG key', () => {
    expect(value.steps).toEqual(['key', 'metadata', 'csr', 'issuance', 'token']);
    expect(emulator.imds.stats.metadataRequests).toBe(1);
    expect(emulator.imds.stats.issuanceRequests).toBe(1);
    // The emulator verified the CSR's RSASSA-PSS signature (made in CNG) before issuing.
    expect(emulator.imds.stats.certificatesIssued).toBe(1);
  });

  it('persists the certificate in CurrentUser\\My with the tag and key link MSAL.NET reads', () => {
    expect(value.persisted).toHaveLength(1);
    const [entry] = value.persisted;
    expect(entry?.friendlyName).toMatch(new RegExp(`^MSAL\\|alias=system_assigned_managed_identity#att=0\\|ep=https://[^|]+/${tenantId}$`));
    expect(entry?.keyContainer).toMatch(underWine ? /^MSAL-MTLS-[0-9a-f]{32}$/ : /^(KeyGuardRSAKey|HardwareRSAKey)$/);
    expect(entry?.keyProvider).toBe('Microsoft Software Key Storage Provider');
    const certificate = new X509Certificate(Buffer.from(entry?.der ?? '', 'base64'));
    expect(certificate.issuer).toMatch(/msal-mtls emulator/i);
  });

  (underWine ? it.skip : it)('gets the mtls_pop token through Schannel with the CNG key (Windows)', () => {
    expect(value.outcome).toEqual({ ok: true, tokenType: 'mtls_pop' });
    expect(emulator.stats.tokenRequests).toBe(1);
  });

  (underWine ? it : it.skip)('sends the token request through Schannel; Wine cannot sign with an NCrypt key, and says so as a typed error', () => {
    expect(value.outcome.ok).toBe(false);
    expect(value.outcome.code).toBe('ERR_MTLS_TLS_HANDSHAKE');
    expect(value.outcome.cause).toMatchObject({ name: 'CngError', code: 'ERR_CNG_TLS_HANDSHAKE', transportFailure: 'tls' });
    expect(value.outcome.cause?.status?.api).toMatch(/^WinHttp/);
    expect(emulator.stats.tokenRequests).toBe(0);
  });

  it('never logs the certificate or key material', () => {
    const text = value.logs.join('\n');
    expect(text).not.toMatch(/BEGIN CERTIFICATE|BEGIN PRIVATE KEY/);
    for (const entry of value.persisted) expect(text).not.toContain(entry.der.slice(0, 64));
  });

  it.todo('gets the mtls_pop token with the KeyGuard key through Schannel (needs Windows: CERT_NCRYPT_KEY_HANDLE_PROP_ID / Schannel with a CNG key)');
  it.todo('reuses the persisted certificate in a new process without an IMDS request (needs Windows: a persisted named key)');
});
