import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { CsrFormatError, decodeOid, parseCsr, type ParsedCsr } from './csr_parser.js';
import { childrenOf, type DerElement } from './der.js';
import type { ImdsCuId } from './imds_options.js';

/** What the CSR must say: the identity IMDS selected and the VM's compute unit id. */
export interface CsrExpectations {
  tenantId: string;
  clientId: string;
  cuId: ImdsCuId;
}

/** A CSR IMDS accepts, and the key to certify. */
export interface AcceptedCsr {
  ok: true;
  subjectPublicKeyInfo: Buffer;
}

/** A CSR IMDS refuses; `description` becomes the 400's `error_description`. */
export interface RejectedCsr {
  ok: false;
  description: string;
}

export const CUID_ATTRIBUTE_OID = '1.3.6.1.4.1.311.90.2.10';
const oids = {
  rsassaPss: '1.2.840.113549.1.1.10',
  mgf1: '1.2.840.113549.1.1.8',
  sha256: '2.16.840.1.101.3.4.2.1',
  domainComponent: '0.9.2342.19200300.100.1.25',
  commonName: '2.5.4.3',
} as const;
const ia5String = 0x16;
const printableString = 0x13;
const utf8String = 0x0c;

/**
 * The checks IMDS makes on an issuecredential CSR, each against the bytes of spec §3: PKCS#10
 * shape, RSASSA-PSS parameters (§3.5), an RSA-2048 key, a valid self-signature, the subject
 * DC=tenant then CN=client with their string types (§3.3), and the cuId attribute (§3.4).
 */
export function verifyCsr(der: Buffer, expected: CsrExpectations): AcceptedCsr | RejectedCsr {
  let csr: ParsedCsr;
  try {
    csr = parseCsr(der);
  } catch (error) {
    if (error instanceof CsrFormatError) return reject(`CSR is invalid: ${error.message}`);
    throw error;
  }
  if (csr.version !== 0) return reject('CSR is invalid: version must be 0 (v1)');
  let algorithmProblem: string | undefined;
  try {
    algorithmProblem = checkPssParameters(csr);
  } catch {
    algorithmProblem = 'RSASSA-PSS parameters are not valid DER';
  }
  if (algorithmProblem !== undefined) return reject(`CSR signature algorithm is invalid: ${algorithmProblem}`);

  let key: KeyObject;
  try {
    key = createPublicKey({ key: csr.subjectPublicKeyInfo, format: 'der', type: 'spki' });
  } catch {
    return reject('CSR public key is not a valid SubjectPublicKeyInfo');
  }
  // §3.2 fixes the key algorithm to rsaEncryption; an id-RSASSA-PSS key would parse as 'rsa-pss'.
  if (key.asymmetricKeyType !== 'rsa') return reject(`CSR public key must be RSA (rsaEncryption), got ${String(key.asymmetricKeyType)}`);
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (bits !== 2048) return reject(`CSR public key must be RSA 2048, got RSA ${String(bits)}`);
  const signed = verify('sha256', csr.info, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, csr.signature);
  if (!signed) return reject('CSR signature does not verify with the CSR public key (RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32)');

  const subjectProblem = checkSubject(csr, expected);
  if (subjectProblem !== undefined) return reject(subjectProblem);
  const cuIdProblem = checkCuId(csr, expected.cuId);
  if (cuIdProblem !== undefined) return reject(cuIdProblem);
  return { ok: true, subjectPublicKeyInfo: csr.subjectPublicKeyInfo };
}

function reject(description: string): RejectedCsr {
  return { ok: false, description };
}

/** §3.5: PSS with SHA-256, MGF1-SHA-256, salt 32, trailerField omitted. A NULL after a SHA-2 OID is tolerated. */
function checkPssParameters(csr: ParsedCsr): string | undefined {
  const { oid, parameters } = csr.signatureAlgorithm;
  if (oid !== oids.rsassaPss) return `expected RSASSA-PSS (${oids.rsassaPss}), got ${oid}`;
  if (parameters?.tag !== 0x30) return 'RSASSA-PSS parameters are missing';
  const fields = new Map(childrenOf(parameters).map((field) => [field.tag, field]));
  const hash = fields.get(0xa0);
  if (hash === undefined || !isSha256(only(hash))) return 'hashAlgorithm must be SHA-256';
  const mgf = fields.get(0xa1);
  const [mgfOid, mgfHash] = mgf === undefined ? [] : childrenOf(only(mgf));
  if (mgfOid === undefined || decodeOid(mgfOid) !== oids.mgf1 || mgfHash === undefined || !isSha256(mgfHash)) {
    return 'maskGenAlgorithm must be MGF1 with SHA-256';
  }
  const salt = fields.get(0xa2);
  const saltValue = salt === undefined ? undefined : only(salt);
  if (saltValue?.tag !== 0x02 || !saltValue.content.equals(Buffer.from([32]))) return 'saltLength must be 32';
  if (fields.has(0xa3)) return 'trailerField must be omitted (DEFAULT 1)';
  if (fields.size !== 3) return 'unexpected RSASSA-PSS parameter fields';
  return undefined;
}

