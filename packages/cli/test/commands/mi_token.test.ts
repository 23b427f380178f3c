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

  test('progress off a terminal: a line per step of the cold flow, with its time, on stderr; stdout holds only the JSON', async () => {
    const io = capture();
    expect(await main(args('--min-key-protection', 'in-memory', '--json'), io, env())).toBe(0);
    expect(io.stderr).toHaveLength(5);
    expect(io.stderr.map((l) => /^step: (\w+) \d+ ms$/.exec(l)?.[1])).toEqual(['key', 'metadata', 'csr', 'issuance', 'token']);
    expect(io.stdout).toHaveLength(1);
    expect(JSON.parse(io.stdout[0]!)).toMatchObject({ tokenType: 'mtls_pop' });
  });

  test('progress on a terminal: one line rewritten in place with the current step and elapsed ms, erased at the end', async () => {
    const writes: string[] = [];
    const io = { ...capture(), errTty: true, errWrite: (t: string) => writes.push(t) };
    expect(await main(args('--min-key-protection', 'in-memory', '--json', '--verbose'), io, env())).toBe(0);
    // --verbose log lines still come as lines (the progress line is cleared before each), never `step:` lines.
    expect(io.stderr.length).toBeGreaterThanOrEqual(2);
    expect(io.stderr.every((l) => /^\[[^\]]+\] : \[[0-9a-f-]{36}\] : /.test(l))).toBe(true);
    expect(writes.every((w) => w.startsWith('\r\x1b[2K') && !w.includes('\n'))).toBe(true);
    const steps = [...new Set(writes.map((w) => /^\r\x1b\[2Kmsal-mtls: (\w+) \d+ ms$/.exec(w)?.[1]).filter((s) => s !== undefined))];
    expect(steps).toEqual(['key', 'metadata', 'csr', 'issuance', 'token']);
    expect(writes.at(-1)).toBe('\r\x1b[2K');
  });

  test('a failing step is marked, and the error stays the last line on stderr', async () => {
    const io = capture();
    emulator.imds.inject({ kind: 'wrongKey' }); // the issued certificate is for another key
    expect(await main(args('--min-key-protection', 'in-memory'), io, env())).toBe(1);
    expect(io.stderr.slice(0, -1)).toEqual([expect.stringMatching(/^step: key \d+ ms$/), expect.stringMatching(/^step: metadata \d+ ms$/), expect.stringMatching(/^step: csr \d+ ms$/), expect.stringMatching(/^step: issuance \d+ ms \(failed\)$/)]);
    expect(io.stderr.at(-1)).toMatch(/^ERR_IMDS_INVALID_CERTIFICATE: /);
  });

  test('--verbose prints the log lines on stderr, each with the correlation id, never the token', async () => {
    const io = capture();
    const id = 'cccccccc-1111-4222-8333-944444444444';
    expect(await main(args('--min-key-protection', 'in-memory', '--verbose', '--json', '--correlation-id', id), io, env())).toBe(0);
    const token = (JSON.parse(io.stdout[0]!) as { accessToken: string }).accessToken;
    const logLines = io.stderr.filter((l) => !l.startsWith('step: '));
    expect(logLines.length).toBeGreaterThanOrEqual(2);
    for (const line of logLines) expect(line).toMatch(new RegExp(`^\\[[^\\]]+\\] : \\[${id}\\] : @msal-mtls/\\S+ : \\w+ - `));
    expect(io.stderr.join('\n')).not.toContain(token.split('.')[1]!.slice(0, 24));
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
