import { execFileSync, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCsr, type CsrInput, type CsrSigner } from '../src/csr.js';

// ---- fixtures (each file names its spec section) ----------------------------------------------

const fixture = <T>(name: string): T => JSON.parse(readFileSync(join(__dirname, 'fixtures/csr', name), 'utf8')) as T;
const subjectVector = fixture<{ clientId: string; tenantId: string; subjectHex: string; opensslSubject: string }>('subject.json');
const attributeVector = fixture<{ cuId: { vmId: string }; json: string; attributesPrefixHex: string; attributesHeaderHex: string }>('cuid_attribute.json');
const algorithms = fixture<{ signatureAlgorithmHex: string; versionHex: string; spkiAlgorithmHex: string; extensionRequestOidHex: string }>('algorithms.json');
const selfCheck = fixture<{ clientId: string; tenantId: string; cuId: { vmId: string }; derLength: number; base64Prefix: string; opensslText: string[] }>('self_check.json');

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const ascii = (text: string): string => Buffer.from(text, 'ascii').toString('hex');
const expectedSubject = hex(subjectVector.subjectHex.replace('{tenant}', ascii(subjectVector.tenantId)).replace('{client}', ascii(subjectVector.clientId)));

// ---- an independent DER reader (deliberately not asn1js, so the tests do not grade their own homework)

interface Tlv {
  tag: number;
  /** The whole element: tag, length and content. */
  bytes: Buffer;
  content: Buffer;
}

function readTlv(buf: Buffer, offset = 0): Tlv {
  const tag = buf[offset]!;
  let length = buf[offset + 1]!;
  let header = 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[offset + 2 + i]!;
    header += n;
  }
  if (offset + header + length > buf.length) throw new Error('truncated DER');
  return { tag, bytes: buf.subarray(offset, offset + header + length), content: buf.subarray(offset + header, offset + header + length) };
}

function children(tlv: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let offset = 0; offset < tlv.content.length; ) {
    const child = readTlv(tlv.content, offset);
    out.push(child);
    offset += child.bytes.length;
  }
  return out;
}

function parseCsr(der: Uint8Array): { tbs: Tlv; version: Tlv; subject: Tlv; spki: Tlv; attributes: Tlv; signatureAlgorithm: Tlv; signature: Tlv } {
  const buf = Buffer.from(der);
  const outer = readTlv(buf);
  expect(outer.bytes.length).toBe(buf.length); // nothing trailing
  const top = children(outer);
  expect(top).toHaveLength(3);
  const [tbs, signatureAlgorithm, signature] = top as [Tlv, Tlv, Tlv];
  const info = children(tbs);
  expect(info).toHaveLength(4);
  const [version, subject, spki, attributes] = info as [Tlv, Tlv, Tlv, Tlv];
  return { tbs, version, subject, spki, attributes, signatureAlgorithm, signature };
}

// ---- a Node-crypto signer, as the brief prescribes ---------------------------------------------

const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const spkiDer = publicKey.export({ type: 'spki', format: 'der' });

interface RecordingSigner extends CsrSigner {
  calls: { data: Buffer; options: unknown }[];
}

