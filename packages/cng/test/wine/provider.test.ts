import { createPublicKey, verify, constants } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runUnderWine, underWine, wineAvailable } from './wine_harness.js';

const wine = wineAvailable() ? describe : describe.skip;

interface ProviderRun {
  sameKey: boolean;
  name: string;
  protection: string;
  downgrades: Array<{ level: string; reason: string; status?: string }>;
  tlsKind: string;
  spki: string;
  pss: string;
  csrPem: string;
  misuse: { name: string; code: string };
}

wine('CngKeyProvider under Wine (real NCrypt, as far as Wine goes)', () => {
  let value: ProviderRun;
  const message = 'msal-mtls signs this with a CNG key';

  beforeAll(async () => {
    const run = await runUnderWine<{ ok: boolean; value: ProviderRun; error?: unknown }>('provider.mjs', {
      message,
      clientId: '00000000-1111-2222-3333-444444444444',
      tenantId: '55555555-6666-7777-8888-999999999999',
      cuId: { vmId: 'f2b5e8a4-1d3c-4b7a-9e6f-0a1b2c3d4e5f' },
    });
    if (run.result?.ok !== true) throw new Error(`the Wine run failed:\n${JSON.stringify(run.result?.error)}\n${run.output}`);
    value = run.result.value;
  });

  (underWine ? it : it.skip)('does not take Wine\'s fake success for KeyGuard: the key reports no isolation, so the level is not claimed', () => {
    expect(value.protection).not.toBe('keyguard');
    const keyguard = value.downgrades.find((d) => d.level === 'keyguard');
    // Wine accepts the VBS flags but has no 'Virtual Iso' property: NCryptGetProperty → NTE_INVALID_PARAMETER.
    expect(keyguard?.reason).toMatch(/does not report it VBS-isolated \(NCryptGetProperty returned 0x80090027/);
  });

  (underWine ? it : it.skip)('does not claim a persisted key that cannot be reopened by name (Wine persists no named key)', () => {
    expect(value.protection).toBe('in-memory');
    const software = value.downgrades.find((d) => d.level === 'software');
    expect(software?.reason).toMatch(/could not be reopened by name.*NCryptOpenKey returned 0x80090029/);
    expect(value.downgrades.map((d) => d.level)).toEqual(['keyguard', 'hardware', 'software']);
  });

  (underWine ? it.skip : it)('on Windows without VBS, reaches the persisted software key and says why KeyGuard was not reached', () => {
    expect(['keyguard', 'software']).toContain(value.protection);
    if (value.protection === 'software') expect(value.downgrades[0]?.level).toBe('keyguard');
  });

  it('returns one key per provider, named, whose TLS goes through Schannel', () => {
    expect(value.sameKey).toBe(true);
    expect(value.name).toMatch(underWine ? /^MSAL-MTLS-[0-9a-f]{32}$/ : /^(KeyGuardRSAKey|HardwareRSAKey)$/);
    expect(value.tlsKind).toBe('transport');
  });

  it('signs with RSA-PSS (SHA-256, salt 32) verifiable with the exported public key on Linux', () => {
    const publicKey = createPublicKey({ key: Buffer.from(value.spki, 'base64'), format: 'der', type: 'spki' });
    expect(publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const signature = Buffer.from(value.pss, 'base64');
    const options = { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
    expect(verify('sha256', Buffer.from(message), options, signature)).toBe(true);
    expect(verify('sha256', Buffer.from(`${message}!`), options, signature)).toBe(false);
  });

  it('builds a CSR signed in CNG that openssl req -verify accepts, for the same public key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cng-csr-'));
    try {
      writeFileSync(join(dir, 'csr.pem'), value.csrPem);
      const out = execFileSync('openssl', ['req', '-in', join(dir, 'csr.pem'), '-verify', '-noout', '-pubkey'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const fromCsr = createPublicKey(out).export({ type: 'spki', format: 'der' });
      expect(fromCsr.toString('base64')).toBe(value.spki);
      // openssl 3.0 exits 0 on a bad signature: read its verdict.
      const verdict = spawnSync('openssl', ['req', '-in', join(dir, 'csr.pem'), '-verify', '-noout'], { encoding: 'utf8' });
      expect(`${verdict.stdout}${verdict.stderr}`).toMatch(/verify OK/);
      const text = execFileSync('openssl', ['req', '-in', join(dir, 'csr.pem'), '-noout', '-text'], { encoding: 'utf8' });
      expect(text).toMatch(/Signature Algorithm: rsassaPss/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses non-byte input with a typed argument error', () => {
    expect(value.misuse).toEqual({ name: 'TypeError', code: 'ERR_CNG_INVALID_ARGUMENT' });
  });

  it.todo('reaches keyguard on a Trusted Launch VM with Credential Guard (needs Windows: NCRYPT_USE_VIRTUAL_ISOLATION_FLAG, "Virtual Iso" property)');
  it.todo('reuses KeyGuardRSAKey across processes and recreates it after a reboot when the liveness signature fails (needs Windows: NCryptOpenKey on a persisted per-boot key)');
});
