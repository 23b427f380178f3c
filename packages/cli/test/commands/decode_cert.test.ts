import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type ClientCertificate, type Emulator } from '@msal-mtls/emulator';
import { main } from '../../src/main.js';
import type { Io } from '../../src/output.js';

// `msal-mtls decode` and `msal-mtls cert show` on real tokens and certificates from the emulator
// (Path 1 through `token`, Path 2 through `mi-token --persist`).
const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const clientId = '11111111-2222-3333-4444-555555555555';
let emulator: Emulator;
let cert: ClientCertificate;
let other: ClientCertificate;
let dir: string;
let token: string;
const file = (name: string): string => join(dir, name);

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

beforeAll(async () => {
  emulator = await startEmulator({ imds: { tenantId, systemAssigned: { clientId: '00000000-1111-2222-3333-444444444444' } } });
  cert = emulator.createClientCertificate({ commonName: 'decode app' });
  other = emulator.createClientCertificate({ commonName: 'someone else' });
  emulator.registerApplication({ clientId, tenantId, certificates: [cert.certPem] });
  dir = mkdtempSync(join(tmpdir(), 'msal-mtls-cli-decode-'));
  writeFileSync(file('cert.pem'), cert.certPem);
  writeFileSync(file('key.pem'), cert.keyPem, { mode: 0o600 });
  writeFileSync(file('other.pem'), other.certPem);
  writeFileSync(file('junk.pem'), 'not a certificate\n');
  const io = capture();
  const code = await main(['token', '--client-id', clientId, '--authority', `https://login.microsoftonline.com/${tenantId}`, '--cert', file('cert.pem'), '--key', file('key.pem'),
    '--scope', 'https://graph.microsoft.com/.default', '--connect-to', emulator.connectTo[0]!, '--ca', emulator.caPath, '--json'], io, {});
  expect(code).toBe(0);
  token = (JSON.parse(io.stdout[0]!) as { accessToken: string }).accessToken;
});
afterAll(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('msal-mtls decode', () => {
  test('prints header and claims as JSON, says the signature is not verified, never prints the token', async () => {
    const io = capture();
    expect(await main(['decode', token], io, {})).toBe(0);
    const out = JSON.parse(io.stdout.join('\n')) as { header: Record<string, unknown>; claims: Record<string, unknown>; signatureVerified: boolean };
    expect(out.header).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(out.claims).toMatchObject({ aud: 'https://graph.microsoft.com', appid: clientId, tid: tenantId, cnf: { 'x5t#S256': cert.x5tS256 } });
    expect(out.signatureVerified).toBe(false);
    expect(io.stderr).toEqual([expect.stringMatching(/signature was not verified/)]);
    const [, payload, signature] = token.split('.');
    expect(io.stdout.join('\n')).not.toContain(payload!.slice(0, 24));
    expect(io.stdout.join('\n')).not.toContain(signature!.slice(0, 24));
  });

  test('- reads stdin (with an "mtls_pop " prefix); --cert that matches adds the binding; --json is one line and stderr stays empty', async () => {
    const io = { ...capture(), readStdin: async () => `mtls_pop ${token}\n` };
    expect(await main(['decode', '-', '--cert', file('cert.pem'), '--json'], io, {})).toBe(0);
    expect(io.stdout).toHaveLength(1);
    expect(JSON.parse(io.stdout[0]!)).toMatchObject({ binding: { certificateX5tS256: cert.x5tS256, matches: true }, claims: { cnf: { 'x5t#S256': cert.x5tS256 } } });
    expect(io.stderr).toEqual([]);
  });

  test('--cert of another certificate: exit 1, ERR_MTLS_BINDING_MISMATCH naming both thumbprints', async () => {
    const io = capture();
    expect(await main(['decode', token, '--cert', file('other.pem'), '--json'], io, {})).toBe(1);
    const out = JSON.parse(io.stdout[0]!) as { error: string; message: string };
    expect(out.error).toBe('ERR_MTLS_BINDING_MISMATCH');
    expect(out.message).toContain(cert.x5tS256);
    expect(out.message).toContain(other.x5tS256);
    expect(io.stderr[0]).toMatch(/^ERR_MTLS_BINDING_MISMATCH: /);
  });

  test('bad input: not a JWT, no token, a token without cnf, an unreadable --cert; the input is never echoed', async () => {
    const noCnf = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"aud":"x"}').toString('base64url')}.`;
    const cases: Array<[string[], string]> = [
      [['decode', 'not.a-jwt-secretish'], 'ERR_MTLS_INVALID_ARGUMENT'],
      [['decode'], 'ERR_MTLS_INVALID_ARGUMENT'],
      [['decode', token, token], 'ERR_MTLS_INVALID_ARGUMENT'],
      [['decode', noCnf, '--cert', file('cert.pem')], 'ERR_MTLS_BINDING_MISMATCH'],
      [['decode', token, '--cert', file('junk.pem')], 'ERR_MTLS_INVALID_CERTIFICATE'],
      [['decode', token, '--cert', file('missing.pem')], 'ERR_MTLS_INVALID_ARGUMENT'],
    ];
    for (const [argv, code] of cases) {
      const io = capture();
      expect(await main(argv, io, {})).toBe(1);
      expect(io.stderr.at(-1)).toMatch(new RegExp(`^${code}: `));
      expect(io.stderr.join('\n')).not.toContain('secretish');
      expect(io.stderr.join('\n')).not.toContain(token.split('.')[1]!.slice(0, 24));
    }
  });

  test('the built binary reads the token from its real stdin', () => {
    const out = execFileSync('node', [join(__dirname, '../../dist/bin.js'), 'decode', '-', '--json'], { input: token, encoding: 'utf8' });
    expect(JSON.parse(out)).toMatchObject({ claims: { appid: clientId }, signatureVerified: false });
  });
});