function nodeSigner(): RecordingSigner {
  const calls: { data: Buffer; options: unknown }[] = [];
  return {
    calls,
    publicKeySpki: () => new Uint8Array(spkiDer),
    sign: async (data, options) => {
      calls.push({ data: Buffer.from(data), options });
      return crypto.sign('sha256', data, { key: privateKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    },
  };
}

const baseInput = (signer: CsrSigner = nodeSigner()): CsrInput => ({
  clientId: selfCheck.clientId,
  tenantId: selfCheck.tenantId,
  cuId: selfCheck.cuId,
  signer,
});

function verifyPss(der: Uint8Array, saltLength: number): boolean {
  const { tbs, signature } = parseCsr(der);
  return crypto.verify('sha256', tbs.bytes, { key: publicKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength }, signature.content.subarray(1));
}

async function expectMisuse(promise: Promise<unknown>, type: typeof TypeError | typeof RangeError, name: RegExp): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  expect((error as { code?: string }).code).toBe('ERR_MTLS_INVALID_ARGUMENT');
  expect((error as Error).message).toMatch(name);
}

// ---- known answers (spec §3.2-3.6) -------------------------------------------------------------

describe('buildCsr known answers', () => {
  test('subject Name is the spec §3.3 worked bytes (DC IA5String first, then CN PrintableString)', async () => {
    const { der } = await buildCsr({ ...baseInput(), clientId: subjectVector.clientId, tenantId: subjectVector.tenantId });
    expect(parseCsr(der).subject.bytes.toString('hex')).toBe(expectedSubject.toString('hex'));
  });

  test('attributes are [0] { cuId attribute } with the spec §3.4 bytes and nothing else', async () => {
    const { der } = await buildCsr({ ...baseInput(), cuId: attributeVector.cuId });
    const { attributes } = parseCsr(der);
    expect(attributes.bytes.subarray(0, hex(attributeVector.attributesPrefixHex).length).toString('hex')).toBe(hex(attributeVector.attributesPrefixHex).toString('hex'));
    // Whole element: the header bytes followed by exactly the JSON text.
    expect(attributes.bytes.toString('hex')).toBe(hex(attributeVector.attributesHeaderHex).toString('hex') + ascii(attributeVector.json));
    expect(children(attributes)).toHaveLength(1);
  });

  test('signatureAlgorithm is exactly the spec §3.5 bytes (no NULL, no trailerField)', async () => {
    const { der } = await buildCsr(baseInput());
    expect(parseCsr(der).signatureAlgorithm.bytes.toString('hex')).toBe(hex(algorithms.signatureAlgorithmHex).toString('hex'));
  });

  test('version is INTEGER 0 and the SPKI is the signer’s bytes as-is (spec §3.2)', async () => {
    const { der } = await buildCsr(baseInput());
    const { version, spki } = parseCsr(der);
    expect(version.bytes.toString('hex')).toBe(hex(algorithms.versionHex).toString('hex'));
    expect(spki.bytes.equals(spkiDer)).toBe(true);
    expect(children(spki)[0]!.bytes.toString('hex')).toBe(hex(algorithms.spkiAlgorithmHex).toString('hex'));
  });

  test('CertificationRequestInfo is the spec §3.2 layout assembled by hand, and no extensionRequest', async () => {
    const { der } = await buildCsr(baseInput());
    const body = Buffer.concat([hex(algorithms.versionHex), expectedSubject, spkiDer, hex(attributeVector.attributesHeaderHex), Buffer.from(attributeVector.json, 'ascii')]);
    const header = Buffer.from([0x30, 0x82, body.length >> 8, body.length & 0xff]);
    expect(parseCsr(der).tbs.bytes.toString('hex')).toBe(Buffer.concat([header, body]).toString('hex'));
    expect(Buffer.from(der).indexOf(hex(algorithms.extensionRequestOidHex))).toBe(-1);
  });

  test('signature is a BIT STRING with 0 unused bits holding 256 bytes', async () => {
    const { der } = await buildCsr(baseInput());
    const { signature } = parseCsr(der);
    expect(signature.tag).toBe(0x03);
    expect(signature.content[0]).toBe(0x00);
    expect(signature.content.length).toBe(1 + 256);
  });

  test('spec §3.6 self-check: 799 bytes, base64 prefix', async () => {
    const { der, base64 } = await buildCsr(baseInput());
    expect(der.length).toBe(selfCheck.derLength);
    expect(base64.startsWith(selfCheck.base64Prefix)).toBe(true);
  });
});

// ---- signing (spec §3.5) -------------------------------------------------------------------------

describe('buildCsr signing', () => {
  test('calls the signer once, with RSA-PSS/SHA-256 over exactly the embedded CertificationRequestInfo', async () => {
    const signer = nodeSigner();
    const { der } = await buildCsr(baseInput(signer));
    expect(signer.calls).toHaveLength(1);
    expect(signer.calls[0]!.options).toEqual({ algorithm: 'RSA-PSS', hash: 'SHA-256' });
    expect(signer.calls[0]!.data.equals(parseCsr(der).tbs.bytes)).toBe(true);
  });

  test('node:crypto verifies the signature as PSS with salt length 32 (and not 20)', async () => {
    const { der } = await buildCsr(baseInput());
    expect(verifyPss(der, 32)).toBe(true);
    expect(verifyPss(der, 20)).toBe(false);
  });

  test('a signer that scribbles over its input buffer cannot change what is embedded', async () => {
    const honest = nodeSigner();
    const signer: CsrSigner = {
      publicKeySpki: honest.publicKeySpki,
      sign: async (data, options) => {
        const signature = await honest.sign(data, options);
        data.fill(0);
        return signature;
      },
    };
    const { der } = await buildCsr(baseInput(signer));
    expect(verifyPss(der, 32)).toBe(true);
  });

  test('a signer that rejects makes buildCsr reject with that very error', async () => {
    const failure = new Error('NCryptSignHash failed');
    const signer: CsrSigner = { publicKeySpki: () => new Uint8Array(spkiDer), sign: () => Promise.reject(failure) };
    await expect(buildCsr(baseInput(signer))).rejects.toBe(failure);
  });

  test('a signer whose publicKeySpki throws makes buildCsr reject with that error', async () => {
    const failure = new Error('key gone');
    const signer: CsrSigner = {
      publicKeySpki: () => {
        throw failure;
      },
      sign: async () => new Uint8Array(256),
    };
    await expect(buildCsr(baseInput(signer))).rejects.toBe(failure);
  });

  test.each([0, 255, 257, 512])('a %i-byte signature is refused (RSA-2048 signatures are 256 bytes)', async (length) => {
    const signer: CsrSigner = { publicKeySpki: () => new Uint8Array(spkiDer), sign: async () => new Uint8Array(length) };
    await expectMisuse(buildCsr(baseInput(signer)), RangeError, /^signer\.sign\(\) result must be 256 bytes/);
  });

  test('a signer returning something other than bytes is refused', async () => {
    const signer = { publicKeySpki: () => new Uint8Array(spkiDer), sign: async () => 'c2lnbmF0dXJl' } as unknown as CsrSigner;
    await expectMisuse(buildCsr(baseInput(signer)), TypeError, /^signer\.sign\(\) result must be a Uint8Array/);
  });
});

// ---- base64 (spec §3.6) --------------------------------------------------------------------------

describe('buildCsr base64', () => {
  test('is one line of standard base64 that decodes to der', async () => {
    const { der, base64 } = await buildCsr(baseInput());
    expect(base64).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(base64).not.toMatch(/[\r\n]/);
    expect(base64.length % 4).toBe(0);
    expect(Buffer.from(base64, 'base64').equals(Buffer.from(der))).toBe(true);
    expect(der).toBeInstanceOf(Uint8Array);
  });
});

// ---- openssl (spec §3.6 self-check) --------------------------------------------------------------

describe('buildCsr through openssl', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'msal-mtls-csr-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const openssl = (args: string[]): string => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  // OpenSSL 3.0 exits 0 even when the self-signature does not verify (later versions exit 1), so the
  // verdict is read from its message as well as the exit status.
  const opensslVerify = (file: string): { ok: boolean; output: string } => {
    const run = spawnSync('openssl', ['req', '-inform', 'DER', '-in', file, '-verify', '-noout'], { encoding: 'utf8' });
    if (run.error) throw run.error; // openssl missing: fail loudly rather than skip
    const output = `${run.stdout}${run.stderr}`;
    return { ok: run.status === 0 && /self-signature verify OK/.test(output) && !/fail/i.test(output), output };
  };

  test('openssl verifies the self-signature and shows every field of spec §3.6', async () => {
    const { der } = await buildCsr(baseInput());
    const file = join(dir, 'vm.der');
    writeFileSync(file, der);
    const verdict = opensslVerify(file);
    expect(verdict.output).toContain('self-signature verify OK');
    expect(verdict.ok).toBe(true);
    const text = openssl(['req', '-inform', 'DER', '-in', file, '-text', '-noout']);
    for (const expected of selfCheck.opensslText) expect(text).toContain(expected);
    expect(text).toContain(`Subject: ${subjectVector.opensslSubject}`);
    expect(text).toContain('Public-Key: (2048 bit)');
  });

  test('openssl rejects the CSR when one byte of the signed part changes (the verify step can fail)', async () => {
    const { der } = await buildCsr(baseInput());
    const tampered = Buffer.from(der);
    const at = tampered.indexOf(Buffer.from(selfCheck.clientId, 'ascii'));
    expect(at).toBeGreaterThan(0);
    tampered[at] = '9'.charCodeAt(0); // still a valid PrintableString, so openssl parses it
    const file = join(dir, 'tampered.der');
    writeFileSync(file, tampered);
    expect(opensslVerify(file).ok).toBe(false);
  });

  test('base64 equals openssl’s PEM with BEGIN/END and line breaks removed', async () => {
    const { der, base64 } = await buildCsr(baseInput());
    const file = join(dir, 'pem.der');
    writeFileSync(file, der);
    const pem = openssl(['req', '-inform', 'DER', '-in', file, '-outform', 'PEM']);
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\n/);
    expect(pem.replace(/-----(BEGIN|END) CERTIFICATE REQUEST-----/g, '').replace(/[\r\n]/g, '')).toBe(base64);
  });

  test('a vmssId-only cuId and a vmId+vmssId cuId reach the attribute in order', async () => {
    const vmssId = '11111111-2222-3333-4444-555555555555';
    for (const [cuId, json] of [
      [{ vmssId }, `{"vmssId":"${vmssId}"}`],
      [{ vmssId, vmId: selfCheck.cuId.vmId }, `{"vmId":"${selfCheck.cuId.vmId}","vmssId":"${vmssId}"}`],
    ] as const) {
      const { der } = await buildCsr({ ...baseInput(), cuId });
      const value = children(children(children(parseCsr(der).attributes)[0]!)[1]!)[0]!;
      expect(value.tag).toBe(0x0c); // UTF8String
      expect(value.content.toString('utf8')).toBe(json);
      const file = join(dir, 'cuid.der');
      writeFileSync(file, der);
      expect(openssl(['req', '-inform', 'DER', '-in', file, '-text', '-noout'])).toContain(json);
      expect(opensslVerify(file).ok).toBe(true);
      expect(verifyPss(der, 32)).toBe(true);
    }
  });
});

