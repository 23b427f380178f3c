import { execFileSync } from 'node:child_process';
import { X509Certificate, createDecipheriv, createHash, createHmac, createPrivateKey, sign, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDer, readOctetString, readSequence } from '../../src/credential/der.js';
import { readPkcs12, type Pkcs12Contents } from '../../src/credential/pkcs12.js';
import type { ErrorCode } from '../../src/errors/codes.js';
import { isMtlsError } from '../../src/errors/mtls_error.js';

// ---- fixtures: a root and an intermediate CA (EC), an RSA leaf and an EC leaf, all by openssl ----

let dir: string;
const file = (name: string): string => join(dir, name);
const openssl = (...args: string[]): void => {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
};
const certDer = (pem: string): Buffer => new X509Certificate(readFileSync(file(pem))).raw;
const keyDer = (pem: string): Buffer => createPrivateKey(readFileSync(file(pem))).export({ type: 'pkcs8', format: 'der' });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pkcs12-test-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  openssl('req', '-x509', ...ec, '-nodes', '-subj', '/CN=Test Root', '-days', '2', '-keyout', 'root.key', '-out', 'root.pem');
  openssl('req', '-x509', ...ec, '-nodes', '-subj', '/CN=Test Intermediate', '-days', '2', '-keyout', 'inter.key', '-out', 'inter.pem',
    '-CA', 'root.pem', '-CAkey', 'root.key', '-addext', 'basicConstraints=critical,CA:TRUE');
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=RSA Leaf', '-days', '2', '-keyout', 'leaf.key', '-out', 'leaf.pem',
    '-CA', 'inter.pem', '-CAkey', 'inter.key');
  openssl('req', '-x509', ...ec, '-nodes', '-subj', '/CN=EC Leaf', '-days', '2', '-keyout', 'leafec.key', '-out', 'leafec.pem',
    '-CA', 'inter.pem', '-CAkey', 'inter.key');
  // A second certificate for the RSA leaf's key, as after a renewal.
  openssl('req', '-x509', '-key', 'leaf.key', '-subj', '/CN=RSA Leaf renewed', '-days', '2', '-out', 'leaf2.pem', '-CA', 'inter.pem', '-CAkey', 'inter.key');
  execFileSync('sh', ['-c', 'cat inter.pem root.pem > chain.pem && cat root.pem inter.pem leaf.pem > reversed.pem'], { cwd: dir });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `openssl pkcs12 -export` into a fresh file and returns its bytes. */
let exported = 0;
function exportPfx(args: readonly string[]): Buffer {
  const out = `out${++exported}.pfx`;
  openssl('pkcs12', '-export', '-out', out, ...args);
  return readFileSync(file(out));
}

function expectUsable(contents: Pkcs12Contents, pems: readonly string[]): void {
  // The certificates are the PEMs that went in, byte for byte, in the expected order.
  expect(contents.certificates.map((c) => c.raw.toString('hex'))).toEqual(pems.map((p) => certDer(p).toString('hex')));
  // The key really is the leaf's: sign with it, verify with the leaf's public key.
  const data = Buffer.from('mtls proof of possession');
  const signature = sign('sha256', data, contents.key);
  expect(verify('sha256', data, contents.certificates[0]!.publicKey, signature)).toBe(true);
  expect(contents.key.type).toBe('private');
}

function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

function expectFailure(run: () => unknown, code: ErrorCode, message?: RegExp): Error {
  const error = caught(run);
  expect(isMtlsError(error)).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  if (message) expect((error as Error).message).toMatch(message);
  return error as Error;
}

const rc2Available = ((): boolean => {
  try {
    createDecipheriv('rc2-40-cbc', Buffer.alloc(5), Buffer.alloc(8));
    return true;
  } catch {
    return false;
  }
})();

type Want = { certificates: string[] } | { code: ErrorCode; message?: RegExp };
interface Case {
  name: string;
  opensslArgs: string[];
  passphrase: string;
  want: Want;
}

