/**
 * PKCS#10 certification request for IMDSv2 issuecredential, byte for byte what MSAL.NET sends
 * (spec §3). The private key never enters this module: the DER of CertificationRequestInfo is handed
 * to an injected signer, so a non-exportable key (Windows CNG / KeyGuard) can sign it later.
 *
 * Every field is set explicitly. PKI.js's CertificationRequest.sign() is never used: it picks
 * algorithm defaults (SHA-1 when no hash is given) and needs the private key.
 */
import { createPublicKey } from 'node:crypto';
import * as asn1js from 'asn1js';
import { AlgorithmIdentifier, Attribute, AttributeTypeAndValue, PublicKeyInfo, RelativeDistinguishedNames, RSASSAPSSParams, type AttributeValueType } from 'pkijs';
import { invalidArgument, invalidValue } from '@msal-mtls/core';
import { serializeCuId, type CuId } from './cuid.js';


/** The binding key, seen only through its public half and a signing operation. */
export interface CsrSigner {
  /** SubjectPublicKeyInfo, DER (RSA 2048). */
  publicKeySpki(): Uint8Array;
  /** Sign `data` (the DER of CertificationRequestInfo); the signer hashes it. */
  sign(data: Uint8Array, options: { algorithm: 'RSA-PSS' | 'RSA-PKCS1'; hash: 'SHA-256' }): Promise<Uint8Array>;
}

/** The CSR inputs, from the getplatformmetadata response (spec §2) and the binding key (spec §3.1). */
export interface CsrInput {
  clientId: string;
  tenantId: string;
  cuId: CuId;
  signer: CsrSigner;
}

export interface Csr {
  /** The CertificationRequest, DER. */
  der: Uint8Array;
  /** One line of standard base64 (with + / =), the value of issuecredential's `csr` field (spec §3.6). */
  base64: string;
}

// Object identifiers (spec §3.2-3.5).
const oidDomainComponent = '0.9.2342.19200300.100.1.25';
const oidCommonName = '2.5.4.3';
const oidCuIdAttribute = '1.3.6.1.4.1.311.90.2.10';
const oidRsassaPss = '1.2.840.113549.1.1.10';
const oidMgf1 = '1.2.840.113549.1.1.8';
const oidSha256 = '2.16.840.1.101.3.4.2.1';

// spec §3.2: the SPKI algorithm must be rsaEncryption with NULL parameters, exactly these bytes.
const rsaEncryptionAlgorithm = Uint8Array.of(0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00);
// spec §3.1: RSA 2048 (MSAL's test validator asserts a 256-byte modulus).
const modulusBits = 2048;
const signatureBytes = modulusBits / 8;
const pssSaltLength = 32;

// PrintableString repertoire (X.680 §41.4). A GUID always fits; .NET would pick another string type
// for anything else, which the spec does not pin down, so we refuse instead of guessing (spec §3.3).
const printableString = /^[A-Za-z0-9 '()+,\-./:=?]+$/;
// IA5String is 7-bit ASCII; the DC is always IA5String in .NET (spec §3.3).
const ia5String = /^[\x00-\x7f]+$/;

function requireText(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim().length === 0) throw invalidArgument(name, 'a non-empty string', value);
  return value;
}

function requireSigner(signer: unknown): CsrSigner {
  if (typeof signer !== 'object' || signer === null) throw invalidArgument('signer', 'an object with publicKeySpki() and sign()', signer);
  const s = signer as Record<string, unknown>;
  if (typeof s['publicKeySpki'] !== 'function') throw invalidArgument('signer.publicKeySpki', 'a function', s['publicKeySpki']);
  if (typeof s['sign'] !== 'function') throw invalidArgument('signer.sign', 'a function', s['sign']);
  return signer as CsrSigner;
}

