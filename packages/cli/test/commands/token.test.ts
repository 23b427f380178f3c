import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startEmulator, type Emulator, type ClientCertificate } from '@msal-mtls/emulator';
import { errorCodes } from '@msal-mtls/core';
import { main } from '../../src/main.js';
import type { Io } from '../../src/output.js';

const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const clientId = '11111111-2222-3333-4444-555555555555';
let emulator: Emulator;
let cert: ClientCertificate;
let dir: string;

beforeAll(async () => {
  emulator = await startEmulator();
  cert = emulator.createClientCertificate({ commonName: 'cli' });
  emulator.registerApplication({ clientId, tenantId, certificates: [cert.certPem] });
  dir = mkdtempSync(join(tmpdir(), 'msal-mtls-cli-'));
  writeFileSync(join(dir, 'cert.pem'), cert.certPem);
  writeFileSync(join(dir, 'key.pem'), cert.keyPem, { mode: 0o600 });
});
afterAll(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

const baseArgs = (): string[] => [
  'token', '--client-id', clientId, '--authority', `https://login.microsoftonline.com/${tenantId}`, '--region', 'eastus',
  '--cert', join(dir, 'cert.pem'), '--key', join(dir, 'key.pem'), '--scope', 'https://graph.microsoft.com/.default',
  '--connect-to', emulator.connectTo[0]!, '--ca', emulator.caPath,
];

describe('msal-mtls token', () => {
  test('--json prints the contract fields', async () => {
    const io = capture();
    expect(await main([...baseArgs(), '--json'], io, {})).toBe(0);
    const out = JSON.parse(io.stdout.join('\n')) as Record<string, unknown>;
    expect(out).toMatchObject({ tokenType: 'mtls_pop', tokenSource: 'network', bindingCertificateThumbprint: cert.x5tS256 });
    expect(typeof out.accessToken).toBe('string');
    expect(new Date(out.expiresOn as string).getTime()).toBeGreaterThan(Date.now());
    expect(out.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(emulator.tokenRequests.at(-1)?.host).toBe('eastus.mtlsauth.microsoft.com');
  });

  test('the summary shows source, type, expiry, cnf and aud, never the token', async () => {
    const io = capture();
    expect(await main(baseArgs(), io, {})).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toContain('token source:   network');
    expect(text).toContain(`cnf x5t#S256:   ${cert.x5tS256}`);
    expect(text).toContain('aud:            https://graph.microsoft.com');
    expect(text).not.toMatch(/eyJ[\w-]+\.eyJ/);
  });

  test('errors: exit 1, CODE on stderr, {error, message} with --json; the code is in the catalogue', async () => {
    const io = capture();
    const args = baseArgs();
    args[4] = 'https://login.microsoftonline.com/common';
    expect(await main([...args, '--json'], io, {})).toBe(1);
    expect(io.stderr[0]).toMatch(/^ERR_MTLS_TENANTLESS_AUTHORITY: /);
    const out = JSON.parse(io.stdout[0]!) as { error: string; message: string };
    expect(out.error).toBe('ERR_MTLS_TENANTLESS_AUTHORITY');
    expect(errorCodes).toContain(out.error);
    expect(out.message).toContain('tenant');
  });

  test('a server error keeps its OAuth fields in the JSON', async () => {
    const io = capture();
    const args = baseArgs();
    args[args.indexOf('https://graph.microsoft.com/.default')] = 'https://management.azure.com/.default';
    expect(await main([...args, '--json'], io, {})).toBe(1);
    expect(JSON.parse(io.stdout[0]!)).toMatchObject({ error: 'ERR_MTLS_RESOURCE_NOT_ENROLLED', oauthError: 'invalid_request', status: 400, errorCodes: [392196] });
  });

  test('--verbose prints the log lines on stderr, each with the correlation id; stdout keeps the JSON; no token on stderr', async () => {
    const io = capture();
    const id = 'dddddddd-1111-4222-8333-944444444444';
    expect(await main([...baseArgs(), '--verbose', '--json', '--correlation-id', id], io, {})).toBe(0);
    const out = JSON.parse(io.stdout.join('\n')) as { accessToken: string; correlationId: string };
    expect(out.correlationId).toBe(id);
    expect(io.stderr.length).toBeGreaterThanOrEqual(2);
    for (const line of io.stderr) expect(line).toMatch(new RegExp(`^\\[[^\\]]+\\] : \\[${id}\\] : @msal-mtls/core@\\S+ : \\w+ - `));
    expect(io.stderr.join('\n')).not.toContain(out.accessToken.split('.')[1]!.slice(0, 24));
  });

  test.each([
    [['token', '--json'], 'ERR_MTLS_INVALID_ARGUMENT'],
    [['token', '--bogus'], 'ERR_MTLS_INVALID_ARGUMENT'],
    [['nope'], 'ERR_MTLS_INVALID_ARGUMENT'],
  ])('usage error %p → %s', async (argv, code) => {
    const io = capture();
    expect(await main(argv, io, {})).toBe(1);
    expect(io.stderr[0]).toMatch(new RegExp(`^${code}: `));
  });

  test('a wrong PFX passphrase from the environment', async () => {
    const { execFileSync } = await import('node:child_process');
    execFileSync('openssl', ['pkcs12', '-export', '-inkey', join(dir, 'key.pem'), '-in', join(dir, 'cert.pem'), '-out', join(dir, 'c.pfx'), '-passout', 'pass:right']);
    const args = baseArgs().filter((_a, i, all) => !['--cert', '--key'].includes(all[i]!) && !['--cert', '--key'].includes(all[i - 1]!));
    const io = capture();
    expect(await main([...args, '--pfx', join(dir, 'c.pfx'), '--json'], io, { MSAL_MTLS_PASSPHRASE: 'wrong' })).toBe(1);
    expect(JSON.parse(io.stdout[0]!).error).toBe('ERR_MTLS_PFX_BAD_PASSPHRASE');
    const ok = capture();
    expect(await main([...args, '--pfx', join(dir, 'c.pfx'), '--json'], ok, { MSAL_MTLS_PASSPHRASE: 'right' })).toBe(0);
  });

  test('the built binary (what `pnpm --silent msal-mtls` runs) sets the exit code', async () => {
    const bin = join(__dirname, '../../dist/bin.js');
    const run = promisify(execFile);
    const ok = await run('node', [bin, ...baseArgs(), '--json']);
    expect(JSON.parse(ok.stdout).tokenType).toBe('mtls_pop');
    const failed = await run('node', [bin, 'token', '--client-id', 'x']).catch((e: { code: number; stderr: string }) => e);
    expect((failed as { code: number }).code).toBe(1);
    expect((failed as { stderr: string }).stderr).toMatch(/^ERR_MTLS_INVALID_ARGUMENT: /);
  });
});

describe('msal-mtls demo', () => {
  test('runs every step and shows the pre-flight errors', async () => {
    const io = capture();
    expect(await main(['demo'], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toContain('token source: cache; same token: true; token requests so far: 1');
    expect(text).toMatch(/with the bound certificate: +HTTP 200/);
    expect(text).toMatch(/with another certificate: +HTTP 401/);
    for (const code of ['ERR_MTLS_TENANTLESS_AUTHORITY', 'ERR_MTLS_UNSUPPORTED_HOST', 'ERR_MTLS_CERTIFICATE_REQUIRED']) expect(text).toContain(code);
    expect(text).toContain('token requests made by these: 0');
    expect(text).toContain('host the emulator saw: mtlsauth.microsoft.com');
    // Path 2
    expect(text).toContain('IMDS requests: 1 metadata, 1 issuance');
    expect(text).toMatch(/again \(cache\)\n  token source: cache; same token: true/);
    expect(text).toContain('new certificate: true; IMDS issuances: 2');
    expect(text).toMatch(/downstream call with the binding certificate\n  HTTP 200/);
  });
});