const rsa = ['-in', 'leaf.pem', '-inkey', 'leaf.key'];
const leafOnly = { certificates: ['leaf.pem'] };

const cases: Case[] = [
  { name: 'default (PBES2 AES-256-CBC, SHA-256 MAC)', opensslArgs: [...rsa, '-passout', 'pass:secret'], passphrase: 'secret', want: leafOnly },
  {
    name: 'PKCS#12 PBE 3-key 3DES, SHA-1 MAC',
    opensslArgs: [...rsa, '-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-macalg', 'sha1', '-passout', 'pass:secret'],
    passphrase: 'secret',
    want: leafOnly,
  },
  {
    name: 'PKCS#12 PBE 2-key 3DES',
    opensslArgs: [...rsa, '-certpbe', 'PBE-SHA1-2DES', '-keypbe', 'PBE-SHA1-2DES', '-passout', 'pass:secret'],
    passphrase: 'secret',
    want: leafOnly,
  },
  {
    name: 'PBES2 with AES-128 (key), AES-192 (certs), SHA-384 MAC',
    opensslArgs: [...rsa, '-keypbe', 'aes-128-cbc', '-certpbe', 'aes-192-cbc', '-macalg', 'sha384', '-passout', 'pass:secret'],
    passphrase: 'secret',
    want: leafOnly,
  },
  {
    name: 'PBES2 with DES-EDE3-CBC, SHA-512 MAC',
    opensslArgs: [...rsa, '-keypbe', 'des-ede3-cbc', '-certpbe', 'des-ede3-cbc', '-macalg', 'sha512', '-passout', 'pass:secret'],
    passphrase: 'secret',
    want: leafOnly,
  },
  { name: 'certificates unencrypted (-certpbe NONE)', opensslArgs: [...rsa, '-certpbe', 'NONE', '-passout', 'pass:secret'], passphrase: 'secret', want: leafOnly },
  {
    name: 'nothing encrypted: plain KeyBag (-keypbe NONE -certpbe NONE)',
    opensslArgs: [...rsa, '-keypbe', 'NONE', '-certpbe', 'NONE', '-passout', 'pass:secret'],
    passphrase: 'secret',
    want: leafOnly,
  },
  { name: 'no MAC (-nomac)', opensslArgs: [...rsa, '-nomac', '-passout', 'pass:secret'], passphrase: 'secret', want: leafOnly },
  {
    name: 'one iteration, MAC iterations field omitted (DEFAULT 1)',
    opensslArgs: [...rsa, '-iter', '1', '-nomaciter', '-passout', 'pass:secret'],
    passphrase: 'secret',
    want: leafOnly,
  },
  { name: 'empty passphrase', opensslArgs: [...rsa, '-passout', 'pass:'], passphrase: '', want: leafOnly },
  {
    name: 'empty passphrase, 3DES PBE, no MAC',
    opensslArgs: [...rsa, '-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-nomac', '-passout', 'pass:'],
    passphrase: '',
    want: leafOnly,
  },
  // UTF-8 for PBES2, BMPString (with a surrogate pair) for the MAC: both encodings must be right.
  { name: 'non-ASCII passphrase', opensslArgs: [...rsa, '-passout', 'pass:pä$$wörd🔑'], passphrase: 'pä$$wörd🔑', want: leafOnly },
  {
    name: 'non-ASCII passphrase, 3DES PBE',
    opensslArgs: [...rsa, '-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-passout', 'pass:pä$$wörd🔑'],
    passphrase: 'pä$$wörd🔑',
    want: leafOnly,
  },
  {
    name: 'chain via -certfile (intermediate, root)',
    opensslArgs: [...rsa, '-certfile', 'chain.pem', '-passout', 'pass:secret'],
    passphrase: 'secret',
    want: { certificates: ['leaf.pem', 'inter.pem', 'root.pem'] },
  },
  {
    name: 'chain given root first',
    opensslArgs: ['-in', 'reversed.pem', '-inkey', 'leaf.key', '-passout', 'pass:secret'],
    passphrase: 'secret',
    want: { certificates: ['leaf.pem', 'root.pem', 'inter.pem'] },
  },
  {
    name: 'EC P-256 key with chain',
    opensslArgs: ['-in', 'leafec.pem', '-inkey', 'leafec.key', '-certfile', 'chain.pem', '-passout', 'pass:secret'],
    passphrase: 'secret',
    want: { certificates: ['leafec.pem', 'inter.pem', 'root.pem'] },
  },
  {
    // OpenSSL 3 keeps RC2 in the legacy provider; Node.js loads it only with --openssl-legacy-provider.
    name: `-legacy (RC2-40 certificates): ${rc2Available ? 'read, RC2 is available' : 'unsupported, RC2 is not available'}`,
    opensslArgs: [...rsa, '-legacy', '-passout', 'pass:secret'],
    passphrase: 'secret',
    want: rc2Available ? leafOnly : { code: 'ERR_MTLS_PFX_UNSUPPORTED', message: /pbeWithSHAAnd40BitRC2-CBC \(OID 1\.2\.840\.113549\.1\.12\.1\.6\).*AES-256/ },
  },
  {
    name: 'MD5 MAC',
    opensslArgs: [...rsa, '-macalg', 'md5', '-passout', 'pass:secret'],
    passphrase: 'secret',
    want: { code: 'ERR_MTLS_PFX_UNSUPPORTED', message: /OID 1\.2\.840\.113549\.2\.5/ },
  },
  { name: 'wrong passphrase', opensslArgs: [...rsa, '-passout', 'pass:secret'], passphrase: 'Secret', want: { code: 'ERR_MTLS_PFX_BAD_PASSPHRASE', message: /MAC/ } },
  { name: 'wrong passphrase, legacy', opensslArgs: [...rsa, '-legacy', '-passout', 'pass:secret'], passphrase: 'not-the-secret', want: { code: 'ERR_MTLS_PFX_BAD_PASSPHRASE' } },
  { name: 'wrong (empty) passphrase', opensslArgs: [...rsa, '-passout', 'pass:secret'], passphrase: '', want: { code: 'ERR_MTLS_PFX_BAD_PASSPHRASE' } },
  { name: 'passphrase given for an empty-passphrase PFX', opensslArgs: [...rsa, '-passout', 'pass:'], passphrase: 'secret', want: { code: 'ERR_MTLS_PFX_BAD_PASSPHRASE' } },
  {
    name: 'wrong passphrase, no MAC (AES padding fails)',
    opensslArgs: [...rsa, '-nomac', '-passout', 'pass:secret'],
    passphrase: 'wrong',
    want: { code: 'ERR_MTLS_PFX_BAD_PASSPHRASE', message: /decrypt/ },
  },
  {
    name: 'wrong passphrase, no MAC, 3DES PBE',
    opensslArgs: [...rsa, '-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-nomac', '-passout', 'pass:secret'],
    passphrase: 'wrong',
    want: { code: 'ERR_MTLS_PFX_BAD_PASSPHRASE', message: /decrypt/ },
  },
  {
    name: 'no key (-nokeys)',
    opensslArgs: ['-in', 'leaf.pem', '-nokeys', '-passout', 'pass:secret'],
    passphrase: 'secret',
    want: { code: 'ERR_MTLS_INVALID_CERTIFICATE', message: /holds no private key/ },
  },
  {
    name: 'no certificate (-nocerts)',
    opensslArgs: ['-inkey', 'leaf.key', '-nocerts', '-passout', 'pass:secret'],
    passphrase: 'secret',
    want: { code: 'ERR_MTLS_INVALID_CERTIFICATE', message: /holds no certificate/ },
  },
];

