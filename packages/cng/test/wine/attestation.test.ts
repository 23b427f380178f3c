import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { packageRoot, runUnderWine, winPath, wineAvailable } from './wine_harness.js';

const wine = wineAvailable() ? describe : describe.skip;

/** The stand-in AttestationClientLib.dll (native/test/fake_attestation.c). */
const fixture = join(packageRoot, 'build/test-fixtures/AttestationClientLib.dll');
const prebuildDir = join(packageRoot, 'prebuilds/win32-x64');

interface LogLine {
  level: number;
  tag: string;
  func: string;
  line: number;
  message: string;
}
interface AttestationResult {
  ok: boolean;
  token?: string;
  libraryPath?: string;
  api?: string;
  code?: number;
  hex?: string;
  stage?: 'load' | 'init' | 'attest';
  result?: number;
  searched?: string[];
  detail?: string;
  logs: LogLine[];
}
interface Rejection {
  rejected?: boolean;
  resolved?: boolean;
  name?: string;
  message?: string;
}
interface AttestationRun {
  modulus: string;
  calls: AttestationResult[];
  control?: Rejection;
  wrongArguments?: Record<string, Rejection>;
}
interface Call {
  mode: 'ok' | 'init-fail' | 'attest-fail' | 'flood';
  endpoint: string;
  clientId: string;
}

const endpoint = 'https://sharedeus.eus.attest.azure.net/';
const clientId = '6f1c2a7e-2b9d-4c1e-9a53-0d3b7e8f1a24';
const ok: Call = { mode: 'ok', endpoint, clientId };

