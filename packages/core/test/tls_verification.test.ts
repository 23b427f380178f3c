import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

// No code path may turn TLS verification off. The only allowed place is the emulator's own
// server, which asks for client certificates and judges them in HTTP, as Entra does. Searched:
// every package's src/ and built dist/, the native addon's sources, and the bench scripts.
const root = join(__dirname, '../../..');
const allowed = new Set(['packages/emulator/src/server.ts', 'packages/emulator/dist/server.js']);
// The Schannel transport waives exactly these two WinHTTP checks, and only when our own check
// replaces them before any byte is sent (native/src/winhttp_server_check.cc, server_trust.cc:
// the chain must end in a system root or, byte for byte, one of the extra roots, and the name is
// checked against the original host). packages/cng/test/wine/winhttp_session.test.ts proves an
// untrusted server receives nothing. Any other flag, anywhere, is still a hit.
const waived = new Map<string, RegExp>([
  ['native/src/winhttp_exchange.cc', /SECURITY_FLAG_IGNORE_(UNKNOWN_CA|CERT_CN_INVALID)\b/g],
  ['native/src/server_trust.cc', /SECURITY_FLAG_IGNORE_(UNKNOWN_CA|\*)/g],
]);
const forbidden: ReadonlyArray<[string, RegExp]> = [
  ['rejectUnauthorized set to anything but true', /rejectUnauthorized['"]?\s*[:=](?!\s*true\b)/],
  ['rejectUnauthorized passed as a shorthand property', /[{,]\s*rejectUnauthorized\s*[,}]/],
  ['NODE_TLS_REJECT_UNAUTHORIZED', /NODE_TLS_REJECT_UNAUTHORIZED/],
  ['a custom checkServerIdentity', /checkServerIdentity/],
  ['insecureHTTPParser', /insecureHTTPParser/],
  ['TLS below 1.2', /(minVersion|secureProtocol)\s*:\s*['"](TLSv1(\.1)?|SSLv\d\w*|TLSv1_1?_?\w*method)['"]/],
  ['Schannel manual validation or ignore flags', /SCH_CRED_MANUAL_CRED_VALIDATION|SCH_CRED_NO_SERVERNAME_CHECK|SECURITY_FLAG_IGNORE_\w+|SSL_VERIFY_NONE/],
];

function* files(dir: string, extensions: readonly string[]): Generator<string> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path, extensions);
    else if (extensions.some((ext) => path.endsWith(ext))) yield path;
  }
}

/** Every (file, rule) that breaks the rules under the searched folders of `base`. */
function scan(base: string): { hits: string[]; scanned: { dist: number; src: number } } {
  const hits: string[] = [];
  const scanned = { dist: 0, src: 0 };
  const check = (file: string): void => {
    const name = relative(base, file);
    if (allowed.has(name)) return;
    const raw = readFileSync(file, 'utf8');
    const waiver = waived.get(name);
    const text = waiver === undefined ? raw : raw.replace(waiver, 'WAIVED');
    for (const [rule, pattern] of forbidden) if (pattern.test(text)) hits.push(`${name}: ${rule}`);
  };
  for (const pkg of readdirSync(join(base, 'packages'))) {
    for (const file of files(join(base, 'packages', pkg, 'dist'), ['.js', '.cjs', '.mjs'])) {
      scanned.dist++;
      check(file);
    }
    for (const file of files(join(base, 'packages', pkg, 'src'), ['.ts', '.js', '.cc', '.cpp', '.h'])) {
      scanned.src++;
      check(file);
    }
  }
  for (const file of [...files(join(base, 'native', 'src'), ['.cc', '.cpp', '.h']), ...files(join(base, 'bench'), ['.js', '.mjs', '.cjs', '.ts'])]) {
    scanned.src++;
    check(file);
  }
  return { hits, scanned };
}

test('the waived WinHTTP checks are replaced by our own chain and name check', () => {
  const trust = readFileSync(join(root, 'native/src/server_trust.cc'), 'utf8');
  expect(trust).toMatch(/CertVerifyCertificateChainPolicy/);
  expect(trust).toMatch(/IsExtraRoot\(root\)/);
  expect(readFileSync(join(root, 'native/src/winhttp_server_check.cc'), 'utf8')).toMatch(/WINHTTP_CALLBACK_STATUS_SENDING_REQUEST|SENDING_REQUEST/);
});

test('no package, built or source, disables TLS verification', () => {
  const { hits, scanned } = scan(root);
  expect(scanned.dist).toBeGreaterThan(50);
  expect(scanned.src).toBeGreaterThan(50);
  expect(hits).toEqual([]);
});

test('the scan finds each forbidden form (outside the emulator server) in src and dist', () => {
  const fake = mkdtempSync(join(tmpdir(), 'msal-mtls-tls-scan-'));
  try {
    const write = (path: string, text: string): void => {
      const full = join(fake, path);
      mkdirSync(join(full, '..'), { recursive: true });
      writeFileSync(full, text);
    };
    write('packages/a/src/a.ts', 'https.request({ host, rejectUnauthorized: false });');
    write('packages/a/src/b.ts', "const o = { rejectUnauthorized };\nprocess.env['NODE_TLS_REJECT_UNAUTHORIZED'] = '0';");
    write('packages/a/dist/c.js', 'tls.connect({ checkServerIdentity: () => undefined });');
    write('packages/a/dist/d.js', "const x = { insecureHTTPParser: true, minVersion: 'TLSv1' };");
    write('packages/a/src/e.ts', 'const agent = new Agent({ rejectUnauthorized: !verify });');
    write('packages/a/src/ok.ts', 'const agent = new Agent({ rejectUnauthorized: true });');
    write('native/src/f.cc', 'cred.dwFlags |= SCH_CRED_MANUAL_CRED_VALIDATION;');
    write('packages/emulator/src/server.ts', 'createServer({ requestCert: true, rejectUnauthorized: false });');
    const { hits } = scan(fake);
    expect(hits.sort()).toEqual([
      'native/src/f.cc: Schannel manual validation or ignore flags',
      'packages/a/dist/c.js: a custom checkServerIdentity',
      'packages/a/dist/d.js: TLS below 1.2',
      'packages/a/dist/d.js: insecureHTTPParser',
      'packages/a/src/a.ts: rejectUnauthorized set to anything but true',
      'packages/a/src/b.ts: NODE_TLS_REJECT_UNAUTHORIZED',
      'packages/a/src/b.ts: rejectUnauthorized passed as a shorthand property',
      'packages/a/src/e.ts: rejectUnauthorized set to anything but true',
    ]);
  } finally {
    rmSync(fake, { recursive: true, force: true });
  }
});