describe('readPkcs12 on files openssl wrote', () => {
  test.each(cases)('$name', ({ opensslArgs, passphrase, want }) => {
    const pfx = exportPfx(opensslArgs);
    if ('certificates' in want) {
      expectUsable(readPkcs12(pfx, passphrase), want.certificates);
    } else {
      const error = expectFailure(() => readPkcs12(pfx, passphrase), want.code, want.message);
      if (passphrase.length > 0) expect(error.message).not.toContain(passphrase);
    }
  });

  test('accepts a plain Uint8Array as well as a Buffer', () => {
    const pfx = exportPfx([...rsa, '-passout', 'pass:secret']);
    expectUsable(readPkcs12(new Uint8Array(pfx), 'secret'), ['leaf.pem']);
  });
});

describe('readPkcs12 on input that is not a PFX', () => {
  test.each([0.1, 0.5, 0.9, 0.999])('truncated to %f of its length', (fraction) => {
    const pfx = exportPfx([...rsa, '-passout', 'pass:secret']);
    expectFailure(() => readPkcs12(pfx.subarray(0, Math.floor(pfx.length * fraction)), 'secret'), 'ERR_MTLS_INVALID_CERTIFICATE', /not a valid PKCS#12/);
  });

  test('random bytes', () => {
    // Deterministic pseudo-random bytes, with a SEQUENCE-like start to get past the first byte.
    const bytes = Buffer.concat(Array.from({ length: 64 }, (_, i) => createHash('sha256').update(String(i)).digest()));
    expectFailure(() => readPkcs12(bytes, 'secret'), 'ERR_MTLS_INVALID_CERTIFICATE');
    bytes[0] = 0x30;
    expectFailure(() => readPkcs12(bytes, 'secret'), 'ERR_MTLS_INVALID_CERTIFICATE');
  });

  test('empty input', () => {
    expectFailure(() => readPkcs12(Buffer.alloc(0), 'secret'), 'ERR_MTLS_INVALID_CERTIFICATE');
  });

  test('a PEM file', () => {
    expectFailure(() => readPkcs12(readFileSync(file('leaf.pem')), 'secret'), 'ERR_MTLS_INVALID_CERTIFICATE', /PEM/);
  });

  test('a DER certificate', () => {
    expectFailure(() => readPkcs12(certDer('leaf.pem'), 'secret'), 'ERR_MTLS_INVALID_CERTIFICATE');
  });

  test('misuse is a TypeError with ERR_MTLS_INVALID_ARGUMENT', () => {
    const notBytes = caught(() => readPkcs12('MIIK...' as unknown as Uint8Array, 'secret'));
    expect(notBytes).toBeInstanceOf(TypeError);
    expect(notBytes).toMatchObject({ code: 'ERR_MTLS_INVALID_ARGUMENT', message: expect.stringMatching(/^pfx must be a Buffer or Uint8Array/) });
    const notString = caught(() => readPkcs12(Buffer.alloc(4), undefined as unknown as string));
    expect(notString).toBeInstanceOf(TypeError);
    expect(notString).toMatchObject({ code: 'ERR_MTLS_INVALID_ARGUMENT', message: expect.stringMatching(/^passphrase must be a string/) });
  });
});

// ---- hand-built PFX files, for layouts openssl does not write ----

const tlv = (tag: number, ...parts: Uint8Array[]): Buffer => {
  const body = Buffer.concat(parts);
  const length: number[] = [];
  for (let n = body.length; n > 0; n >>= 8) length.unshift(n & 0xff);
  return Buffer.concat([Buffer.from(body.length < 128 ? [tag, body.length] : [tag, 0x80 | length.length, ...length]), body]);
};
/** BER indefinite-length encoding (constructed tags only). */
const indefinite = (tag: number, ...parts: Uint8Array[]): Buffer => Buffer.concat([Buffer.from([tag, 0x80]), ...parts, Buffer.alloc(2)]);
const oid = (dotted: string): Buffer => {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const bytes: number[] = [];
  for (const arc of [a * 40 + b, ...rest]) {
    const digits = [arc & 0x7f];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) digits.unshift(0x80 | (n & 0x7f));
    bytes.push(...digits);
  }
  return tlv(0x06, Buffer.from(bytes));
};
const seq = (...parts: Uint8Array[]): Buffer => tlv(0x30, ...parts);
const set = (...parts: Uint8Array[]): Buffer => tlv(0x31, ...parts);
const octets = (bytes: Uint8Array): Buffer => tlv(0x04, bytes);
const explicit0 = (...parts: Uint8Array[]): Buffer => tlv(0xa0, ...parts);

