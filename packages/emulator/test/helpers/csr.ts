import { execFileSync } from 'node:child_process';
import { constants, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bitString, derNull, explicitTag, objectIdentifier, sequence, singletonSet, tlv, unsignedInteger } from '../../src/der.js';

/** How to build a test CSR; every field defaults to the spec §3 layout. */
export interface CsrSpec {
  tenantId: string;
  clientId: string;
  /** Raw JSON text of the cuId attribute; `undefined` leaves the attribute out. */
  cuIdJson: string | undefined;
  privateKey: KeyObject;
  publicKey: KeyObject;
  order?: 'dc-cn' | 'cn-dc';
  dcTag?: number;
  cnTag?: number;
  cuIdTag?: number;
  /** `pkcs1`: sha256WithRSAEncryption + PKCS#1 v1.5 instead of RSASSA-PSS. */
  padding?: 'pss' | 'pkcs1';
  saltLength?: number;
  /** Flip one bit of the signature. */
  tamper?: boolean;
}

const oid = {
  dc: '0.9.2342.19200300.100.1.25', cn: '2.5.4.3', cuId: '1.3.6.1.4.1.311.90.2.10', pss: '1.2.840.113549.1.1.10',
  mgf1: '1.2.840.113549.1.1.8', sha256: '2.16.840.1.101.3.4.2.1', sha256WithRsa: '1.2.840.113549.1.1.11',
};

/** A PKCS#10 request assembled byte by byte (spec §3.2–3.5) and signed with node:crypto. */
export function buildCsr(spec: CsrSpec): Buffer {
  const dc = singletonSet(sequence(objectIdentifier(oid.dc), tlv(spec.dcTag ?? 0x16, Buffer.from(spec.tenantId, 'latin1'))));
  const cn = singletonSet(sequence(objectIdentifier(oid.cn), tlv(spec.cnTag ?? 0x13, Buffer.from(spec.clientId, 'latin1'))));
  const name = spec.order === 'cn-dc' ? sequence(cn, dc) : sequence(dc, cn);
  const attribute = spec.cuIdJson === undefined
    ? Buffer.alloc(0)
    : sequence(objectIdentifier(oid.cuId), singletonSet(tlv(spec.cuIdTag ?? 0x0c, Buffer.from(spec.cuIdJson, 'utf8'))));
  const info = sequence(unsignedInteger(0), name, spec.publicKey.export({ type: 'spki', format: 'der' }), tlv(0xa0, attribute));
  const saltLength = spec.saltLength ?? 32;
  const pkcs1 = spec.padding === 'pkcs1';
  const algorithm = pkcs1
    ? sequence(objectIdentifier(oid.sha256WithRsa), derNull)
    : sequence(objectIdentifier(oid.pss), sequence(
      explicitTag(0, sequence(objectIdentifier(oid.sha256))),
      explicitTag(1, sequence(objectIdentifier(oid.mgf1), sequence(objectIdentifier(oid.sha256)))),
      explicitTag(2, unsignedInteger(saltLength)),
    ));
  const signature = pkcs1
    ? sign('sha256', info, spec.privateKey)
    : sign('sha256', info, { key: spec.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength });
  if (spec.tamper) signature[10] = (signature[10] ?? 0) ^ 0x01;
  return sequence(info, algorithm, bitString(signature));
}

/** The same request made by the OpenSSL CLI (an independent encoder), DER. */
export function opensslCsr(options: { tenantId: string; clientId: string; cuIdJson: string; keyPem: string }): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'imds-csr-'));
  try {
    const escaped = options.cuIdJson.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    // MASK:0x2002 = PrintableString or UTF8String: CN comes out PrintableString, the JSON UTF8String; DC is always IA5String.
    writeFileSync(join(dir, 'req.cnf'), [
      'oid_section = new_oids', '[new_oids]', `cuId = ${oid.cuId}`,
      '[req]', 'distinguished_name = dn', 'attributes = attrs', 'prompt = no', 'string_mask = MASK:0x2002',
      '[dn]', `DC = ${options.tenantId}`, `CN = ${options.clientId}`, '[attrs]', `cuId = "${escaped}"`, '',
    ].join('\n'));
    writeFileSync(join(dir, 'key.pem'), options.keyPem, { mode: 0o600 });
    execFileSync('openssl', [
      'req', '-new', '-key', join(dir, 'key.pem'), '-config', join(dir, 'req.cnf'), '-sha256',
      '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32', '-sigopt', 'rsa_mgf1_md:sha256',
      '-outform', 'DER', '-out', join(dir, 'req.der'),
    ], { stdio: 'pipe' });
    return readFileSync(join(dir, 'req.der'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `openssl req -verify` on a DER CSR: the text OpenSSL prints (throws if it rejects the signature). */
export function opensslVerify(der: Buffer): string {
  return execFileSync('openssl', ['req', '-inform', 'DER', '-verify', '-noout', '-text'], { input: der, stdio: 'pipe' }).toString('utf8');
}
