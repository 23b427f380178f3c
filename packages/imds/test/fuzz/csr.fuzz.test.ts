import { spawnSync } from 'node:child_process';
import { constants, generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as fc from 'fast-check';
import { CertificationRequest } from 'pkijs';
import { buildCsr, serializeCuId, type CsrSigner, type CuId } from '../../src/csr.js';
import { codedError, fuzz } from './settings.js';

// The CSR builder on random subjects and compute-unit ids: a CSR whose subject, cuId attribute and
// PSS signature are what went in (checked by decoding it with PKI.js and verifying with node:crypto,
// and a sample with `openssl req -verify`), or a coded TypeError/RangeError; never anything else.
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
const signer: CsrSigner = {
  publicKeySpki: () => spki,
  sign: async (data) => new Uint8Array(sign('sha256', data, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 })),
};

const printable = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 '()+,-./:=?";
const clientId = fc.oneof(
  { weight: 3, arbitrary: fc.uuid() },
  { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...printable), minLength: 1, maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
);
const tenantId = fc.oneof(
  { weight: 3, arbitrary: fc.uuid() },
  { weight: 3, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
);
const cuIdValue = fc.oneof(fc.uuid(), fc.string({ unit: 'binary', maxLength: 100 }), fc.constantFrom('', '"&<>\'+\\`', '\u2028', '\ud800'), fc.jsonValue({ maxDepth: 0 }));
const cuId = fc.oneof(fc.record({ vmId: cuIdValue, vmssId: cuIdValue }, { requiredKeys: [] }), fc.jsonValue({ maxDepth: 1 })) as fc.Arbitrary<CuId>;

/** The subject's (type, value) pairs, in order, and the cuId attribute's text, read back with PKI.js. */
function decode(der: Uint8Array): { subject: Array<[string, string, number]>; attribute: string; tbs: ArrayBuffer; signature: ArrayBuffer; version: number } {
  const parsed = asn1js.fromBER(der);
  expect(parsed.offset).toBe(der.length);
  const request = new CertificationRequest({ schema: parsed.result });
  const subject = request.subject.typesAndValues.map((tv): [string, string, number] => [tv.type, tv.value.valueBlock.value as string, tv.value.idBlock.tagNumber]);
  const attributes = request.attributes ?? [];
  expect(attributes).toHaveLength(1);
  expect(attributes[0]!.type).toBe('1.3.6.1.4.1.311.90.2.10');
  return {
    subject,
    attribute: (attributes[0]!.values[0] as asn1js.Utf8String).valueBlock.value,
    tbs: request.tbsView.slice().buffer,
    signature: request.signatureValue.valueBlock.valueHexView.slice().buffer,
    version: request.version,
  };
}

const verifiedSample: Buffer[] = [];

describe('buildCsr under fuzz', () => {
  test('random subjects and cuIds: a CSR carrying exactly the inputs, or a coded misuse error', async () => {
    await fc.assert(
      fc.asyncProperty(clientId, tenantId, cuId, async (client, tenant, cu) => {
        let csr;
        try {
          csr = await buildCsr({ clientId: client, tenantId: tenant, cuId: cu, signer });
        } catch (error) {
          const { code } = codedError(error, ['ERR_MTLS_INVALID_ARGUMENT']);
          expect(code).toBe('ERR_MTLS_INVALID_ARGUMENT');
          expect(['TypeError', 'RangeError']).toContain((error as Error).name);
          return;
        }
        expect(Buffer.from(csr.der).toString('base64')).toBe(csr.base64);
        const decoded = decode(csr.der);
        expect(decoded.version).toBe(0);
        // DC (IA5String, tag 22) first, then CN (PrintableString, tag 19): spec §3.3.
        expect(decoded.subject).toEqual([['0.9.2342.19200300.100.1.25', tenant, 22], ['2.5.4.3', client, 19]]);
        expect(decoded.attribute).toBe(serializeCuId(cu));
        const json = JSON.parse(decoded.attribute) as Record<string, string>;
        for (const [name, value] of Object.entries(json)) expect((cu as Record<string, unknown>)[name]).toBe(value);
        expect(verify('sha256', Buffer.from(decoded.tbs), { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, Buffer.from(decoded.signature))).toBe(true);
        if (verifiedSample.length < 12 && (verifiedSample.length < 4 || client.length > 60 || tenant.length > 60 || /[^\x20-\x7e]/.test(decoded.attribute))) verifiedSample.push(Buffer.from(csr.der));
      }),
      { ...fuzz(400), timeout: 2000 },
    );
    expect(verifiedSample.length).toBeGreaterThanOrEqual(4);
  });

  test('openssl verifies a sample of the fuzzed CSRs (long subjects and escaped cuIds included)', () => {
    expect(verifiedSample.length).toBeGreaterThanOrEqual(4);
    const dir = mkdtempSync(join(tmpdir(), 'msal-mtls-csr-fuzz-'));
    try {
      verifiedSample.forEach((der, i) => {
        const file = join(dir, `${i}.csr`);
        writeFileSync(file, der);
        const run = spawnSync('openssl', ['req', '-inform', 'DER', '-in', file, '-verify', '-noout'], { encoding: 'utf8' });
        // openssl 3.0 exits 0 even on a bad signature: read what it says.
        const said = `${run.stdout}${run.stderr}`;
        expect([i, run.status, /verify OK/.test(said), /fail/i.test(said)]).toEqual([i, 0, true, false]);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
