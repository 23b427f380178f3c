import { childrenOf, readElement, type DerElement } from './der.js';

/** One attribute of a Name: `type = value`, with the value's ASN.1 string tag kept (spec §3.3 cares). */
export interface NameAttribute {
  oid: string;
  /** Tag of the value: 0x13 PrintableString, 0x16 IA5String, 0x0c UTF8String, … */
  tag: number;
  value: string;
}

/** A PKCS#10 request (RFC 2986 §4) split into the parts IMDS checks; nothing is verified here. */
export interface ParsedCsr {
  version: number;
  /** The DER of CertificationRequestInfo: the bytes the signature covers. */
  info: Buffer;
  /** RDNs in encoding order; each RDN is a SET of attributes. */
  subject: NameAttribute[][];
  /** DER SubjectPublicKeyInfo. */
  subjectPublicKeyInfo: Buffer;
  attributes: { oid: string; values: DerElement[] }[];
  signatureAlgorithm: { oid: string; parameters: DerElement | undefined };
  signature: Buffer;
}

/** Thrown for input that is not a well-formed PKCS#10 request; the message says what is wrong. */
export class CsrFormatError extends Error {}

const tags = { integer: 0x02, bitString: 0x03, oid: 0x06, sequence: 0x30, set: 0x31, attributes: 0xa0 } as const;

/** Parses DER PKCS#10 strictly enough that every later check reads exactly what was signed. */
export function parseCsr(der: Buffer): ParsedCsr {
  let top: DerElement;
  try {
    top = readElement(der);
  } catch (error) {
    throw new CsrFormatError(`CSR is not valid DER: ${(error as Error).message}`);
  }
  if (top.encoded.length !== der.length) throw new CsrFormatError('CSR has trailing bytes after the CertificationRequest');
  const [info, algorithm, signature, ...extra] = children(top, tags.sequence, 'CertificationRequest');
  if (info === undefined || algorithm === undefined || signature === undefined || extra.length > 0) {
    throw new CsrFormatError('CertificationRequest must hold exactly certificationRequestInfo, signatureAlgorithm and signature');
  }
  const [version, subject, spki, attributes, ...more] = children(info, tags.sequence, 'CertificationRequestInfo');
  if (version === undefined || subject === undefined || spki === undefined || more.length > 0) {
    throw new CsrFormatError('CertificationRequestInfo must hold version, subject, subjectPKInfo and attributes');
  }
  expectTag(version, tags.integer, 'version');
  expectTag(spki, tags.sequence, 'subjectPKInfo');
  // RFC 2986 makes attributes mandatory (possibly empty); .NET writes it even when empty.
  if (attributes === undefined) throw new CsrFormatError('CertificationRequestInfo has no attributes field ([0])');
  const [oid, parameters, ...rest] = children(algorithm, tags.sequence, 'signatureAlgorithm');
  if (oid === undefined || rest.length > 0) throw new CsrFormatError('signatureAlgorithm must be an AlgorithmIdentifier');
  expectTag(signature, tags.bitString, 'signature');
  if (signature.content[0] !== 0) throw new CsrFormatError('signature BIT STRING must have 0 unused bits');
  return {
    version: version.content.length === 1 ? (version.content[0] ?? -1) : -1,
    info: Buffer.from(info.encoded),
    subject: parseName(subject),
    subjectPublicKeyInfo: Buffer.from(spki.encoded),
    attributes: children(attributes, tags.attributes, 'attributes').map((attribute) => {
      const [type, values, ...tail] = children(attribute, tags.sequence, 'Attribute');
      if (type === undefined || values === undefined || tail.length > 0) throw new CsrFormatError('Attribute must be SEQUENCE { type, values }');
      return { oid: decodeOid(type), values: children(values, tags.set, 'Attribute values') };
    }),
    signatureAlgorithm: { oid: decodeOid(oid), parameters },
    signature: Buffer.from(signature.content.subarray(1)),
  };
}

/** A DER Name (RFC 5280 §4.1.2.4) as RDNs of attributes; string values decoded as Latin-1/UTF-8 by tag. */
export function parseName(name: DerElement): NameAttribute[][] {
  return children(name, tags.sequence, 'subject').map((rdn) =>
    children(rdn, tags.set, 'RelativeDistinguishedName').map((pair) => {
      const [type, value, ...rest] = children(pair, tags.sequence, 'AttributeTypeAndValue');
      if (type === undefined || value === undefined || rest.length > 0) throw new CsrFormatError('AttributeTypeAndValue must be SEQUENCE { type, value }');
      return { oid: decodeOid(type), tag: value.tag, value: value.content.toString(value.tag === 0x0c ? 'utf8' : 'latin1') };
    }),
  );
}

/** Dotted text of an OBJECT IDENTIFIER element (X.690 §8.19). */
export function decodeOid(element: DerElement): string {
  expectTag(element, tags.oid, 'OBJECT IDENTIFIER');
  const arcs: number[] = [];
  let value = 0;
  for (const byte of element.content) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(value);
      value = 0;
    }
  }
  const [first] = arcs;
  if (first === undefined || (element.content[element.content.length - 1] ?? 0) & 0x80) throw new CsrFormatError('malformed OBJECT IDENTIFIER');
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join('.');
}

function children(element: DerElement, tag: number, what: string): DerElement[] {
  expectTag(element, tag, what);
  try {
    return childrenOf(element);
  } catch (error) {
    throw new CsrFormatError(`${what} is not valid DER: ${(error as Error).message}`);
  }
}

function expectTag(element: DerElement, tag: number, what: string): void {
  if (element.tag !== tag) throw new CsrFormatError(`${what} has tag 0x${element.tag.toString(16)}, expected 0x${tag.toString(16)}`);
}