/** The token's claims (the fake's token is JWT-shaped: header.payload.signature, base64url). */
function claims(token: string | undefined): Record<string, unknown> {
  const parts = (token ?? '').split('.');
  expect(parts).toHaveLength(3);
  return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** "state inits=… uninits=… issued=… frees=…", which the fake logs at every Init. */
function state(result: AttestationResult): Record<string, number> {
  const line = result.logs.find((entry) => entry.message.startsWith('state '));
  if (!line) throw new Error(`no state line in ${JSON.stringify(result.logs)}`);
  return Object.fromEntries(line.message.slice('state '.length).split(' ').map((pair) => {
    const [name, value] = pair.split('=');
    return [name, Number(value)];
  }));
}

const sameWindowsPath = (path: string) => expect.stringMatching(new RegExp(`^${path.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}$`, 'i'));

wine('attestKey under Wine with the stand-in AttestationClientLib.dll', () => {
  let scratch: string;

  beforeAll(() => {
    if (!existsSync(fixture)) {
      throw new Error(`The test fixture ${fixture} is missing: build it with CNG_BUILD_TEST_FIXTURES=1 bash scripts/build-cng.sh (an existing packages/cng/build/cmake configured without fixtures must be deleted first)`);
    }
    scratch = mkdtempSync(join(tmpdir(), 'cng-attestation-'));
  });

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  /** <scratch>/<name>/pkg/prebuilds/win32-x64/<addon>.node; returns the layout's folders. */
  function layout(name: string): { base: string; pkg: string; addonDir: string; addon: string } {
    const addons = readdirSync(prebuildDir).filter((file) => file.endsWith('.node'));
    if (addons.length !== 1) throw new Error(`expected one .node in ${prebuildDir}, found ${addons.join(', ') || 'none'}: run bash scripts/build-cng.sh`);
    const base = join(scratch, name);
    const pkg = join(base, 'pkg');
    const addonDir = join(pkg, 'prebuilds', 'win32-x64');
    mkdirSync(addonDir, { recursive: true });
    const addon = join(addonDir, addons[0]);
    copyFileSync(join(prebuildDir, addons[0]), addon);
    return { base, pkg, addonDir, addon };
  }

  async function attest(input: Record<string, unknown>): Promise<AttestationRun> {
    const run = await runUnderWine<{ ok: boolean; value: AttestationRun; error?: unknown }>('attestation.cjs', input);
    if (!run.result?.ok) throw new Error(`attestation.cjs failed (status ${run.status}): ${JSON.stringify(run.result?.error)}\n${run.output}`);
    return run.result.value;
  }

  describe('with the DLL beside the addon', () => {
    let dll: string;
    let run: AttestationRun;
    beforeAll(async () => {
      const { addon, addonDir } = layout('beside');
      dll = join(addonDir, 'AttestationClientLib.dll');
      copyFileSync(fixture, dll);
      // The DLL file is moved away after the first call: the second must use the module kept loaded.
      run = await attest({ addon: winPath(addon), calls: [ok, ok], renameAfterFirst: winPath(dll) });
    }, 60_000);

    it('succeeds and reports the library it loaded', () => {
      expect(run.calls[0]).toMatchObject({ ok: true, libraryPath: sameWindowsPath(winPath(dll)) });
    });

    it("hands the library the endpoint, the client id, NULL authToken/clientPayload and the key's own handle", () => {
      const payload = claims(run.calls[0].token);
      expect(payload).toMatchObject({ endpoint, clientId, authToken: null, clientPayload: null });
      // The fake read this modulus back through the NCRYPT_KEY_HANDLE it was given.
      expect(payload.modulus).toBe(run.modulus);
      expect(payload.modulus).toHaveLength(512);
      expect(payload.exp).toEqual(expect.any(Number));
      expect(payload.exp as number).toBeGreaterThan(Date.now() / 1000);
    });

    it("collects the library's log lines for the call, including a line logged with a NULL ctx", () => {
      const logs = run.calls[0].logs;
      expect(logs[0]).toEqual({ level: 2, tag: 'fake-attestation', func: 'InitAttestationLib', line: expect.any(Number), message: 'state inits=0 uninits=0 issued=0 frees=0' });
      expect(logs).toContainEqual({ level: 3, tag: 'fake-attestation', func: 'AttestKeyGuardImportKey', line: expect.any(Number), message: 'a line logged with a NULL ctx' });
      expect(logs[logs.length - 1]).toMatchObject({ func: 'UninitAttestationLib', message: 'uninit' });
    });

    it('frees every token and uninitialises every Init, and keeps the module loaded between calls', () => {
      // Counters live in the DLL: had it been unloaded and reloaded they would start at 0 again.
      expect(state(run.calls[1])).toEqual({ inits: 1, uninits: 1, issued: 1, frees: 1 });
      expect(run.calls[1]).toMatchObject({ ok: true, libraryPath: run.calls[0].libraryPath });
      expect(claims(run.calls[1].token).modulus).toBe(run.modulus);
    });
  });

  it('loads the DLL from the package root (two folders above the addon)', async () => {
    const { addon, pkg } = layout('root');
    copyFileSync(fixture, join(pkg, 'AttestationClientLib.dll'));
    const run = await attest({ addon: winPath(addon), calls: [ok] });
    expect(run.calls[0]).toMatchObject({ ok: true, libraryPath: sameWindowsPath(winPath(join(pkg, 'AttestationClientLib.dll'))) });
    expect(claims(run.calls[0].token).modulus).toBe(run.modulus);
  }, 60_000);

  describe('with the DLL only in the current directory and on PATH', () => {
    let paths: { addonDir: string; pkg: string };
    let run: AttestationRun;
    beforeAll(async () => {
      const { base, addon, addonDir, pkg } = layout('elsewhere');
      paths = { addonDir, pkg };
      for (const folder of ['cwd', 'onpath']) {
        mkdirSync(join(base, folder));
        copyFileSync(fixture, join(base, folder, 'AttestationClientLib.dll'));
      }
      run = await attest({ addon: winPath(addon), calls: [ok], cwd: winPath(join(base, 'cwd')), pathDir: winPath(join(base, 'onpath')) });
    }, 60_000);

    it("fails at stage 'load' after searching only the addon folder, the package root and System32", () => {
      expect(run.calls[0]).toMatchObject({ ok: false, stage: 'load', api: 'LoadLibraryExW', code: 126, logs: [] });
      expect(run.calls[0].searched).toEqual([
        sameWindowsPath(winPath(join(paths.addonDir, 'AttestationClientLib.dll'))),
        sameWindowsPath(winPath(join(paths.pkg, 'AttestationClientLib.dll'))),
        sameWindowsPath('C:\\windows\\system32\\AttestationClientLib.dll'),
      ]);
    });

    it('(control) the standard search order would have found the DLL there', () => {
      // Found and loaded; refused only for not being a Node addon (a missing file says "Module not found").
      expect(run.control).toMatchObject({ rejected: true, message: expect.stringMatching(/did not self-register/) });
    });
  });

  describe('failure stages (FAKE_ATTESTATION_MODE) and arguments', () => {
    let run: AttestationRun;
    beforeAll(async () => {
      const { addon, addonDir } = layout('stages');
      copyFileSync(fixture, join(addonDir, 'AttestationClientLib.dll'));
      run = await attest({
        addon: winPath(addon),
        calls: [{ ...ok, mode: 'init-fail' }, { ...ok, mode: 'attest-fail' }, { ...ok, mode: 'flood' }, ok],
        wrongArguments: true,
      });
    }, 60_000);

    it("reports a failed InitAttestationLib as stage 'init' with its result", () => {
      expect(run.calls[0]).toMatchObject({ ok: false, stage: 'init', api: 'InitAttestationLib', result: -30, code: 0xffffffe2, hex: '0xFFFFFFE2' });
      expect(run.calls[0].logs).toContainEqual(expect.objectContaining({ level: 0, message: 'failing Init as FAKE_ATTESTATION_MODE asks' }));
    });

    it("reports a failed AttestKeyGuardImportKey as stage 'attest' with its result and no token", () => {
      expect(run.calls[1]).toMatchObject({ ok: false, stage: 'attest', api: 'AttestKeyGuardImportKey', result: -6, code: 0xfffffffa });
      expect(run.calls[1]).not.toHaveProperty('token');
      expect(run.calls[1].searched).toHaveLength(1);
    });

    it('frees a token handed out with a failure, and does not Uninit after a failed Init', () => {
      // After init-fail (no Init counted, no Uninit) and attest-fail (Init, token, Free, Uninit).
      expect(state(run.calls[2])).toEqual({ inits: 1, uninits: 1, issued: 1, frees: 1 });
      expect(state(run.calls[3])).toEqual({ inits: 2, uninits: 2, issued: 2, frees: 2 });
    });

    it('caps the log lines of one call at 1000 and says how many were dropped', () => {
      const logs = run.calls[2].logs;
      expect(run.calls[2].ok).toBe(true);
      expect(logs).toHaveLength(1001);
      expect(logs[1000]).toEqual({ level: 1, tag: 'msal-mtls', func: 'attestKey', line: 0, message: expect.stringMatching(/^\d+ more log lines from the library were dropped$/) });
    });

    it('rejects a non-key, a closed key or non-string endpoint/clientId with a TypeError', () => {
      expect(run.wrongArguments).toEqual({
        notAKey: { rejected: true, name: 'TypeError', message: 'expected a NativeKey (from createKey or openKey)' },
        closedKey: { rejected: true, name: 'TypeError', message: 'the NativeKey is closed' },
        endpointNumber: { rejected: true, name: 'TypeError', message: 'endpoint must be a string' },
        clientIdMissing: { rejected: true, name: 'TypeError', message: 'clientId must be a string' },
      });
    });
  });

  it.todo('loads the real AttestationClientLib.dll from System32 and attests a KeyGuard key (needs Windows: VBS/TPM, MAA)');
});