/** Length of a DER tag-and-length header with a single-byte tag (all we ever encode here). */
function headerLength(der: Uint8Array): number {
  const first = der[1] ?? 0;
  return first & 0x80 ? 2 + (first & 0x7f) : 2;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Reads the signer's SPKI and checks it is the RSA-2048 rsaEncryption key spec §3.1-3.2 requires. */
function readSpki(signer: CsrSigner): Uint8Array {
  const raw: unknown = signer.publicKeySpki();
  if (!(raw instanceof Uint8Array)) throw invalidArgument('signer.publicKeySpki()', 'a Uint8Array (SPKI DER)', raw);
  const spki = Uint8Array.from(raw); // private copy: the signer cannot change it under us
  let details: { type: string | undefined; bits: number | undefined };
  try {
    const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    details = { type: key.asymmetricKeyType, bits: key.asymmetricKeyDetails?.modulusLength };
  } catch {
    throw invalidValue('signer.publicKeySpki()', 'is not a DER SubjectPublicKeyInfo');
  }
  if (details.type !== 'rsa') throw invalidValue('signer.publicKeySpki()', `must be an RSA (rsaEncryption) key, not ${details.type ?? 'unknown'} (spec §3.1)`);
  if (details.bits !== modulusBits) throw invalidValue('signer.publicKeySpki()', `must be a ${modulusBits}-bit RSA key, not ${details.bits ?? 'unknown'} bits (spec §3.1)`);
  // The algorithm identifier follows the outer SEQUENCE header (30 82 xx xx for a 2048-bit key).
  const header = headerLength(spki);
  if (!equalBytes(spki.subarray(header, header + rsaEncryptionAlgorithm.length), rsaEncryptionAlgorithm)) {
    throw invalidValue('signer.publicKeySpki()', 'must use the rsaEncryption algorithm identifier with NULL parameters (spec §3.2)');
  }
  return spki;
}

/**
 * subject Name (spec §3.3): two single-valued RDNs, DC (IA5String tenantId) first, then CN
 * (PrintableString clientId) — .NET encodes the string `CN=…, DC=…` reversed. PKI.js's
 * RelativeDistinguishedNames would put both values into one multi-valued RDN, so the SEQUENCE OF SET
 * is built here and handed to PKI.js as already-encoded DER.
 */
function encodeSubject(clientId: string, tenantId: string): RelativeDistinguishedNames {
  const rdn = (type: string, value: AttributeValueType): asn1js.Set => new asn1js.Set({ value: [new AttributeTypeAndValue({ type, value }).toSchema()] });
  const name = new asn1js.Sequence({
    value: [rdn(oidDomainComponent, new asn1js.IA5String({ value: tenantId })), rdn(oidCommonName, new asn1js.PrintableString({ value: clientId }))],
  });
  return RelativeDistinguishedNames.fromBER(name.toBER());
}

/**
 * signatureAlgorithm (spec §3.5): id-RSASSA-PSS with sha256 (parameters absent, no NULL), MGF1 over
 * sha256 (again no NULL), salt length 32, trailerField omitted (DEFAULT 1). PKI.js leaves out a
 * member equal to its ASN.1 DEFAULT, so trailerField 1 is omitted, the others are written.
 */
function pssAlgorithm(): AlgorithmIdentifier {
  const sha256 = (): AlgorithmIdentifier => new AlgorithmIdentifier({ algorithmId: oidSha256 });
  const params = new RSASSAPSSParams({
    hashAlgorithm: sha256(),
    maskGenAlgorithm: new AlgorithmIdentifier({ algorithmId: oidMgf1, algorithmParams: sha256().toSchema() }),
    saltLength: pssSaltLength,
    trailerField: 1,
  });
  return new AlgorithmIdentifier({ algorithmId: oidRsassaPss, algorithmParams: params.toSchema() });
}

/**
 * Builds and signs the IMDSv2 CSR (spec §3). The signer is called once, with
 * `{ algorithm: 'RSA-PSS', hash: 'SHA-256' }`, and must return a 256-byte RSASSA-PSS signature
 * (MGF1-SHA-256, salt 32) over the bytes it is given. Misuse throws TypeError/RangeError (code
 * ERR_MTLS_INVALID_ARGUMENT); a signer failure is passed through unchanged.
 */
export async function buildCsr(input: CsrInput): Promise<Csr> {
  if (typeof input !== 'object' || input === null) throw invalidArgument('input', 'an object', input);
  const clientId = requireText('clientId', input.clientId);
  const tenantId = requireText('tenantId', input.tenantId);
  if (!printableString.test(clientId)) throw invalidValue('clientId', 'must contain only PrintableString characters (spec §3.3)');
  if (!ia5String.test(tenantId)) throw invalidValue('tenantId', 'must contain only ASCII (IA5String) characters (spec §3.3)');
  const cuIdJson = serializeCuId(input.cuId);
  const signer = requireSigner(input.signer);
  const spki = readSpki(signer);

  // CertificationRequestInfo (spec §3.2), composed from PKI.js pieces with nothing left to defaults.
  const subject = encodeSubject(clientId, tenantId);
  const tbs = new Uint8Array(
    new asn1js.Sequence({
      value: [
        new asn1js.Integer({ value: 0 }), // version INTEGER 0
        subject.toSchema(),
        PublicKeyInfo.fromBER(spki).toSchema(),
        // spec §3.4: attributes [0] IMPLICIT SET OF, exactly one Attribute, no extensionRequest.
        new asn1js.Constructed({
          idBlock: { tagClass: 3, tagNumber: 0 },
          value: [new Attribute({ type: oidCuIdAttribute, values: [new asn1js.Utf8String({ value: cuIdJson })] }).toSchema()],
        }),
      ],
    }).toBER(),
  );

  // The SPKI must go out exactly as the signer gave it (spec §3.2): it follows the header, the
  // version (3 bytes) and the subject.
  const spkiOffset = headerLength(tbs) + 3 + subject.toSchema().toBER().byteLength;
  if (!equalBytes(tbs.subarray(spkiOffset, spkiOffset + spki.length), spki)) {
    throw invalidValue('signer.publicKeySpki()', 'is not canonical DER (it does not survive re-encoding)');
  }

  // The signer gets its own copy, so whatever it does to the buffer cannot change what we embed.
  const signature: unknown = await signer.sign(Uint8Array.from(tbs), { algorithm: 'RSA-PSS', hash: 'SHA-256' });
  if (!(signature instanceof Uint8Array)) throw invalidArgument('signer.sign() result', 'a Uint8Array', signature);
  // An RSA-2048 signature is always exactly 256 bytes; anything else is a broken signer, which we
  // report here rather than leave to IMDS's opaque "CSR is invalid".
  if (signature.length !== signatureBytes) {
    throw invalidValue('signer.sign() result', `must be ${signatureBytes} bytes for an RSA-${modulusBits} key, not ${signature.length}`);
  }

  // CertificationRequest (spec §3.2): the signed bytes, the PSS identifier, the signature as a
  // BIT STRING with 0 unused bits.
  const der = new Uint8Array(
    new asn1js.Sequence({
      value: [
        asn1js.fromBER(tbs).result,
        pssAlgorithm().toSchema(),
        new asn1js.BitString({ unusedBits: 0, valueHex: Uint8Array.from(signature) }),
      ],
    }).toBER(),
  );

  // Belt and braces: the CertificationRequestInfo inside the result must be the bytes that were signed.
  const outerHeader = headerLength(der);
  if (!equalBytes(der.subarray(outerHeader, outerHeader + tbs.length), tbs)) {
    throw new Error('Internal error: the encoded CSR does not embed the signed CertificationRequestInfo.');
  }

  // spec §3.6: PEM without BEGIN/END lines and line breaks is plain one-line base64 of the DER.
  return { der, base64: Buffer.from(der).toString('base64') };
}
