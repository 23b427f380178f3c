import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type ClientCertificate, type Emulator } from '@msal-mtls/emulator';
import { main } from '../src/main.js';
import type { Io } from '../src/output.js';

// Bad command lines: exit code 1 and `CODE: message` on stderr (with --json also { error: CODE }
// on stdout), before any network call: the emulator every command points at sees no request.
const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const clientId = '11111111-2222-3333-4444-555555555555';
const passphrase = 'cli-secret-passphrase';
let emu: Emulator;
let cert: ClientCertificate;
let dir: string;
const file = (name: string): string => join(dir, name);

beforeAll(async () => {
  emu = await startEmulator();
  cert = emu.createClientCertificate({ commonName: 'cli bad flags' });
  const other = emu.createClientCertificate({ commonName: 'another' });
  emu.registerApplication({ clientId, tenantId, certificates: [cert.certPem] });
  dir = mkdtempSync(join(tmpdir(), 'msal-mtls-cli-bad-'));
  writeFileSync(file('cert.pem'), cert.certPem);
  writeFileSync(file('key.pem'), cert.keyPem, { mode: 0o600 });
  writeFileSync(file('other-key.pem'), other.keyPem, { mode: 0o600 });
  writeFileSync(file('garbage.pem'), 'this is not a certificate\n');
  writeFileSync(file('junk-ca.pem'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
  execFileSync('openssl', ['pkcs12', '-export', '-inkey', file('key.pem'), '-in', file('cert.pem'), '-out', file('cert.pfx'), '-passout', `pass:${passphrase}`], { stdio: 'ignore' });
  writeFileSync(file('garbage.pfx'), Buffer.from('30820aff02010330', 'hex'));
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const day = 86_400_000;
  const expired = emu.ca.issueCertificate({
    subjectPublicKeySpki: pair.publicKey.export({ type: 'spki', format: 'der' }), subject: 'expired',
    notBefore: new Date(Date.now() - 30 * day), notAfter: new Date(Date.now() - day), extKeyUsage: ['clientAuth'],
  });
  writeFileSync(file('expired.pem'), expired.certPem);
  writeFileSync(file('expired-key.pem'), pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
});
afterAll(async () => {
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => emu.reset());

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

/** A good `token` command line with `replace` swapped in (a flag and its value; `null` drops the flag) and `extra` appended. */
function token(replace: Record<string, string | null> = {}, ...extra: string[]): string[] {
  const flags: Record<string, string | null> = {
    '--client-id': clientId, '--authority': `https://login.microsoftonline.com/${tenantId}`, '--region': 'eastus',
    '--cert': file('cert.pem'), '--key': file('key.pem'), '--scope': 'https://graph.microsoft.com/.default',
    '--connect-to': emu.connectTo[0]!, '--ca': emu.caPath, ...replace,
  };
  return ['token', ...Object.entries(flags).flatMap(([flag, value]) => (value === null ? [] : [flag, value])), ...extra];
}
function miToken(replace: Record<string, string | null> = {}, ...extra: string[]): string[] {
  const flags: Record<string, string | null> = {
    '--resource': 'https://graph.microsoft.com', '--imds': emu.imdsUrl, '--min-key-protection': 'in-memory',
    '--connect-to': emu.connectTo[0]!, '--ca': emu.caPath, ...replace,
  };
  return ['mi-token', ...Object.entries(flags).flatMap(([flag, value]) => (value === null ? [] : [flag, value])), ...extra];
}

const invalid = 'ERR_MTLS_INVALID_ARGUMENT';
const cases: Array<[string, string, () => string[], NodeJS.ProcessEnv?]> = [
  ['an unknown command', invalid, () => ['tokens']],
  ['an unknown flag', invalid, () => token({}, '--client-secret', 'x')],
  ['a stray positional', invalid, () => token({}, 'graph')],
  ['a boolean flag given a value', invalid, () => token({}, '--force-refresh=yes')],
  ['--client-id missing', invalid, () => token({ '--client-id': null })],
  ['--client-id empty', invalid, () => token({ '--client-id': '' })],
  ['--scope missing', invalid, () => token({ '--scope': null })],
  ['--scope empty', invalid, () => token({ '--scope': '' })],
  ['--scope 300 times', invalid, () => token({}, ...Array.from({ length: 300 }, (_, i) => ['--scope', `https://r${i}.example/.default`]).flat())],
  ['--authority not a URL', 'ERR_MTLS_INVALID_AUTHORITY', () => token({ '--authority': 'login.microsoftonline.com' })],
  ['--authority over http', 'ERR_MTLS_INVALID_AUTHORITY', () => token({ '--authority': `http://login.microsoftonline.com/${tenantId}` })],
  ['--authority /organizations', 'ERR_MTLS_TENANTLESS_AUTHORITY', () => token({ '--authority': 'https://login.microsoftonline.com/organizations' })],
  ['--region with a space', 'ERR_MTLS_INVALID_REGION', () => token({ '--region': 'east us' })],
  ['--cert a missing file', invalid, () => token({ '--cert': file('nope.pem') })],
  ['--cert a file that is not PEM', 'ERR_MTLS_INVALID_CERTIFICATE', () => token({ '--cert': file('garbage.pem') })],
  ['--key a file that is not PEM', 'ERR_MTLS_INVALID_CERTIFICATE', () => token({ '--key': file('garbage.pem') })],
  ['--key of another certificate', 'ERR_MTLS_KEY_MISMATCH', () => token({ '--key': file('other-key.pem') })],
  ['--cert without --key', invalid, () => token({ '--key': null })],
  ['an expired certificate', 'ERR_MTLS_CERTIFICATE_EXPIRED', () => token({ '--cert': file('expired.pem'), '--key': file('expired-key.pem') })],
  ['--pfx with a wrong --passphrase', 'ERR_MTLS_PFX_BAD_PASSPHRASE', () => token({ '--cert': null, '--key': null, '--pfx': file('cert.pfx'), '--passphrase': 'wrong' })],
  ['--pfx with a wrong MSAL_MTLS_PASSPHRASE', 'ERR_MTLS_PFX_BAD_PASSPHRASE', () => token({ '--cert': null, '--key': null, '--pfx': file('cert.pfx') }), { MSAL_MTLS_PASSPHRASE: 'wrong' }],
  ['--pfx that is not a PFX', 'ERR_MTLS_INVALID_CERTIFICATE', () => token({ '--cert': null, '--key': null, '--pfx': file('garbage.pfx'), '--passphrase': passphrase })],
  ['--pfx that is PEM', 'ERR_MTLS_INVALID_CERTIFICATE', () => token({ '--cert': null, '--key': null, '--pfx': file('cert.pem'), '--passphrase': passphrase })],
  ['--pfx and --cert together', invalid, () => token({ '--pfx': file('cert.pfx'), '--passphrase': passphrase })],
  ['--connect-to malformed', invalid, () => token({ '--connect-to': 'nope' })],
  ['--ca a missing file', invalid, () => token({ '--ca': file('nope.pem') })],
  ['--ca a file that is not PEM', invalid, () => token({ '--ca': file('garbage.pem') })],
  ['--ca PEM armour around junk', invalid, () => token({ '--ca': file('junk-ca.pem') })],
  ['--correlation-id with a space', invalid, () => token({}, '--correlation-id', 'a b')],
  ['mi-token: --resource missing', invalid, () => miToken({ '--resource': null })],
  ['mi-token: --resource empty', invalid, () => miToken({ '--resource': '' })],
  ['mi-token: --resource of 100 KB', invalid, () => miToken({ '--resource': `https://graph.microsoft.com/${'a'.repeat(100_000)}` })],
  ['mi-token: --imds not a URL', invalid, () => miToken({ '--imds': '169.254.169.254' })],
  ['mi-token: --min-key-protection unknown', invalid, () => miToken({ '--min-key-protection': 'tpm' })],
  ['mi-token: two identities', invalid, () => miToken({}, '--client-id', 'a', '--object-id', 'b')],
  ['mi-token: --client-id that smuggles a parameter', invalid, () => miToken({}, '--client-id', 'a&resource=x')],
  ['mi-token: --ca a file that is not PEM', invalid, () => miToken({ '--ca': file('garbage.pem') })],
  ['mi-token: --ca PEM armour around junk', invalid, () => miToken({ '--ca': file('junk-ca.pem') })],
  ['mi-token: --connect-to malformed', invalid, () => miToken({ '--connect-to': 'x:y' })],
  ['mi-token: --correlation-id with a line break', invalid, () => miToken({}, '--correlation-id', 'a\nb')],
  ['mi-token: --attestation with no provider here', 'ERR_IMDS_ATTESTATION_UNAVAILABLE', () => miToken({}, '--attestation')],
];

test.each(cases)('%s → %s, no request', async (_name, code, argv, env = {}) => {
  for (const json of [false, true]) {
    emu.reset();
    const io = capture();
    expect(await main(json ? [...argv(), '--json'] : argv(), io, { XDG_STATE_HOME: dir, ...env })).toBe(1);
    // The last line: mi-token's progress lines (`step: key 0 ms`) may come before it.
    expect(io.stderr.at(-1)).toMatch(new RegExp(`^${code}: .{20,}`));
    expect(io.stderr.slice(0, -1).every((l) => l.startsWith('step: '))).toBe(true);
    if (json) expect(JSON.parse(io.stdout[0]!)).toMatchObject({ error: code });
    else expect(io.stdout).toEqual([]);
    const all = [...io.stdout, ...io.stderr].join('\n');
    expect(all).not.toContain(passphrase);
    expect(all).not.toContain(cert.keyPem.split('\n')[2]!);
    expect({ token: emu.tokenRequests.length, imds: emu.imds.requests.length, handshakes: emu.stats.tlsHandshakes }).toEqual({ token: 0, imds: 0, handshakes: 0 });
  }
});

test('the good command lines the cases start from succeed (so each case fails for its own reason)', async () => {
  const io = capture();
  expect(await main(token(), io, {})).toBe(0);
  expect(await main(token({ '--cert': null, '--key': null, '--pfx': file('cert.pfx'), '--passphrase': passphrase }), io, {})).toBe(0);
  expect(await main(miToken(), io, { XDG_STATE_HOME: dir })).toBe(0);
  expect(emu.tokenRequests).toHaveLength(3);
});