const bag = (type: string, value: Buffer, keyId?: string): Buffer =>
  seq(oid(type), explicit0(value), ...(keyId === undefined ? [] : [set(seq(oid('1.2.840.113549.1.9.21'), set(octets(Buffer.from(keyId)))))]));
const keyBag = (pem: string, keyId?: string): Buffer => bag('1.2.840.113549.1.12.10.1.1', keyDer(pem), keyId);
const shroudedKeyBag = (encryptedPrivateKeyInfo: Buffer): Buffer => bag('1.2.840.113549.1.12.10.1.2', encryptedPrivateKeyInfo);
const certBag = (pem: string, keyId?: string): Buffer =>
  bag('1.2.840.113549.1.12.10.1.3', seq(oid('1.2.840.113549.1.9.22.1'), explicit0(octets(certDer(pem)))), keyId);
const dataInfo = (...bags: Buffer[]): Buffer => seq(oid('1.2.840.113549.1.7.1'), explicit0(octets(seq(...bags))));
/** The PFX's outer ContentInfo: `data` wrapping the AuthenticatedSafe's encoding. */
const outerInfo = (authSafe: Buffer): Buffer => seq(oid('1.2.840.113549.1.7.1'), explicit0(octets(authSafe)));
/** A PFX without MacData holding the given ContentInfos. */
const handPfx = (...infos: Buffer[]): Buffer => seq(tlv(0x02, Buffer.from([3])), outerInfo(seq(...infos)));

