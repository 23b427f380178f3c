import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { loadBindingCredential } from '../../src/credential/binding_credential.js';
import { DerError, parseDer, type Asn1 } from '../../src/credential/der.js';
import { parseCertificateChainPem, toX509 } from '../../src/credential/pem.js';
import { readPkcs12 } from '../../src/credential/pkcs12.js';
import { isMtlsError } from '../../src/errors/mtls_error.js';
import { makeCertificate, type TestCertificate } from '../helpers/openssl_certs.js';
import { codedError, fuzz, timed } from './settings.js';

// Certificates, chains, DER and PFX files under fuzz: random bytes, random text, and real files
// with bytes flipped, inserted, removed or cut. Every input ends in a result or a coded error
// (DerError inside the DER reader; MtlsError at the public edges), within a time limit.
let cert: TestCertificate;
let certDer: Buffer;
let pfxNoMac: Buffer;

beforeAll(() => {
  cert = makeCertificate({ cn: 'fuzz' });
  certDer = new X509Certificate(cert.certPem).raw;
  const dir = mkdtempSync(join(tmpdir(), 'msal-mtls-fuzz-'));
  try {
    writeFileSync(join(dir, 'key.pem'), cert.keyPem);
    writeFileSync(join(dir, 'cert.pem'), cert.certPem);
    // Without a MAC, damaged bytes get past the integrity check into decryption and the bag walk.
    execFileSync('openssl', ['pkcs12', '-export', '-nomac', '-inkey', join(dir, 'key.pem'), '-in', join(dir, 'cert.pem'), '-out', join(dir, 'n.pfx'), '-passout', 'pass:fuzz'], { stdio: 'ignore' });
    pfxNoMac = readFileSync(join(dir, 'n.pfx'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A real file damaged: bytes flipped, inserted, removed, and/or the end cut off. */
function damaged(original: () => Buffer): fc.Arbitrary<Buffer> {
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bits: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }) }),
    fc.record({ kind: fc.constant('remove' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 4 }) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  );
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    let bytes = Buffer.from(original());
    for (const e of edits) {
      const at = e.at % Math.max(1, bytes.length);
      if (e.kind === 'flip') bytes[at] = (bytes[at] ?? 0) ^ e.bits;
      else if (e.kind === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), e.bytes, bytes.subarray(at)]);
      else if (e.kind === 'remove') bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + e.count)]);
      else bytes = bytes.subarray(0, at);
    }
    return bytes;
  });
}

/** A valid DER tree, to check the reader against its writer. */
type Node = { tag: number; children: Node[] } | { tag: number; content: Uint8Array };
const node: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ tag: fc.constantFrom(0x02, 0x04, 0x05, 0x06, 0x0c, 0x80, 0x81), content: fc.uint8Array({ maxLength: 300 }) }),
    fc.record({ tag: fc.constantFrom(0x30, 0x31, 0xa0, 0xa3), children: fc.array(tie('node'), { maxLength: 4 }) }),
  ),
})).node;
function encode(n: Node): Buffer {
  const content = 'children' in n ? Buffer.concat(n.children.map(encode)) : Buffer.from(n.content);
  const length = content.length;
  const header = length < 0x80 ? [length] : length < 0x100 ? [0x81, length] : length < 0x10000 ? [0x82, length >> 8, length & 0xff] : [0x83, length >> 16, (length >> 8) & 0xff, length & 0xff];
  return Buffer.concat([Buffer.from([n.tag, ...header]), content]);
}
function same(parsed: Asn1, n: Node): void {
  expect(parsed.tagNumber).toBe(n.tag & 0x1f);
  expect(parsed.constructed).toBe('children' in n);
  if ('children' in n) {
    expect(parsed.children).toHaveLength(n.children.length);
    n.children.forEach((child, i) => same(parsed.children[i]!, child));
  } else expect(Buffer.from(parsed.content).equals(Buffer.from(n.content))).toBe(true);
}

const certificateCodes = ['ERR_MTLS_INVALID_CERTIFICATE'];
const pfxCodes = ['ERR_MTLS_INVALID_CERTIFICATE', 'ERR_MTLS_PFX_BAD_PASSPHRASE', 'ERR_MTLS_PFX_UNSUPPORTED'];