function only(explicit: DerElement): DerElement {
  const [inner, ...rest] = childrenOf(explicit);
  if (inner === undefined || rest.length > 0) throw new CsrFormatError('malformed explicit tag');
  return inner;
}

function isSha256(algorithm: DerElement): boolean {
  if (algorithm.tag !== 0x30) return false;
  const [oid, params, ...rest] = childrenOf(algorithm);
  const nullOrAbsent = params === undefined || (params.tag === 0x05 && params.content.length === 0);
  return oid !== undefined && decodeOid(oid) === oids.sha256 && nullOrAbsent && rest.length === 0;
}

/** §3.3: exactly two single-valued RDNs, DC (IA5String) = tenant first, then CN (PrintableString) = client. */
function checkSubject(csr: ParsedCsr, expected: CsrExpectations): string | undefined {
  const wanted = `DC=${expected.tenantId} (IA5String) then CN=${expected.clientId} (PrintableString)`;
  const [dc, cn, ...rest] = csr.subject;
  const shown = csr.subject.map((rdn) => rdn.map((a) => `${nameOf(a.oid)}=${a.value}`).join('+')).join(', ');
  if (dc?.length !== 1 || cn?.length !== 1 || rest.length > 0) return `CSR subject must be ${wanted}; got '${shown}'`;
  const [dcValue] = dc;
  const [cnValue] = cn;
  if (dcValue?.oid !== oids.domainComponent || cnValue?.oid !== oids.commonName) return `CSR subject must be ${wanted}; got '${shown}'`;
  if (dcValue.tag !== ia5String) return `CSR subject DC must be an IA5String; got tag 0x${dcValue.tag.toString(16)}`;
  if (cnValue.tag !== printableString) return `CSR subject CN must be a PrintableString; got tag 0x${cnValue.tag.toString(16)}`;
  if (dcValue.value !== expected.tenantId) return `CSR subject DC '${dcValue.value}' is not the tenant id '${expected.tenantId}'`;
  if (cnValue.value !== expected.clientId) return `CSR subject CN '${cnValue.value}' is not the client id '${expected.clientId}' of the selected identity`;
  return undefined;
}

function nameOf(oid: string): string {
  return oid === oids.domainComponent ? 'DC' : oid === oids.commonName ? 'CN' : oid;
}

/** §3.4: one cuId attribute holding one UTF8String of JSON whose vmId/vmssId equal this VM's. */
function checkCuId(csr: ParsedCsr, cuId: ImdsCuId): string | undefined {
  const matching = csr.attributes.filter((attribute) => attribute.oid === CUID_ATTRIBUTE_OID);
  if (matching.length === 0) return `CSR is missing the cuId attribute (${CUID_ATTRIBUTE_OID})`;
  const [attribute] = matching;
  const [value, ...more] = attribute?.values ?? [];
  if (matching.length > 1 || value === undefined || more.length > 0) return 'CSR must carry exactly one cuId attribute value';
  if (value.tag !== utf8String) return `CSR cuId attribute must be a UTF8String; got tag 0x${value.tag.toString(16)}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.content.toString('utf8'));
  } catch {
    return 'CSR cuId attribute is not JSON';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'CSR cuId attribute is not a JSON object';
  const sent = parsed as Record<string, unknown>;
  const unknownMembers = Object.keys(sent).filter((member) => member !== 'vmId' && member !== 'vmssId');
  // An empty member counts as a mismatch: peers report IMDS rejects `"vmssId":""` (§3.4).
  if (unknownMembers.length > 0 || sent['vmId'] !== cuId.vmId || sent['vmssId'] !== cuId.vmssId) {
    return `CSR cuId ${JSON.stringify(sent)} does not match this VM's cuId ${JSON.stringify(cuId)}`;
  }
  return undefined;
}