describe('msal-mtls cert show', () => {
  test('a PEM file: subject, issuer, validity and time left, SHA-1 and x5t#S256, key type and size', async () => {
    const x509 = new X509Certificate(cert.certPem);
    const json = capture();
    expect(await main(['cert', 'show', file('cert.pem'), '--json'], json, {})).toBe(0);
    const info = JSON.parse(json.stdout[0]!) as Record<string, unknown>;
    expect(info).toMatchObject({
      subject: expect.stringContaining('CN=decode app'),
      issuer: x509.issuer.split('\n').join(', '),
      notBefore: new Date(x509.validFrom).toISOString(),
      notAfter: new Date(x509.validTo).toISOString(),
      expired: false,
      sha1Thumbprint: x509.fingerprint.replace(/:/g, ''),
      x5tS256: cert.x5tS256,
      keyType: 'RSA',
      keySize: 2048,
      curve: null,
    });
    expect(Math.abs((info.remainingSeconds as number) - (Date.parse(x509.validTo) - Date.now()) / 1000)).toBeLessThan(5);

    const text = capture();
    expect(await main(['cert', 'show', file('cert.pem')], text, {})).toBe(0);
    expect(text.stdout.join('\n')).toMatch(/x5t#S256: +\S+\n[^]*key: +RSA 2048 bits/);
    expect(text.stdout.join('\n')).toMatch(/remaining: +\d+d \d+h/);
    expect(text.stdout.join('\n')).not.toContain('BEGIN CERTIFICATE');
  });

  test('an EC certificate and an expired one', async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes', '-keyout', file('ec-key.pem'), '-out', file('ec.pem'), '-days', '1', '-subj', '/CN=ec'], { stdio: 'ignore' });
    const io = capture();
    expect(await main(['cert', 'show', file('ec.pem'), '--json'], io, {})).toBe(0);
    expect(JSON.parse(io.stdout[0]!)).toMatchObject({ keyType: 'EC', curve: 'secp384r1', keySize: 384 });
    const later = capture();
    const { certCommand } = await import('../../src/commands/cert_show.js');
    expect(await certCommand(['show', file('ec.pem')], later, {}, () => Date.now() + 3 * 86_400_000)).toBe(0);
    expect(later.stdout.join('\n')).toMatch(/remaining: +expired 2d 0h ago/);
  });

  test('--mi: the binding certificate mi-token --persist left, with no IMDS request; none persisted is ERR_IMDS_NO_BINDING_CERTIFICATE', async () => {
    const state = mkdtempSync(join(dir, 'state-'));
    const env = { XDG_STATE_HOME: state };
    const mi = capture();
    expect(await main(['mi-token', '--resource', 'https://graph.microsoft.com', '--imds', emulator.imdsUrl, '--min-key-protection', 'software', '--persist',
      '--connect-to', emulator.connectTo[0]!, '--ca', emulator.caPath, '--json'], mi, env)).toBe(0);
    const thumbprint = (JSON.parse(mi.stdout[0]!) as { bindingCertificateThumbprint: string }).bindingCertificateThumbprint;
    const imdsRequests = emulator.imds.requests.length;

    const io = capture();
    expect(await main(['cert', 'show', '--mi', '--min-key-protection', 'software', '--json'], io, env)).toBe(0);
    expect(JSON.parse(io.stdout[0]!)).toMatchObject({ x5tS256: thumbprint, subject: expect.stringContaining('CN=00000000-1111-2222-3333-444444444444'), expired: false });
    expect(emulator.imds.requests.length).toBe(imdsRequests);

    for (const [argv, environment] of [[['--client-id', 'aaaaaaaa-0000-0000-0000-000000000001'], env], [[], { XDG_STATE_HOME: mkdtempSync(join(dir, 'empty-')) }]] as const) {
      const none = capture();
      expect(await main(['cert', 'show', '--mi', '--min-key-protection', 'software', ...argv, '--json'], none, environment)).toBe(1);
      expect(JSON.parse(none.stdout[0]!)).toMatchObject({ error: 'ERR_IMDS_NO_BINDING_CERTIFICATE' });
    }
  });

  test.each([
    [['cert']],
    [['cert', 'list']],
    [['cert', 'show']],
    [['cert', 'show', 'a.pem', '--mi']],
    [['cert', 'show', 'a.pem', '--client-id', 'x']],
    [['cert', 'show', '--mi', '--client-id', 'a', '--object-id', 'b']],
  ])('%p → ERR_MTLS_INVALID_ARGUMENT', async (argv) => {
    const io = capture();
    expect(await main(argv, io, {})).toBe(1);
    expect(io.stderr[0]).toMatch(/^ERR_MTLS_INVALID_ARGUMENT: /);
  });
});
