import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '@msal-mtls/emulator';
import { main } from '../../src/main.js';
import type { Io } from '../../src/output.js';

const tenantId = '55555555-6666-7777-8888-999999999999';
const clientId = '00000000-1111-2222-3333-444444444444';
const uami = { clientId: 'aaaaaaaa-0000-0000-0000-000000000001', objectId: 'bbbbbbbb-0000-0000-0000-000000000001', resourceId: '/subscriptions/s/rg/id1' };
let emulator: Emulator;
let home: string;

beforeAll(async () => {
  emulator = await startEmulator({ imds: { tenantId, systemAssigned: { clientId }, userAssigned: [uami] } });
  home = mkdtempSync(join(tmpdir(), 'msal-mtls-cli-mi-'));
});
afterAll(async () => {
  await emulator.close();
  rmSync(home, { recursive: true, force: true });
});

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}
const args = (...extra: string[]): string[] => [
  'mi-token', '--resource', 'https://graph.microsoft.com', '--imds', emulator.imdsUrl, '--connect-to', emulator.connectTo[0]!, '--ca', emulator.caPath, ...extra,
];
const env = (): NodeJS.ProcessEnv => ({ XDG_STATE_HOME: home });

describe('msal-mtls mi-token', () => {
  test('--json: the same contract as `token`', async () => {
    const io = capture();
    expect(await main(args('--min-key-protection', 'software', '--persist', '--json'), io, env())).toBe(0);
    const out = JSON.parse(io.stdout[0]!) as Record<string, unknown>;
    expect(out).toMatchObject({ tokenType: 'mtls_pop', tokenSource: 'network' });
    expect(out.bindingCertificateThumbprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(typeof out.accessToken).toBe('string');
  });

  test('a user-assigned identity by --object-id', async () => {
    const io = capture();
    expect(await main(args('--object-id', uami.objectId, '--min-key-protection', 'in-memory', '--json'), io, env())).toBe(0);
    expect(emulator.imds.requests.at(-1)!.query).toBe(`cred-api-version=2.0&object_id=${uami.objectId}`);
  });

  test('the default floor is keyguard: a typed error off Windows', async () => {
    const io = capture();
    expect(await main(args('--json'), io, env())).toBe(1);
    expect(JSON.parse(io.stdout[0]!).error).toBe('ERR_IMDS_KEY_PROTECTION_NOT_MET');
  });

  test('--verbose prints each step of the cold flow on stderr', async () => {
    const io = capture();
    expect(await main(args('--min-key-protection', 'in-memory', '--verbose'), io, env())).toBe(0);
    expect(io.stderr.filter((l) => l.startsWith('step: '))).toEqual(['step: key', 'step: metadata', 'step: csr', 'step: issuance', 'step: token']);
  });

  test.each([
    [['mi-token'], 'ERR_MTLS_INVALID_ARGUMENT'],
    [['mi-token', '--resource', 'r', '--client-id', 'a', '--object-id', 'b'], 'ERR_MTLS_INVALID_ARGUMENT'],
    [['mi-token', '--resource', 'r', '--min-key-protection', 'tpm'], 'ERR_MTLS_INVALID_ARGUMENT'],
  ])('%p → %s', async (argv, code) => {
    const io = capture();
    expect(await main(argv, io, env())).toBe(1);
    expect(io.stderr[0]).toMatch(new RegExp(`^${code}: `));
  });
});