// ---- misuse --------------------------------------------------------------------------------------

describe('buildCsr misuse', () => {
  test.each([
    ['clientId', { clientId: '' }, TypeError],
    ['clientId', { clientId: '   ' }, TypeError],
    ['clientId', { clientId: 42 }, TypeError],
    ['tenantId', { tenantId: '' }, TypeError],
    ['tenantId', { tenantId: undefined }, TypeError],
    ['clientId', { clientId: 'client_id' }, RangeError], // '_' is not a PrintableString character
    ['clientId', { clientId: 'clïent' }, RangeError],
    ['tenantId', { tenantId: 'tenänt' }, RangeError], // not IA5String
    ['cuId', { cuId: {} }, RangeError],
    ['cuId', { cuId: { vmId: '', vmssId: '' } }, RangeError],
    ['cuId', { cuId: null }, TypeError],
    ['signer', { signer: null }, TypeError],
    ['signer.sign', { signer: { publicKeySpki: () => new Uint8Array(spkiDer) } }, TypeError],
    ['signer.publicKeySpki', { signer: { sign: async () => new Uint8Array(256) } }, TypeError],
  ] as const)('%s: %j → %p', async (name, patch, type) => {
    const signer = nodeSigner();
    await expectMisuse(buildCsr({ ...baseInput(signer), ...(patch as object) } as CsrInput), type, new RegExp(`^${name.replace('.', '\\.')} `));
    expect(signer.calls).toHaveLength(0); // nothing is signed for a bad request
  });

  test('a non-object input is a TypeError', async () => {
    await expectMisuse(buildCsr(null as unknown as CsrInput), TypeError, /^input /);
  });

  const spkiCases: [string, () => unknown][] = [
    ['a string', () => spkiDer.toString('base64')],
    ['garbage bytes', () => new Uint8Array([1, 2, 3])],
    ['an EC P-256 key', () => crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' })],
    ['an RSA-1024 key', () => crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' })],
    ['an RSA-3072 key', () => crypto.generateKeyPairSync('rsa', { modulusLength: 3072 }).publicKey.export({ type: 'spki', format: 'der' })],
    ['an id-RSASSA-PSS key', () => crypto.generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' })],
    // Same key, outer length in a non-minimal long form: BER, not DER.
    ['a non-DER encoding', () => Buffer.concat([Buffer.from([0x30, 0x83, 0x00]), spkiDer.subarray(2)])],
  ];
  test.each(spkiCases)('an SPKI that is %s is refused before signing', async (_label, make) => {
    const signer = nodeSigner();
    const spki = make();
    const bad: CsrSigner = { publicKeySpki: () => spki as Uint8Array, sign: signer.sign };
    const error: unknown = await buildCsr(baseInput(bad)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error instanceof TypeError || error instanceof RangeError).toBe(true);
    expect((error as { code?: string }).code).toBe('ERR_MTLS_INVALID_ARGUMENT');
    expect((error as Error).message).toMatch(/^signer\.publicKeySpki\(\)/);
    expect(signer.calls).toHaveLength(0);
  });
});