describe('readPkcs12 on hand-built files', () => {
  test('the leaf comes first whatever its place in the file; the rest keep file order', () => {
    const pfx = handPfx(dataInfo(certBag('root.pem'), certBag('inter.pem')), dataInfo(certBag('leaf.pem'), keyBag('leaf.key')));
    expectUsable(readPkcs12(pfx, ''), ['leaf.pem', 'root.pem', 'inter.pem']);
  });

  test('localKeyId picks among certificates sharing the key; without it the first match wins', () => {
    const withIds = handPfx(dataInfo(certBag('leaf.pem', 'old'), certBag('inter.pem'), certBag('leaf2.pem', 'new'), keyBag('leaf.key', 'new')));
    expectUsable(readPkcs12(withIds, 'x'), ['leaf2.pem', 'leaf.pem', 'inter.pem']);
    const withoutIds = handPfx(dataInfo(certBag('leaf.pem'), certBag('inter.pem'), certBag('leaf2.pem'), keyBag('leaf.key')));
    expectUsable(readPkcs12(withoutIds, 'x'), ['leaf.pem', 'inter.pem', 'leaf2.pem']);
  });

  test('a localKeyId pointing at a certificate of another key is not trusted over the public key', () => {
    const pfx = handPfx(dataInfo(certBag('inter.pem', 'id'), certBag('leaf.pem'), keyBag('leaf.key', 'id')));
    expectUsable(readPkcs12(pfx, 'x'), ['leaf.pem', 'inter.pem']);
  });

  test('a key that belongs to no certificate', () => {
    const pfx = handPfx(dataInfo(certBag('leaf.pem'), certBag('root.pem'), keyBag('leafec.key')));
    expectFailure(() => readPkcs12(pfx, 'x'), 'ERR_MTLS_INVALID_CERTIFICATE', /belongs to none of its 2 certificate/);
  });

  test('CRL, secret and non-X.509 certificate bags are skipped; nested SafeContents are read', () => {
    const crlBag = bag('1.2.840.113549.1.12.10.1.4', seq(oid('1.2.840.113549.1.9.23.1'), explicit0(octets(Buffer.from('crl')))));
    const secretBag = bag('1.2.840.113549.1.12.10.1.5', seq(oid('1.2.3.4'), explicit0(octets(Buffer.from('secret')))));
    const sdsiCert = bag('1.2.840.113549.1.12.10.1.3', seq(oid('1.2.840.113549.1.9.22.2'), explicit0(tlv(0x16, Buffer.from('sdsi')))));
    const nested = bag('1.2.840.113549.1.12.10.1.6', seq(certBag('inter.pem'), keyBag('leaf.key')));
    const pfx = handPfx(dataInfo(crlBag, certBag('leaf.pem'), secretBag, sdsiCert, nested));
    expectUsable(readPkcs12(pfx, 'x'), ['leaf.pem', 'inter.pem']);
  });

  test('a certificate bag that does not hold a certificate', () => {
    const broken = bag('1.2.840.113549.1.12.10.1.3', seq(oid('1.2.840.113549.1.9.22.1'), explicit0(octets(Buffer.from('not a certificate')))));
    expectFailure(() => readPkcs12(handPfx(dataInfo(broken, keyBag('leaf.key'))), 'x'), 'ERR_MTLS_INVALID_CERTIFICATE', /Certificate 1 in the PFX cannot be parsed/);
  });

  test('public-key privacy mode (envelopedData) is unsupported', () => {
    const enveloped = seq(oid('1.2.840.113549.1.7.3'), explicit0(seq(tlv(0x02, Buffer.from([0])))));
    expectFailure(() => readPkcs12(handPfx(dataInfo(certBag('leaf.pem')), enveloped), 'x'), 'ERR_MTLS_PFX_UNSUPPORTED', /envelopedData/);
  });

  test('the PFX version must be 3', () => {
    const pfx = seq(tlv(0x02, Buffer.from([2])), outerInfo(seq(dataInfo(certBag('leaf.pem'), keyBag('leaf.key')))));
    expectFailure(() => readPkcs12(pfx, 'x'), 'ERR_MTLS_INVALID_CERTIFICATE', /version 2/);
  });

  // PKCS#8 EncryptedPrivateKeyInfo written by `openssl pkcs8 -topk8`, placed in a ShroudedKeyBag:
  // this reaches the PBKDF2 PRFs that `openssl pkcs12` cannot select.
  test.each([
    ['PBES2 AES-256, HMAC-SHA512 PRF', ['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA512'], undefined],
    ['PBES2 AES-128, HMAC-SHA1 PRF', ['-v2', 'aes-128-cbc', '-v2prf', 'hmacWithSHA1'], undefined],
    ['PBES2 DES-EDE3, HMAC-SHA384 PRF', ['-v2', 'des3', '-v2prf', 'hmacWithSHA384'], undefined],
    ['PBES2 AES-192, HMAC-SHA224 PRF', ['-v2', 'aes-192-cbc', '-v2prf', 'hmacWithSHA224'], undefined],
    ['PKCS#12 PBE 3DES', ['-v1', 'PBE-SHA1-3DES'], undefined],
    ['PBES2 with scrypt', ['-scrypt'], /scrypt key derivation function \(OID 1\.3\.6\.1\.4\.1\.11591\.4\.11\)/],
    ['PBES1 MD5-DES', ['-v1', 'PBE-MD5-DES', '-provider', 'legacy', '-provider', 'default'], /pbeWithMD5AndDES-CBC \(PBES1\) encryption algorithm \(OID 1\.2\.840\.113549\.1\.5\.3\)/],
  ])('shrouded key: %s', (_name, args, unsupported) => {
    openssl('pkcs8', '-topk8', '-in', 'leafec.key', '-outform', 'DER', '-passout', 'pass:key pass', '-out', 'shrouded.der', ...args);
    const pfx = handPfx(dataInfo(shroudedKeyBag(readFileSync(file('shrouded.der'))), certBag('leafec.pem')));
    if (unsupported) {
      expectFailure(() => readPkcs12(pfx, 'key pass'), 'ERR_MTLS_PFX_UNSUPPORTED', unsupported);
    } else {
      expectUsable(readPkcs12(pfx, 'key pass'), ['leafec.pem']);
      expectFailure(() => readPkcs12(pfx, 'wrong pass'), 'ERR_MTLS_PFX_BAD_PASSPHRASE');
    }
  });

  test.each([
    ['the terminator-only BMPString (OpenSSL)', 'hexpass:0000'],
    ['the zero-length password (other writers)', 'pass:'],
  ])('empty passphrase: a MAC keyed with %s verifies', (_name, passOption) => {
    const authSafe = seq(dataInfo(certBag('leaf.pem'), keyBag('leaf.key')));
    const salt = Buffer.from('0102030405060708', 'hex');
    // The MAC key from OpenSSL's own PKCS12KDF (ID 3), so this does not lean on our KDF.
    const kdfArgs = ['kdf', '-keylen', '32', '-kdfopt', 'digest:sha256', '-kdfopt', `hexsalt:${salt.toString('hex')}`, '-kdfopt', 'id:3', '-kdfopt', 'iter:2048', '-kdfopt', passOption, 'PKCS12KDF'];
    const macKey = Buffer.from(execFileSync('openssl', kdfArgs, { encoding: 'utf8' }).trim().replace(/:/g, ''), 'hex');
    const mac = createHmac('sha256', macKey).update(authSafe).digest();
    const macData = seq(seq(seq(oid('2.16.840.1.101.3.4.2.1'), tlv(0x05)), octets(mac)), octets(salt), tlv(0x02, Buffer.from([0x08, 0x00])));
    const pfx = seq(tlv(0x02, Buffer.from([3])), outerInfo(authSafe), macData);
    expectUsable(readPkcs12(pfx, ''), ['leaf.pem']);
    expectFailure(() => readPkcs12(pfx, 'secret'), 'ERR_MTLS_PFX_BAD_PASSPHRASE');
  });

  test('BER: indefinite lengths and a constructed OCTET STRING around a MAC-protected authSafe', () => {
    // Re-encode an openssl PFX the way Windows and Java write it. The MAC covers the OCTET STRING's
    // value, not its encoding, so it must still verify.
    const der = exportPfx([...rsa, '-certfile', 'chain.pem', '-passout', 'pass:secret']);
    const [version, authSafe, macData] = readSequence(parseDer(der), 'PFX');
    const [, content] = readSequence(authSafe, 'authSafe');
    const value = Buffer.from(readOctetString(content!.children[0], 'authSafe value'));
    const toBer = (authSafeValue: Buffer): Buffer => {
      const chunks: Buffer[] = [];
      for (let i = 0; i < authSafeValue.length; i += 500) chunks.push(octets(authSafeValue.subarray(i, i + 500)));
      return indefinite(
        0x30,
        version!.encoded,
        indefinite(0x30, oid('1.2.840.113549.1.7.1'), indefinite(0xa0, indefinite(0x24, ...chunks))),
        macData!.encoded,
      );
    };
    const ber = toBer(value);
    expect(ber.equals(der)).toBe(false);
    expectUsable(readPkcs12(ber, 'secret'), ['leaf.pem', 'inter.pem', 'root.pem']);
    expectFailure(() => readPkcs12(ber, 'wrong'), 'ERR_MTLS_PFX_BAD_PASSPHRASE');
    // A flipped byte inside the protected value fails the MAC.
    const tampered = Buffer.from(value);
    tampered[value.length - 10]! ^= 1;
    expectFailure(() => readPkcs12(toBer(tampered), 'secret'), 'ERR_MTLS_PFX_BAD_PASSPHRASE');
  });
});