describe('DER reader', () => {
  test('a valid DER tree reads back as written', () => {
    fc.assert(fc.property(node, (n) => {
      const der = encode(n);
      const parsed = parseDer(der);
      expect(parsed.encoded.length).toBe(der.length);
      same(parsed, n);
    }), fuzz(1000));
  });

  test('random and damaged bytes: an element spanning all the input, or a DerError', () => {
    const input = fc.oneof(fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)), damaged(() => certDer), damaged(() => cert.pfx), node.chain((n) => damaged(() => encode(n))));
    fc.assert(fc.property(input, (bytes) => {
      try {
        const parsed = timed(200, () => parseDer(bytes));
        expect(parsed.encoded.length).toBe(bytes.length);
      } catch (error) {
        if (!(error instanceof DerError)) throw error;
      }
    }), fuzz(2000));
  });

  test('deep nesting and huge declared lengths are refused, not followed', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 6 }), (depth, lengthBytes) => {
      const nested = Buffer.concat([Buffer.alloc(depth * 2).map((_, i) => (i % 2 === 0 ? 0x30 : 0x80)), Buffer.alloc(depth * 2)]);
      try {
        timed(200, () => parseDer(nested));
      } catch (error) {
        if (!(error instanceof DerError)) throw error;
      }
      const huge = Buffer.from([0x04, 0x80 | lengthBytes, ...Array.from({ length: lengthBytes }, () => 0xff), 1, 2, 3]);
      expect(() => parseDer(huge)).toThrow(DerError);
    }), fuzz(300));
  });
});

describe('PEM certificates and chains', () => {
  test('any text: certificates, or ERR_MTLS_INVALID_CERTIFICATE', () => {
    const body = fc.oneof(fc.base64String({ maxLength: 400 }), damaged(() => certDer).map((b) => b.toString('base64')), fc.constant(certDer.toString('base64')));
    const block = body.map((b64) => `-----BEGIN CERTIFICATE-----\n${(b64.match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`);
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.array(fc.oneof(block, fc.string({ maxLength: 40 })), { maxLength: 4 }).map((parts) => parts.join('')),
      damaged(() => Buffer.from(cert.certPem)).map((b) => b.toString('latin1')),
    );
    fc.assert(fc.property(text, fc.boolean(), (pem, asBytes) => {
      let chain: X509Certificate[];
      try {
        chain = timed(200, () => parseCertificateChainPem(asBytes ? Buffer.from(pem, 'latin1') : pem, 'certificate.certPem'));
      } catch (error) {
        codedError(error, certificateCodes);
        expect(isMtlsError(error)).toBe(true);
        return;
      }
      expect(chain.length).toBeGreaterThan(0);
      for (const c of chain) expect(c).toBeInstanceOf(X509Certificate);
    }), fuzz(1500));
  });

  test('DER bytes for a chain element: a certificate, or ERR_MTLS_INVALID_CERTIFICATE', () => {
    fc.assert(fc.property(fc.oneof(damaged(() => certDer), fc.uint8Array({ maxLength: 100 }).map((b) => Buffer.from(b))), (der) => {
      try {
        expect(timed(200, () => toX509(der, 'certificate.chain[0]'))).toBeInstanceOf(X509Certificate);
      } catch (error) {
        codedError(error, certificateCodes);
      }
    }), fuzz(1500));
  });

  test('a damaged PEM certificate or key given to loadBindingCredential: a credential or a coded error', () => {
    const part = (pem: () => string): fc.Arbitrary<string> => damaged(() => Buffer.from(pem())).map((b) => b.toString('latin1'));
    fc.assert(fc.property(fc.oneof(part(() => cert.certPem), fc.constant(cert.certPem)), fc.oneof(part(() => cert.keyPem), fc.constant(cert.keyPem)), (certPem, keyPem) => {
      try {
        const credential = timed(500, () => loadBindingCredential({ certPem, keyPem }, Date.now()));
        expect(credential.chain.length).toBeGreaterThan(0);
      } catch (error) {
        codedError(error, ['ERR_MTLS_INVALID_CERTIFICATE', 'ERR_MTLS_KEY_MISMATCH', 'ERR_MTLS_CERTIFICATE_EXPIRED', 'ERR_MTLS_CERTIFICATE_NOT_YET_VALID']);
      }
    }), fuzz(400));
  });
});

describe('PKCS#12 reader', () => {
  test('damaged PFX files (with and without MAC) and random bytes: contents, or a coded error', () => {
    const pfx = fc.oneof(damaged(() => cert.pfx), damaged(() => pfxNoMac), fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)));
    fc.assert(fc.property(pfx, fc.constantFrom(cert.pfxPassphrase, 'fuzz', '', 'wrong'), (bytes, passphrase) => {
      try {
        const contents = timed(3000, () => readPkcs12(bytes, passphrase));
        expect(contents.certificates.length).toBeGreaterThan(0);
        expect(contents.certificates[0]!.checkPrivateKey(contents.key)).toBe(true);
      } catch (error) {
        codedError(error, pfxCodes);
        expect(isMtlsError(error)).toBe(true);
      }
    }), fuzz(600));
  });

  test('the undamaged files still read (the fuzz starts from working inputs)', () => {
    expect(readPkcs12(cert.pfx, cert.pfxPassphrase).certificates[0]!.raw.equals(certDer)).toBe(true);
    expect(readPkcs12(pfxNoMac, 'fuzz').certificates[0]!.raw.equals(certDer)).toBe(true);
  });
});
