import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot, runUnderWine, winPath, wineAvailable } from './wine_harness.js';

const wine = wineAvailable() ? describe : describe.skip;
const fixture = join(packageRoot, 'build/test-fixtures/AttestationClientLib.dll');

interface Outcome { token?: string; name?: string; code?: string; message?: string; api?: string }

wine('CngAttestationProvider under Wine, with the stand-in AttestationClientLib.dll', () => {
  let value: { ok: Outcome; attestFail: Outcome; initFail: Outcome; missing: Outcome; notCng: Outcome; keyName: string };
  const scratch = mkdtempSync(join(tmpdir(), 'cng-attest-'));

  beforeAll(async () => {
    if (!existsSync(fixture)) throw new Error(`${fixture} is missing: run CNG_BUILD_TEST_FIXTURES=1 bash scripts/build-cng.sh`);
    const prebuild = readdirSync(join(packageRoot, 'prebuilds/win32-x64')).find((f) => f.endsWith('.node'));
    if (prebuild === undefined) throw new Error('no prebuild: run bash scripts/build-cng.sh');
    for (const layout of ['with', 'without']) {
      mkdirSync(join(scratch, layout, 'prebuilds/win32-x64'), { recursive: true });
      copyFileSync(join(packageRoot, 'prebuilds/win32-x64', prebuild), join(scratch, layout, 'prebuilds/win32-x64/cng.node'));
    }
    copyFileSync(fixture, join(scratch, 'with/prebuilds/win32-x64/AttestationClientLib.dll'));
    const run = await runUnderWine<{ ok: boolean; value: typeof value; error?: unknown }>('attestation_provider.mjs', {
      addon: winPath(join(scratch, 'with/prebuilds/win32-x64/cng.node')),
      bareAddon: winPath(join(scratch, 'without/prebuilds/win32-x64/cng.node')),
    });
    if (run.result?.ok !== true) throw new Error(`the Wine run failed:\n${JSON.stringify(run.result?.error)}\n${run.output}`);
    value = run.result.value;
  }, 120_000);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('returns the token the library produced for this key, endpoint and client id', () => {
    const payload = JSON.parse(Buffer.from(value.ok.token?.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(payload).toMatchObject({ endpoint: 'https://sharedeus2.eus2.attest.azure.net/', clientId: 'client-1' });
  });

  it('turns a failed attestation into ERR_CNG_ATTESTATION_FAILED naming the stage', () => {
    expect(value.attestFail).toMatchObject({ name: 'CngError', code: 'ERR_CNG_ATTESTATION_FAILED' });
    expect(value.attestFail.message).toContain('AttestKeyGuardImportKey returned');
    expect(value.initFail).toMatchObject({ code: 'ERR_CNG_ATTESTATION_FAILED' });
    expect(value.initFail.message).toContain('InitAttestationLib returned');
  });

  it('says where it looked when the library is missing', () => {
    expect(value.missing.code).toBe('ERR_CNG_ATTESTATION_UNAVAILABLE');
    expect(value.missing.message).toMatch(/looked in: .*without.*prebuilds.*win32-x64/i);
  });

  it('refuses a key that is not a CNG key', () => {
    expect(value.notCng).toEqual({ name: 'TypeError', code: 'ERR_CNG_INVALID_ARGUMENT' });
  });
});
